"""The reconciliation service at /reconcile: protocol (API 0.2 and the 1.0 draft), scoring, CORS, JSONP.

Every JSON response is validated against the JSON schemas in tests/schemas/reconciliation/, written
from the specification's text. Expected candidates come from data/ and data/reference/ by hand.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
from browser import launch_chromium

from intmk_kg.linking import index as index_module
from intmk_kg.linking.index import Entity, LinkIndex
from intmk_kg.linking.scoring import form

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "schemas" / "reconciliation"
ID = "https://w3id.org/intmk/id/"


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def valid(instance, name: str):
    jsonschema.validate(instance, schema(name), format_checker=jsonschema.FormatChecker())
    return instance


def ask(client, queries: dict, **params) -> dict:
    valid(queries, "0.2/reconciliation-query-batch.json")
    response = client.post("/reconcile", data={"queries": json.dumps(queries)}, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return valid(response.get_json(), "0.2/reconciliation-result-batch.json")


def top(client, query: dict, **params) -> list[dict]:
    return ask(client, {"q": query}, **params)["q"]["result"]


# --- manifest -------------------------------------------------------------------------------------


def test_manifest_is_valid_and_names_our_spaces(client):
    response = client.get("/reconcile")
    assert response.status_code == 200
    m = valid(response.get_json(), "0.2/manifest.json")
    assert m["identifierSpace"] == ID
    assert m["schemaSpace"] == "https://w3id.org/intmk/ontology#"
    assert {t["id"] for t in m["defaultTypes"]} == {"Conference", "State", "Person", "Resolution", "Milestone", "Law"}
    assert set(m["suggest"]) == {"entity", "type", "property"}
    assert m["batchSize"] == 50


def test_manifest_names_and_types_follow_lang(client):
    de = client.get("/reconcile").get_json()
    en = client.get("/reconcile?lang=en").get_json()
    assert {t["id"]: t["name"] for t in de["defaultTypes"]}["State"] == "Land"
    assert {t["id"]: t["name"] for t in en["defaultTypes"]}["Law"] == "law"
    assert client.get("/reconcile?lang=fr").status_code == 400


def test_view_template_leads_to_the_entity_even_percent_encoded(client):
    template = client.get("/reconcile").get_json()["view"]["url"]
    url = template.replace("{{id}}", quote("state/DE-NI", safe=""))
    response = client.get(url.replace("http://localhost", ""))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/id/state/DE-NI")
    assert client.get("/reconcile/view?id=state/XX").status_code == 404


def test_preview_is_html_with_names_and_wikidata_link(client):
    template = client.get("/reconcile").get_json()["preview"]["url"]
    response = client.get(template.replace("{{id}}", quote("state/DE-NI", safe="")).replace("http://localhost", ""))
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Niedersachsen" in html and "Lower Saxony" in html
    assert 'href="http://www.wikidata.org/entity/Q1197"' in html
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]  # framed by clients of any origin
    assert client.get("/reconcile/preview?id=nothing/here").status_code == 404
    assert client.get("/reconcile/preview").status_code == 400


# --- candidates and scores ------------------------------------------------------------------------


def test_exact_name_ranks_first_and_is_a_match(client):
    result = top(client, {"query": "Göttingen"})
    assert result[0]["id"] == "place/goettingen"
    assert result[0]["match"] is True
    assert result[0]["score"] > result[1]["score"]
    assert not any(c["match"] for c in result[1:])
    assert {"id": "City", "name": "Stadt"} in result[0]["type"]


def test_transliteration_case_and_hyphens_are_exact(client):
    for query in ("Goettingen", "GÖTTINGEN", "gottingen"):
        assert top(client, {"query": query})[0]["id"] == "place/goettingen", query
    result = top(client, {"query": "nordrhein westfalen"})
    assert result[0]["id"] == "state/DE-NW" and result[0]["match"] is True


def test_abbreviations(client):
    assert top(client, {"query": "NRW"})[0]["id"] == "state/DE-NW"
    assert top(client, {"query": "IntMK"})[0]["id"] == "organisation/intmk"


def test_misspelling_ranks_first_but_is_no_match(client):
    result = top(client, {"query": "Niedersachen"})
    assert result[0]["id"] == "state/DE-NI"
    assert result[0]["match"] is False
    assert result[0]["score"] < 100


def test_two_exact_namesakes_are_no_match_until_a_type_decides(client):
    result = top(client, {"query": "Berlin"})
    exact = {c["id"] for c in result if c["score"] == 100}
    assert exact == {"place/berlin", "state/DE-BE"}  # Wikidata Q64 is both; so are our two entities
    assert not any(c["match"] for c in result)
    typed = top(client, {"query": "Berlin", "type": "State"})
    assert typed[0]["id"] == "state/DE-BE" and typed[0]["match"] is True
    assert all(any(t["id"] == "State" for t in c["type"]) for c in typed)


def test_type_filter_includes_subtypes_and_lists(client):
    result = top(client, {"query": "Göttingen", "type": "Resolution"})
    assert [c["id"] for c in result] == ["resolution/20-goettinger-erklaerung"]  # a Declaration is a Resolution
    either = top(client, {"query": "Hamburg", "type": ["City", "State"]})
    assert {c["id"] for c in either[:2]} == {"place/hamburg", "state/DE-HH"}


def test_property_constraint_picks_the_person_of_a_land(client):
    result = top(client, {"query": "Paul", "type": "Person", "properties": [{"pid": "state", "v": "NRW"}]})
    assert result[0]["id"] == "person/josefine-paul"
    wrong = top(client, {"query": "Andreas Philippi", "type": "Person", "properties": [{"pid": "state", "v": "Bayern"}]})
    assert wrong[0]["id"] == "person/andreas-philippi"
    assert wrong[0]["match"] is False and wrong[0]["score"] < 100
    right = top(client, {"query": "Andreas Philippi", "properties": [{"pid": "state", "v": {"id": "state/DE-NI"}}]})
    assert right[0]["match"] is True and right[0]["score"] == 100


def test_properties_without_a_name(client):
    result = top(client, {"type": "Conference", "properties": [{"pid": "year", "v": 2019}]})
    assert [c["id"] for c in result if c["score"] == 100] == ["conference/14"]
    chaired = top(client, {"type": "Conference", "properties": [{"pid": "chairPerson", "v": "Andreas Philippi"}]})
    assert chaired[0]["id"] == "conference/20"


def test_identifiers_as_query_find_the_entity(client):
    assert top(client, {"query": "state/DE-NI"})[0]["id"] == "state/DE-NI"
    assert top(client, {"query": ID + "conference/20"})[0]["id"] == "conference/20"
    assert top(client, {"query": "Q1197"})[0]["id"] == "state/DE-NI"


def test_limit_and_lang(client):
    assert len(top(client, {"query": "Integrationsministerkonferenz", "limit": 3})) == 3
    result = top(client, {"query": "Niedersachsen"}, lang="en")
    assert result[0]["name"] == "Lower Saxony"
    assert result[0]["description"] == "German Land"


def test_get_is_served_like_post(client):
    response = client.get("/reconcile", query_string={"queries": json.dumps({"a": {"query": "Bavaria"}})})
    assert response.status_code == 200
    assert valid(response.get_json(), "0.2/reconciliation-result-batch.json")["a"]["result"][0]["id"] == "state/DE-BY"


def test_batch_keys_are_kept(client):
    result = ask(client, {"x1": {"query": "Bayern"}, "x2": {"query": "Hessen"}})
    assert set(result) == {"x1", "x2"}
    assert result["x2"]["result"][0]["id"] == "state/DE-HE"


@pytest.mark.parametrize("queries, message", [
    ("{not json", "not valid JSON"),
    ("[]", "JSON object"),
    ('{"q": "Bayern"}', "JSON object"),
    ('{"q": {}}', "'query'"),
    ('{"q": {"query": ""}}', "non-empty"),
    ('{"q": {"query": "Bayern", "type": "Planet"}}', "unknown type"),
    ('{"q": {"query": "Bayern", "limit": 0}}', "positive integer"),
    ('{"q": {"query": "Bayern", "limit": "5"}}', "positive integer"),
    ('{"q": {"query": "Bayern", "limit": NaN}}', "positive integer"),
    ('{"q": {"query": "Bayern", "limit": 1e400}}', "positive integer"),
    ('{"q": {"query": "Bayern", "properties": [{"pid": "colour", "v": "blue"}]}}', "unknown property"),
    ('{"q": {"query": "Bayern", "properties": [{"pid": "state"}]}}', "'pid' and 'v'"),
    ('{"q": {"query": "Bayern", "type_strict": "maybe"}}', "type_strict"),
    ('{"q": {"query": "Bayern", "colour": "blue"}}', "unknown field"),
])
def test_bad_queries_are_400_with_a_message(client, queries, message):
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_post_without_queries_and_oversized_batch(client):
    response = client.post("/reconcile", data={})
    assert response.status_code == 400 and "queries" in response.get_json()["error"]
    big = {f"q{i}": {"query": "Bayern"} for i in range(51)}
    assert client.post("/reconcile", data={"queries": json.dumps(big)}).status_code == 413


# --- suggest --------------------------------------------------------------------------------------


def test_suggest_entity(client):
    response = client.get("/reconcile/suggest/entity?prefix=Nieders")
    result = valid(response.get_json(), "0.2/suggest-entities-response.json")["result"]
    assert result[0]["id"] == "state/DE-NI"
    assert {"id": "State", "name": "Land"} in result[0]["notable"]
    people = client.get("/reconcile/suggest/entity?prefix=Phil&type=Person").get_json()["result"]
    assert [p["id"] for p in people] == ["person/andreas-philippi"]
    by_id = client.get("/reconcile/suggest/entity?prefix=conference/20").get_json()["result"]
    assert by_id[0]["id"] == "conference/20"


def test_suggest_paging(client):
    first = client.get("/reconcile/suggest/entity?prefix=Integrationsministerkonferenz&limit=5").get_json()["result"]
    second = client.get("/reconcile/suggest/entity?prefix=Integrationsministerkonferenz&limit=5&cursor=5").get_json()["result"]
    assert len(first) == len(second) == 5
    assert not {e["id"] for e in first} & {e["id"] for e in second}
    assert client.get("/reconcile/suggest/entity?prefix=x&cursor=-1").status_code == 400
    assert client.get("/reconcile/suggest/entity").status_code == 400


def test_suggest_type(client):
    result = valid(client.get("/reconcile/suggest/type?prefix=Konf").get_json(), "0.2/suggest-types-response.json")["result"]
    assert {"Conference", "ConferenceSeries"} <= {t["id"] for t in result}
    declaration = client.get("/reconcile/suggest/type?prefix=Declaration&lang=en").get_json()["result"][0]
    assert declaration["id"] == "Declaration"
    assert declaration["broader"] == [{"id": "Resolution", "name": "resolution"}]


def test_suggest_property(client):
    result = valid(client.get("/reconcile/suggest/property?prefix=").get_json(), "0.2/suggest-properties-response.json")["result"]
    assert {p["id"] for p in result} == {"state", "year", "place", "chairPerson", "party", "ordinal", "wikidata"}
    assert [p["id"] for p in client.get("/reconcile/suggest/property?prefix=Land").get_json()["result"]] == ["state"]


# --- CORS and JSONP -------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", "/reconcile"),
    ("POST", "/reconcile"),
    ("GET", "/reconcile/suggest/entity?prefix=a"),
    ("GET", "/reconcile/suggest/type?prefix=a"),
    ("GET", "/reconcile/suggest/property?prefix=a"),
    ("GET", "/reconcile/preview?id=state/DE-NI"),
    ("GET", "/reconcile/draft"),
])
def test_every_endpoint_allows_cross_origin_reads(client, method, path):
    response = client.open(path, method=method, data={"queries": '{"q": {"query": "a"}}'} if method == "POST" else None,
                           headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_and_errors(client):
    response = client.options("/reconcile/draft/reconcile", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 200
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert client.post("/reconcile", data={"queries": "{"}).headers["Access-Control-Allow-Origin"] == "*"


def test_jsonp_wraps_the_json(client):
    response = client.get("/reconcile?callback=jQuery123_456.done")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    body = response.get_data(as_text=True)
    assert body.startswith("/**/jQuery123_456.done(") and body.endswith(");")
    manifest = json.loads(body[len("/**/jQuery123_456.done("):-2])
    assert valid(manifest, "0.2/manifest.json")["identifierSpace"] == ID
    found = client.get("/reconcile/suggest/entity?prefix=Bay&callback=cb").get_data(as_text=True)
    assert found.startswith("/**/cb(") and '"state/DE-BY"' in found


@pytest.mark.parametrize("callback", ["alert(1)", "a;b", "1abc", "a b", "x" * 65, "a.b.c.d.e", "</script>", ""])
def test_jsonp_callback_is_checked_strictly(client, callback):
    response = client.get("/reconcile", query_string={"callback": callback})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert "callback" in response.get_json()["error"]


# --- the 1.0 draft --------------------------------------------------------------------------------


def test_draft_manifest(client):
    m = valid(client.get("/reconcile/draft").get_json(), "draft/manifest.json")
    assert m["suggest"] == {"entity": True, "property": True, "type": True}
    assert "{id}" in m["view"]["url"]


def test_draft_reconcile_keeps_order(client):
    body = {"queries": [{"query": "Hessen"}, {"query": "Lower Saxony", "type": "State", "limit": 2},
                        {"properties": [{"pid": "wikidata", "v": "Q3033"}]}]}
    valid(body, "draft/reconciliation-query-batch.json")
    response = client.post("/reconcile/draft/reconcile", json=body)
    assert response.status_code == 200
    results = valid(response.get_json(), "draft/reconciliation-result-batch.json")["results"]
    assert [r["candidates"][0]["id"] for r in results] == ["state/DE-HE", "state/DE-NI", "place/goettingen"]
    assert len(results[1]["candidates"]) <= 2
    assert client.post("/reconcile/draft/reconcile", data="queries=x").status_code == 400


def test_draft_suggest_and_preview(client):
    result = client.get("/reconcile/draft/suggest/entity?prefix=Bay").get_json()["result"]
    assert result[0]["id"] == "state/DE-BY"
    assert client.get("/reconcile/draft/preview?id=state/DE-BY").status_code == 200


# --- quality on a table of queries ----------------------------------------------------------------


def quality_table() -> list[dict]:
    path = ROOT / "bench" / "reconcile_queries.tsv"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def test_precision_at_1_on_the_query_table(client, capsys):
    rows = quality_table()
    assert len(rows) >= 30
    queries = {str(i): {"query": r["query"], **({"type": r["type"]} if r["type"] else {})} for i, r in enumerate(rows)}
    results = ask(client, queries)
    misses = [(r["query"], r["expected"], (results[str(i)]["result"] or [{"id": None}])[0]["id"])
              for i, r in enumerate(rows) if (results[str(i)]["result"] or [{"id": None}])[0]["id"] != r["expected"]]
    precision = 1 - len(misses) / len(rows)
    with capsys.disabled():
        print(f"\nreconciliation precision@1: {precision:.3f} on {len(rows)} queries; misses: {misses}")
    assert precision >= 0.95, misses


# --- over a real server, from a page of another origin in chromium -----------------------------

CLIENT_PAGE = """<!doctype html><meta charset="utf-8"><title>client</title>
<iframe id="preview" src="{base}/reconcile/preview?id=state%2FDE-NI" width="420" height="160"></iframe>
<iframe id="page" src="{base}/doc/state/DE-NI"></iframe>
<script>
window.results = {{}};
const form = new URLSearchParams({{queries: JSON.stringify({{q: {{query: "Goettingen"}}}})}});
fetch("{base}/reconcile", {{method: "POST", body: form}})
  .then(r => r.json()).then(j => {{ window.results.cors = j.q.result[0].id; }})
  .catch(e => {{ window.results.cors = "blocked"; }});
fetch("{control}/no-cors").then(r => r.text())
  .then(t => {{ window.results.control = t; }}).catch(e => {{ window.results.control = "blocked"; }});
function got(j) {{ window.results.jsonp = j.result[0].id; }}
</script>
<script src="{base}/reconcile/suggest/entity?prefix=Bay&callback=got"></script>
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(release_dir):
    """`intmk-kg serve` (gunicorn) on a free loopback port, stopped after the module."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "intmk_kg.cli", "serve", "--release-dir", str(release_dir), "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # waiting for start-up, not a timing assertion
            try:
                urllib.request.urlopen(base + "/reconcile", timeout=5).read()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("intmk-kg serve exited during start-up")
                time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def static_site(pages: dict[str, tuple[str, str]]):
    """A throw-away HTTP server on 127.0.0.1 answering the given paths (no CORS headers at all)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            media, body = pages.get(self.path, ("text/plain", "not here"))
            data = body.encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.mark.server
def test_openrefine_style_form_post_over_the_real_server(server):
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode({"queries": json.dumps({"q0": {"query": "Lower Saxony", "type": "State"}})}).encode()
    with urllib.request.urlopen(urllib.request.Request(server + "/reconcile", data=body), timeout=30) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        result = valid(json.loads(response.read()), "0.2/reconciliation-result-batch.json")
    assert result["q0"]["result"][0]["id"] == "state/DE-NI"
    assert result["q0"]["result"][0]["match"] is True


@pytest.mark.server
@pytest.mark.browser
def test_a_page_of_another_origin_uses_the_service_in_chromium(server):
    """Chromium on another origin frames the preview, reads /reconcile by CORS and suggest by JSONP.

    Controls: a cross-origin response without CORS headers is blocked, and an ordinary page of ours
    (framed only by its own origin) is refused in the other origin's frame, so the browser enforces both.
    """
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    control, control_base = static_site({"/no-cors": ("text/plain", "secret")})
    site, site_base = static_site({"/": ("text/html", CLIENT_PAGE.format(base=server, control=control_base))})
    try:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            try:
                page = browser.new_page()
                page.goto(site_base + "/")
                page.wait_for_function("window.results.cors && window.results.control && window.results.jsonp")
                page.wait_for_load_state("load")
                results = page.evaluate("window.results")
                assert results == {"cors": "place/goettingen", "control": "blocked", "jsonp": "state/DE-BY"}
                frames = {urlsplit(f.url).path: f for f in page.frames}
                assert "Niedersachsen" in frames["/reconcile/preview"].content()
                assert "/doc/state/DE-NI" not in frames  # refused by frame-ancestors 'self': an error page instead
            finally:
                browser.close()
    finally:
        for httpd in (control, site):
            httpd.shutdown()
            httpd.server_close()


def _index_of(names: dict[str, str]) -> LinkIndex:
    return LinkIndex({eid: Entity(eid, names={name: True}) for eid, name in names.items()}, {})


def test_near_counts_every_trigram_in_a_small_index():
    index = _index_of({f"conference/{i}": f"Konferenz {i}" for i in range(5)} | {"place/goe": "Göttingen"})
    found = [e.id for e in index.near(form("Konferenz in Göttingen"))]
    assert set(found) == {f"conference/{i}" for i in range(5)} | {"place/goe"}


def test_near_leaves_out_trigrams_too_common_to_select(monkeypatch):
    """In a graph of millions of names the common trigrams would make every lookup walk the index."""
    monkeypatch.setattr(index_module, "COMMON_TRIGRAM", 3)
    index = _index_of({f"conference/{i}": f"Konferenz {i}" for i in range(5)} | {"place/goe": "Göttingen Konferenz"})
    assert [e.id for e in index.near(form("Konferenz in Göttingen"))] == ["place/goe"]
    only_common = [e.id for e in index.near(form("onferen"))]  # no rare trigram: the rarest still selects
    assert set(only_common) == {f"conference/{i}" for i in range(5)} | {"place/goe"}


def test_a_bad_query_in_a_batch_leaves_the_others_answered(client):
    """OpenRefine sends batches of 10: one unknown type or property must not lose the other nine."""
    queries = {"good": {"query": "Niedersachsen"}, "badtype": {"query": "Bayern", "type": "Planet"},
               "badprop": {"query": "Bayern", "properties": [{"pid": "colour", "v": "blue"}]}}
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200
    answer = valid(response.get_json(), "0.2/reconciliation-result-batch.json")
    assert answer["good"]["result"][0]["id"] == "state/DE-NI" and "error" not in answer["good"]
    assert answer["badtype"] == {"result": [], "error": answer["badtype"]["error"]}
    assert "unknown type" in answer["badtype"]["error"] and "unknown property" in answer["badprop"]["error"]
    draft = client.post("/reconcile/draft/reconcile", json={"queries": [{"query": "Niedersachsen"},
                                                                      {"query": "Bayern", "type": "Planet"}]})
    results = draft.get_json()["results"]
    assert draft.status_code == 200 and results[0]["candidates"][0]["id"] == "state/DE-NI"
    assert results[1]["candidates"] == [] and "unknown type" in results[1]["error"]


def test_suggest_offers_things_before_texts_about_them(client):
    """'Phil' is typed for the minister: articles titled "Philippi ..." and his quotes come after him."""
    found = [r["id"] for r in client.get("/reconcile/suggest/entity?prefix=Phil&limit=20").get_json()["result"]]
    assert found[0] == "person/andreas-philippi"
    texts = [i for i, r in enumerate(found) if r.startswith(("statement/", "document/"))]
    things = [i for i, r in enumerate(found) if not r.startswith(("statement/", "document/"))]
    assert texts and max(things) < min(texts)


def test_documents_known_only_by_their_url_are_no_candidates_for_names(client):
    """sources.csv gives some documents no title: their name is the URL (asyl.net's is one)."""
    by_word = client.get("/reconcile/suggest/entity?prefix=asyl&limit=50").get_json()["result"]
    assert all(not r["name"].startswith("http") for r in by_word)
    by_url = client.get("/reconcile/suggest/entity?prefix=https://asyl.net").get_json()["result"]
    assert [r["id"] for r in by_url] == ["document/asyl"]

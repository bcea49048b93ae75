"""The browse lists (/conferences/, /states/, /persons/, /topics/, /documents/, /entries/), /search and
the language of the pages, through the app in-process: JSON and CSV, sort orders, the 400s, and a crawl
from the home page that finds every entity of the store two clicks away.

Counts are those of the data: 21 conferences (conferences.csv), 16 Länder, 49 persons (persons.csv
and the documents), 15 topics (ontology/topics.ttl), 259 source documents (sources.csv).
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

from intmk_kg.readable import MESSAGES, natural_key

ID = "https://w3id.org/intmk/id/"
ROOT = Path(__file__).resolve().parents[1]
LISTS = {"conferences": 21, "states": 16, "persons": 49, "topics": 15, "documents": 259}


def _json(client, url: str) -> dict:
    reply = client.get(url)
    assert reply.status_code == 200, reply.get_data(as_text=True)[:300]
    assert reply.mimetype == "application/json"
    return reply.get_json()


@pytest.mark.parametrize(("name", "count"), LISTS.items())
def test_each_list_as_json_has_every_entity_of_its_kind(client, name, count):
    data = _json(client, f"/{name}/?format=json&lang=en")
    assert data["list"] == name and data["lang"] == "en"
    assert len(data["items"]) == count
    assert len({i["iri"] for i in data["items"]}) == count
    assert all(i["iri"].startswith(ID) for i in data["items"])
    assert set(data["items"][0]) >= {"iri", *data["columns"]}


@pytest.mark.parametrize("name", [*LISTS, "entries"])
def test_each_list_as_csv(client, name):
    reply = client.get(f"/{name}/", headers={"Accept": "text/csv"})
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    data = _json(client, f"/{name}/?format=json")
    assert [r["iri"] for r in rows] == [i["iri"] for i in data["items"]]
    assert set(rows[0]) >= set(data["columns"])


def test_entries_are_every_other_typed_entity(client, store):
    listed = set()
    for name in [*LISTS, "entries"]:
        listed |= {i["iri"] for i in _json(client, f"/{name}/?format=json")["items"]}
    listed |= {i["iri"] for i in _json(client, "/resolutions/?format=json")["items"]}
    typed = {r["s"].value for r in store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}')}
    assert typed == listed
    entries = _json(client, "/entries/?format=json&lang=en")["items"]
    kinds = {i["iri"].removeprefix(ID).split("/")[0]: i["kind"] for i in entries}
    assert kinds["chair"] == "chairmanship" and kinds["attendance"] == "attendance" and kinds["place"] in ("city", "venue", "place", "country")


def test_conferences_sort_numerically(client):
    up = [i["conference"] for i in _json(client, "/conferences/?format=json&sort=conference")["items"]]
    assert up == list(range(1, 22))  # 1, 2, …, 10, not 1, 10, 11, …, 2
    down = [i["conference"] for i in _json(client, "/conferences/?format=json&sort=-conference")["items"]]
    assert down == list(range(21, 0, -1))


def test_numbers_sort_numerically_and_ties_keep_the_list_order(client):
    items = _json(client, "/states/?format=json&sort=-moved&lang=de")["items"]
    moved = [i["moved"] for i in items]
    assert moved == sorted(moved, reverse=True) and moved[0] == 12  # Baden-Württemberg: 12 rows of resolutions.csv
    assert items[0]["name"] == "Baden-Württemberg"
    for a, b in zip(items, items[1:]):
        if a["moved"] == b["moved"]:
            assert natural_key(a["name"]) <= natural_key(b["name"])


def test_text_sorts_in_natural_order(client):
    names = [i["name"] for i in _json(client, "/persons/?format=json&sort=name&lang=de")["items"]]
    assert names == sorted(names, key=natural_key)
    back = [i["name"] for i in _json(client, "/persons/?format=json&sort=-name&lang=de")["items"]]
    assert back == names[::-1]


def test_dates_sort_with_the_unknown_last(client):
    items = _json(client, "/documents/?format=json&sort=-issued")["items"]
    dates = [i["issued"] for i in items]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates[:len(known)] == known  # undated documents come after the dated ones


def test_resolutions_sort(client):
    items = _json(client, "/resolutions/?format=json&sort=-conference")["items"]
    assert [i["conference"] for i in items] == sorted((i["conference"] for i in items), reverse=True)


@pytest.mark.parametrize("url", ["/conferences/?sort=nonsense", "/states/?sort=-", "/resolutions/?sort=votes",
                                 "/persons/?sort=name%20desc"])
def test_an_unknown_sort_is_a_400_naming_the_columns(client, url):
    reply = client.get(url + "&lang=en", headers={"Accept": "application/json"})
    assert reply.status_code == 400
    text = reply.get_json()["error"]["message"]
    assert "cannot be sorted by" in text and "use one of:" in text
    german = client.get(url + "&lang=de", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "lässt sich hier nicht sortieren" in german and '<html lang="de">' in german


def test_an_unknown_lang_or_measure_is_a_400(client):
    reply = client.get("/conferences/?lang=fr", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert reply.status_code == 400
    page = reply.get_data(as_text=True)
    assert 'Unknown language "fr"; use lang=de or lang=en.' in page.replace("&#34;", '"')
    assert '<html lang="en">' in page
    for path in ("/queries/", "/queries/chair-history", "/dumps/", "/search", "/persons/"):
        assert client.get(path + "?lang=english", headers={"Accept": "text/html"}).status_code == 400, path
    for url in ("/states/?measure=population", "/?measure=x"):
        reply = client.get(url + "&lang=de", headers={"Accept": "application/json"})
        assert reply.status_code == 400 and "chairs, moved, dissents, hosted" in reply.get_json()["error"]["message"]


def test_states_show_the_tile_map_by_measure(client):
    page = client.get("/states/?measure=hosted&lang=en").get_data(as_text=True)
    assert "The 16 Länder: conferences hosted" in page
    assert '<a href="/states/?lang=en&amp;measure=chairs#picture-tiles">chairs held</a>' in page


@pytest.mark.parametrize(("path", "picture"), [("/", "timeline"), ("/", "tiles"), ("/conferences/", "timeline"),
                                                ("/states/", "tiles"), ("/topics/", "topics"),
                                                ("/resolutions/", "matrix")])
def test_pictures_with_table_and_query(client, path, picture):
    page = client.get(path + "?lang=en").get_data(as_text=True)
    figure = re.search(rf'<figure class="picture" id="picture-{picture}">(.*?)</figure>', page, re.S)
    assert figure, picture
    body = figure.group(1)
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox=' in body and 'width="100%"' in body
    assert "<details" in body and "<table" in body
    query = re.search(r'href="/sparql\?query=([^"]*)"', body).group(1)
    names = {"timeline": "timeline", "tiles": "lander-tiles", "topics": "topics-by-year", "matrix": "dissent-matrix"}
    expected = (ROOT / "queries" / f"picture-{names[picture]}.rq").read_text(encoding="utf-8")
    assert parse_qs("query=" + html.unescape(query))["query"] == [expected]  # the editor opens the very query


def test_home_links_every_list(client):
    data = _json(client, "/?format=json&lang=en")
    assert [entry["href"] for entry in data["lists"]] == [
        "/conferences/", "/states/", "/persons/", "/resolutions/", "/topics/", "/documents/", "/entries/"]
    assert data["lists"][0]["name"] == "All conferences"
    page = client.get("/?lang=de").get_data(as_text=True)
    for entry in data["lists"]:
        assert f'href="{entry["href"]}?lang=de"' in page


# --- search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [("philipi", "person/andreas-philippi"),
                                                 ("Mueller", "person/emilia-mueller"),
                                                 ("Clauss", "person/christine-clauss"),
                                                 ("Müller", "person/emilia-mueller")])
def test_search_json_finds_persons_by_folded_names(client, typed, expected):
    data = _json(client, f"/search?q={typed}&format=json&lang=en")
    persons = next(g for g in data["groups"] if g["kind"] == "persons")
    assert persons["heading"] == "Persons"
    assert persons["hits"][0]["id"] == expected
    assert persons["hits"][0]["href"] == f"/doc/{expected}?lang=en"


def test_search_groups_by_kind_in_order(client):
    data = _json(client, "/search?q=Niedersachsen&format=json&lang=de")
    kinds = [g["kind"] for g in data["groups"]]
    order = ["conferences", "lander", "persons", "resolutions", "topics", "documents", "other"]
    assert kinds == [k for k in order if k in kinds] and "lander" in kinds
    assert data["total"] == sum(g["total"] for g in data["groups"])


def test_search_page(client):
    page = client.get("/search?q=Mueller&lang=de").get_data(as_text=True)
    assert "Ergebnisse für „Mueller“" in page and ">Emilia Müller</a>" in page and '<html lang="de">' in page
    assert 'value="Mueller"' in page  # the box keeps what was typed
    empty = client.get("/search?lang=en")
    assert empty.status_code == 200 and "<h1>Search</h1>" in empty.get_data(as_text=True)
    short = client.get("/search?q=a&lang=en").get_data(as_text=True)
    assert "Please type at least two characters." in short
    none = client.get("/search?q=qqqxxyyzz&lang=en").get_data(as_text=True)
    assert "Nothing found for “qqqxxyyzz”." in none


# --- the language of the pages ----------------------------------------------------------------------

PAGES = ["/", "/conferences/", "/states/", "/persons/", "/topics/", "/documents/", "/entries/", "/resolutions/",
         "/search?q=Philippi", "/queries/", "/dumps/", "/graph/", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_language_per_page(client, path, lang):
    other = "en" if lang == "de" else "de"
    reply = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    page = reply.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and reply.headers["Content-Language"] == lang
    assert "Accept-Language" in reply.headers.get("Vary", "")
    for key in ("nav.conferences", "nav.persons", "nav.documents", "nav.entries", "search.button", "footer.sources"):
        assert MESSAGES[lang][key] in page, key
        assert MESSAGES[other][key] not in page, key
    chosen = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}", headers={"Accept": "text/html"})
    assert f'<html lang="{lang}">' in chosen.get_data(as_text=True)


def test_the_switch_keeps_the_page_and_its_parameters(client):
    page = client.get("/persons/?sort=-chairs&lang=en").get_data(as_text=True)
    assert '<a href="/persons/?sort=-chairs&amp;lang=de" hreflang="de" lang="de">Deutsch</a>' in page
    assert 'href="/conferences/?lang=en"' in page  # the navigation keeps a chosen language


# --- every entity two clicks from the home page ----------------------------------------------------

HREF = re.compile(r'href="([^"#]*)')
# pages linked from the home page that are not read for more links: files and data formats (not HTML
# pages), the SPARQL editor (its links are the protocol's), the ontology's documentation (it links the
# ontology's terms, never an entity). Leaving pages out can only make the test harder to pass.
NOT_READ = re.compile(r"^/(dumps/.+|sparql|ontology|shapes)(\?|$)|[?&]format=|\.(ttl|jsonld|nt|rdf|nq|trig|rq|csv|json)(\?|$)")


def _links(page: str, base: str) -> set[str]:
    out = set()
    for href in HREF.findall(page):
        url = urljoin(base, href.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.scheme in ("", "http") and parts.netloc in ("", "localhost"):
            out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def test_every_entity_is_two_clicks_from_the_home_page(client, store):
    home = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    first = _links(home, "http://localhost/")
    found = set(first)
    for path in sorted(first):
        if NOT_READ.search(path):
            continue
        reply = client.get(path, headers={"Accept": "text/html"})
        if reply.status_code == 200 and reply.mimetype == "text/html":
            found |= _links(reply.get_data(as_text=True), "http://localhost" + path)
    linked = {ID + p.split("?")[0].removeprefix("/doc/") for p in found if p.startswith("/doc/")}
    # every entity: each IRI of ours (no blank node) that has a type; no exclusions
    entities = {r["s"].value for r in store.query(
        f'SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}")) }}')}
    assert len(entities) > 600
    missing = sorted(entities - linked)
    assert not missing, f"{len(missing)} entities not within two clicks of /: {missing[:20]}"


# --- any data: the lists and pictures of RDF files served without a release -------------------------

EVIL = '<img src=x onerror=alert(1)>"\'&'


@pytest.fixture()
def small_client(tmp_path):
    """An app serving a tiny TriG file (serve --data): a Land, a conference, a person, labels with markup."""
    from intmk_kg.web import create_app

    trig = tmp_path / "small.trig"
    label = EVIL.replace("\\", "\\\\").replace('"', '\\"')
    trig.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix intmk: <https://w3id.org/intmk/ontology#> .\n"
        "@prefix id: <https://w3id.org/intmk/id/> .\n"
        "<https://w3id.org/intmk/graph/small> {\n"
        f'  id:state\\/DE-NI a intmk:State ; intmk:isoCode "DE-NI" ; rdfs:label "{label}"@de .\n'
        f'  id:conference\\/1 a intmk:Conference ; intmk:ordinal 1 ; intmk:heldInState id:state\\/DE-NI ;\n'
        f'     intmk:startDate "2007-04-27"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
        f'  id:person\\/p a intmk:Person ; rdfs:label "{label}"@de .\n'
        "}\n",
        encoding="utf-8",
    )
    return create_app({"TESTING": True, "DATA_PATHS": [str(trig)], "HOME": str(ROOT)}).test_client()


@pytest.mark.parametrize("path", ["/", "/conferences/", "/states/", "/persons/", "/topics/", "/documents/",
                                  "/entries/", "/resolutions/", "/search?q=img"])
def test_lists_and_pictures_of_any_data_escape_what_they_show(small_client, path):
    reply = small_client.get(path, headers={"Accept": "text/html"})
    assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
    page = reply.get_data(as_text=True)
    assert "<img src=x" not in page
    if path in ("/states/", "/persons/"):
        assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_topics_count_what_their_chart_counts(client):
    """The list's number per topic is the sum of the chart's bars (resolutions, lead motions and
    declarations; reports are not resolutions)."""
    items = _json(client, "/topics/?format=json&lang=en")["items"]
    page = client.get("/topics/?lang=en").get_data(as_text=True)
    chart = re.search(r'<figure class="picture" id="picture-topics">(.*?)</figure>', page, re.S).group(1)
    bars: dict[str, int] = {}
    for topic, count in re.findall(r'data-topic="([^"]+)" data-year="\d+" data-count="(\d+)"', chart):
        bars[topic] = bars.get(topic, 0) + int(count)
    assert {i["iri"]: i["resolutions"] for i in items if i["resolutions"]} == bars
    assert max(items, key=lambda i: i["resolutions"])["name"] == "integration courses"

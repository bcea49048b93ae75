"""Dereferenceable IRIs: 303 from /id, content negotiation on /doc, entity and graph pages.

Expected values come from the sources: states.csv (DE-NI is "Niedersachsen"/"Lower Saxony",
Q1197), places.csv (Göttingen lies in DE-NI) and the seed press release (the 20th IntMK took
place in Göttingen, graph ms-ni-2025-068).
"""

from __future__ import annotations

import json
import re

import pytest
import rdflib
from browser import launch_chromium
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from intmk_kg.web import create_app, state
from intmk_kg.web.state import ServerState

ID = "https://w3id.org/intmk/id/"
ONT = rdflib.Namespace("https://w3id.org/intmk/ontology#")
DE_NI = URIRef(ID + "state/DE-NI")
CONF_20 = URIRef(ID + "conference/20")
GOETTINGEN = URIRef(ID + "place/goettingen")
Q1197 = URIRef("http://www.wikidata.org/entity/Q1197")
SEED_GRAPH = "https://w3id.org/intmk/graph/ms-ni-2025-068"

RDF_SUFFIXES = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
                "nt": ("application/n-triples", "nt"), "rdf": ("application/rdf+xml", "xml")}


def parse(response, fmt: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=response.data, format=fmt)
    return graph


# --- /id: 303 See Other ---------------------------------------------------------------------------

def test_iri_redirects_with_303_to_its_document(client):
    response = client.get("/id/state/DE-NI")
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/state/DE-NI"


def test_iri_redirect_keeps_the_request_host(client):
    response = client.get("/id/conference/20", base_url="http://example.org:8123")
    assert response.status_code == 303
    assert not response.headers["Location"].startswith("https://w3id.org")


def test_unknown_iri_is_404_in_the_negotiated_format(client):
    as_json = client.get("/id/state/DE-XX", headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert as_json.mimetype == "application/json"
    assert json.loads(as_json.data)["error"]["status"] == 404
    assert "https://w3id.org/intmk/id/state/DE-XX" in json.loads(as_json.data)["error"]["message"]

    as_html = client.get("/id/state/DE-XX", headers={"Accept": "text/html"})
    assert as_html.status_code == 404 and as_html.mimetype == "text/html"
    assert b"404" in as_html.data

    as_turtle = client.get("/doc/state/DE-XX", headers={"Accept": "text/turtle"})
    assert as_turtle.status_code == 404 and as_turtle.mimetype == "text/turtle"
    assert len(parse(as_turtle, "turtle")) == 0  # an empty graph whose comment says why


def test_iri_outside_our_id_space_is_not_redirected(client):
    assert client.get("/id/state").status_code == 404
    assert client.get("/id/state/DE-NI/extra").status_code == 404


def test_malformed_iri_is_404_not_500(client):
    for path in ["/id/state/%3Cscript%3E", "/doc/state/a%20b", "/id/state/%7B%7D", "/doc/state/x%22y"]:
        assert client.get(path).status_code == 404, path


# --- /doc: content negotiation ----------------------------------------------------------------------

@pytest.mark.parametrize("accept", ["text/html", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", None])
def test_browsers_and_wildcards_get_html(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/doc/state/DE-NI", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Location"] == "/doc/state/DE-NI.html"


@pytest.mark.parametrize("suffix", sorted(RDF_SUFFIXES))
def test_rdf_by_accept_and_by_suffix(client, suffix):
    media_type, fmt = RDF_SUFFIXES[suffix]
    for response in (client.get("/doc/state/DE-NI", headers={"Accept": media_type}), client.get(f"/doc/state/DE-NI.{suffix}")):
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert response.headers["Content-Location"] == f"/doc/state/DE-NI.{suffix}"
        graph = parse(response, fmt)
        assert (DE_NI, RDFS.label, Literal("Niedersachsen", lang="de")) in graph
        assert (DE_NI, RDFS.label, Literal("Lower Saxony", lang="en")) in graph
        assert (DE_NI, OWL.sameAs, Q1197) in graph
        assert (DE_NI, RDF.type, ONT.State) in graph


def test_rdf_has_both_directions_and_labels_of_linked_resources(client):
    graph = parse(client.get("/doc/state/DE-NI.ttl"), "turtle")
    assert (GOETTINGEN, ONT.inState, DE_NI) in graph  # incoming
    assert (GOETTINGEN, RDFS.label, Literal("Göttingen", lang="de")) in graph  # its label
    conference = parse(client.get("/doc/conference/20.ttl"), "turtle")
    assert (CONF_20, ONT.location, GOETTINGEN) in conference


def test_quads_say_which_source_states_each_fact(client):
    response = client.get("/doc/conference/20.trig")
    assert response.mimetype == "application/trig"
    dataset = rdflib.Dataset()
    dataset.parse(data=response.data, format="trig")
    seed = dataset.graph(URIRef(SEED_GRAPH))
    assert (CONF_20, ONT.location, GOETTINGEN) in seed
    assert (URIRef(SEED_GRAPH), URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), URIRef(ID + "document/ms-ni-2025-068")) in seed

    nquads = client.get("/doc/conference/20", headers={"Accept": "application/n-quads"})
    assert nquads.mimetype == "application/n-quads"
    assert f"<{CONF_20}> <{ONT.location}> <{GOETTINGEN}> <{SEED_GRAPH}> .".encode() in nquads.data


@pytest.mark.parametrize("suffix,fmt", [("nq", "nquads"), ("trig", "trig")])
def test_quad_documents_carry_the_description_in_the_default_graph(client, suffix, fmt):
    """A client that reads the default graph of what it fetched (Comunica asks for N-Quads first)
    sees the same description as from Turtle; the named graphs still tell the sources."""
    dataset = rdflib.Dataset()
    dataset.parse(data=client.get(f"/doc/conference/20.{suffix}").data, format=fmt)
    default = set(dataset.default_context)
    described = set(parse(client.get("/doc/conference/20.ttl"), "turtle"))
    assert (CONF_20, ONT.location, GOETTINGEN) in default and default == described
    assert (CONF_20, ONT.location, GOETTINGEN) in dataset.graph(URIRef(SEED_GRAPH))


def test_alternates_vary_and_links(client):
    response = client.get("/doc/state/DE-NI", headers={"Accept": "text/turtle"})
    assert "Accept" in response.headers["Vary"]
    links = response.headers["Link"]
    for suffix, media in [("html", "text/html"), ("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                          ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")]:
        assert f'</doc/state/DE-NI.{suffix}>; rel="alternate"; type="{media}"' in links


def test_not_acceptable_is_406(client):
    response = client.get("/doc/state/DE-NI", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"text/turtle" in response.data  # says what is available


def test_unknown_format_parameter_is_400(client):
    response = client.get("/doc/state/DE-NI?format=pdf")
    assert response.status_code == 400
    assert b"pdf" in response.data


def test_unknown_suffix_is_part_of_the_key(client):
    assert client.get("/doc/state/DE-NI.pdf").status_code == 404


# --- the HTML page ----------------------------------------------------------------------------------

def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.get_data(as_text=True), re.S).group(1).strip()


def test_page_language_from_parameter_and_accept_language(client):
    assert h1(client.get("/doc/state/DE-NI?lang=de")) == "Niedersachsen"
    assert h1(client.get("/doc/state/DE-NI?lang=en")) == "Lower Saxony"
    english = client.get("/doc/state/DE-NI", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert h1(english) == "Lower Saxony"
    assert english.headers["Content-Language"] == "en"
    assert "Accept-Language" in english.headers["Vary"]
    assert h1(client.get("/doc/state/DE-NI")) == "Niedersachsen"  # German by default
    assert client.get("/doc/state/DE-NI?lang=fr").status_code == 400


def test_page_shows_both_directions_wikidata_and_sources(client):
    page = client.get("/doc/state/DE-NI?lang=en").get_data(as_text=True)
    assert 'href="http://www.wikidata.org/entity/Q1197"' in page
    assert 'href="/doc/place/goettingen?lang=en"' in page  # incoming: Göttingen lies in Lower Saxony
    assert "Linked from" in page
    # the state's facts come from its row of states.csv, one curation record compiled from three documents
    assert 'href="/graph/curation-states-DE-NI"' in page
    assert "compiled from 3 documents" in page
    assert 'href="/ontology#inState"' in page  # properties link to their documentation


def test_page_names_the_seed_press_release_as_a_source(client):
    page = client.get("/doc/conference/20?lang=en").get_data(as_text=True)
    assert 'href="/graph/ms-ni-2025-068' in page
    assert 'href="/doc/document/ms-ni-2025-068?lang=en"' in page
    assert "Press release no. 68/2025" in page  # the document's label, not its IRI
    assert 'href="/doc/place/goettingen?lang=en"' in page


def test_page_embeds_schema_org_json_ld(client):
    page = client.get("/doc/state/DE-NI?lang=en").get_data(as_text=True)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    data = json.loads(block)
    assert data["@id"] == str(DE_NI)
    assert "State" in data["@type"]  # intmk:State rdfs:subClassOf schema:State
    assert data["sameAs"] == str(Q1197)


class CountingService:
    """The real query service, counting the queries a page makes."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def __getattr__(self, name):
        attr = getattr(self.inner, name)
        if name in ("select", "construct", "ask", "execute"):
            def counted(*args, **kwargs):
                self.calls += 1
                return attr(*args, **kwargs)
            return counted
        return attr


def test_labels_are_fetched_in_bulk_not_per_link(release_dir):
    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir)})
    served = state.of(app)
    counting = CountingService(served.service)
    state.install(app, ServerState(served.release, counting))
    client = app.test_client()
    calls = {}
    for path in ["/doc/state/DE-HB", "/doc/conference/20", "/doc/person/andreas-philippi"]:  # few links, many links
        counting.calls = 0
        page = client.get(path).get_data(as_text=True)
        calls[path] = counting.calls
        assert page.count("<a href=") > 10
    # four queries, one for the summary of the entity's kind (a conference's chair and neighbours, a
    # Land's chair terms, a person's offices), plus one for the record section of a Land (its votes)
    # or a conference (items, attendance)
    assert calls["/doc/conference/20"] == calls["/doc/state/DE-HB"] <= 6
    assert calls["/doc/person/andreas-philippi"] <= 5


# --- escaping ---------------------------------------------------------------------------------------

EVIL = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>'


@pytest.fixture()
def evil_client(tmp_path):
    """An app serving a tiny TriG file whose label tries to inject markup."""
    trig = tmp_path / "evil.trig"
    trig.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<https://w3id.org/intmk/graph/evil> {\n"
        f"  <https://w3id.org/intmk/id/person/evil> rdfs:label {json.dumps(EVIL)}@en ;\n"
        f"     <https://w3id.org/intmk/ontology#name> {json.dumps(EVIL)} .\n"
        "}\n",
        encoding="utf-8",
    )
    return create_app({"TESTING": True, "DATA_PATHS": [str(trig)]}).test_client()


def test_labels_are_escaped_in_html_and_json_ld(evil_client):
    page = evil_client.get("/doc/person/evil?lang=en").get_data(as_text=True)
    assert "<script>window" not in page
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["name"]["@value"] == EVIL  # intact data, inert markup
    graph = rdflib.Graph().parse(data=evil_client.get("/doc/person/evil.ttl").data, format="turtle")
    assert (URIRef(ID + "person/evil"), RDFS.label, Literal(EVIL, lang="en")) in graph


@pytest.mark.browser
def test_escaped_page_runs_no_injected_script_in_a_browser(evil_client):
    from playwright.sync_api import sync_playwright

    page_html = evil_client.get("/doc/person/evil?lang=en").get_data(as_text=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            page.set_content(page_html)
            assert page.evaluate("window.__pwned") is None
            assert page.inner_text("h1") == EVIL
        finally:
            browser.close()


# --- named graphs -----------------------------------------------------------------------------------

def test_graph_as_trig_nquads_and_html(client):
    trig = client.get("/graph/ms-ni-2025-068.trig")
    assert trig.status_code == 200 and trig.mimetype == "application/trig"
    dataset = rdflib.Dataset()
    dataset.parse(data=trig.data, format="trig")
    assert (CONF_20, ONT.location, GOETTINGEN) in dataset.graph(URIRef(SEED_GRAPH))

    nquads = client.get("/graph/ms-ni-2025-068", headers={"Accept": "application/n-quads"})
    assert nquads.mimetype == "application/n-quads"
    assert all(line.endswith(f"<{SEED_GRAPH}> .") for line in nquads.get_data(as_text=True).splitlines() if line)

    html = client.get("/graph/ms-ni-2025-068").get_data(as_text=True)
    assert 'href="/doc/document/ms-ni-2025-068"' in html  # the document it was derived from
    assert "20. Integrationsministerkonferenz" in html


def test_graph_listing_and_unknown_graph(client):
    listing = json.loads(client.get("/graph/?format=json").data)
    graphs = {g["graph"]: g for g in listing["graphs"]}
    assert graphs[SEED_GRAPH]["document"] == ID + "document/ms-ni-2025-068"
    # states.csv row DE-NI cites two GitHub files (registry keys github, github-2) and Wikidata's Q1197
    record = graphs["https://w3id.org/intmk/graph/curation-states-DE-NI"]
    assert record["document"] == ID + "document/github" and record["documents"] == 3
    assert record["url"] == "https://github.com/Sultanow/dt_society/blob/HEAD/app/flask/flaskr/preprocessing/states.py"
    assert client.get("/graph/no-such-source").status_code == 404


# --- against the real server ------------------------------------------------------------------------

def test_rdflib_dereferences_an_iri_on_the_live_server(live_server):
    graph = rdflib.Graph().parse(live_server.url + "id/state/DE-NI")  # follows the 303, negotiates RDF
    assert (DE_NI, RDFS.label, Literal("Niedersachsen", lang="de")) in graph
    assert (DE_NI, RDFS.label, Literal("Lower Saxony", lang="en")) in graph
    assert (DE_NI, OWL.sameAs, Q1197) in graph
    conference = rdflib.Graph().parse(live_server.url + "id/conference/20")
    assert (CONF_20, ONT.location, GOETTINGEN) in conference


def test_live_server_redirects_on_the_requested_host(live_server):
    reply = live_server.request(path="doc/state/DE-NI", headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.headers["Content-Location"] == "/doc/state/DE-NI.ttl"
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", "/id/state/DE-NI", headers={"Host": "data.example.org"})
        response = connection.getresponse()
        response.read()
        assert response.status == 303
        assert response.getheader("Location") in ("/doc/state/DE-NI", "http://data.example.org/doc/state/DE-NI")
    finally:
        connection.close()


# --- bounded pages (finding 10 of the security report of 2026-12-01) ------------------------------


@pytest.fixture(scope="module")
def linked_server(start_server, tmp_path_factory):
    """A server on a synthetic release whose topics are named by hundreds of statements."""
    from synthetic import build_synthetic_release

    dist = build_synthetic_release(tmp_path_factory.mktemp("linked"), 70_000)
    return start_server("--release-dir", str(dist), "--workers", "1", release=False)


TOPIC = "topic/integration-courses"


@pytest.mark.slow
def test_a_node_named_by_hundreds_shows_a_bounded_page(linked_server):
    """Every statement naming a topic was read, labelled and rendered for its page (842 kB for 1,883
    at 300k triples, more with every triple); now MAX_INCOMING, the count and a query for all."""
    from intmk_kg.web.pages.entity import MAX_INCOMING

    every = linked_server.request(params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{ID}{TOPIC}> }}"},
                                  headers={"Accept": "application/sparql-results+json"})
    total = int(json.loads(every.body)["results"]["bindings"][0]["n"]["value"])
    assert total > MAX_INCOMING
    page = linked_server.request(path=f"doc/{TOPIC}", params={"lang": "en"}, headers={"Accept": "text/html"})
    assert page.status == 200
    assert f"The first {MAX_INCOMING} of {total} references" in page.text
    link = re.search(r'<p class="note">[^<]*<a href="/sparql\?query=([^"]+)"', page.text).group(1)
    listed = linked_server.request(path="sparql?query=" + link.replace("&amp;", "&"),
                                   headers={"Accept": "application/sparql-results+json"})
    assert len(json.loads(listed.body)["results"]["bindings"]) >= total  # one row per stating graph
    german = linked_server.request(path=f"doc/{TOPIC}", params={"lang": "de"}, headers={"Accept": "text/html"})
    assert f"Die ersten {MAX_INCOMING} von {total} Verweisen" in german.text
    for suffix, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("nq", "nquads")):
        reply = linked_server.request(path=f"doc/{TOPIC}.{suffix}")
        graph = rdflib.Dataset() if suffix == "nq" else rdflib.Graph()
        graph.parse(data=reply.body, format=fmt)
        naming = {(s, p) for s, p, o, *_ in (graph.quads((None, None, URIRef(ID + TOPIC), None)) if suffix == "nq"
                                             else graph.triples((None, None, URIRef(ID + TOPIC))))}
        assert 0 < len(naming) <= MAX_INCOMING, suffix


@pytest.mark.parametrize("query, target", [
    ("x=1", "/doc/state/DE-NI"),
    ("lang=en&x=1", "/doc/state/DE-NI?lang=en"),
    ("utm_source=feed&format=ttl&lang=de", "/doc/state/DE-NI?format=ttl&lang=de"),
])
def test_unknown_parameters_redirect_to_the_page_without_them(live_server, query, target):
    """`?x=1` made a new cache entry of the page, and its work once more, for every value."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("GET", f"/doc/state/DE-NI?{query}", headers={"Accept": "text/html"})
    response = connection.getresponse()
    assert response.status == 301 and response.getheader("Location") == target
    assert "max-age" in response.getheader("Cache-Control")
    connection.close()


def test_known_parameters_are_served_without_a_redirect(client):
    for query in ("lang=en", "format=ttl", "lang=de&format=jsonld", ""):
        assert client.get(f"/doc/state/DE-NI?{query}").status_code == 200, query
    assert client.get("/id/state/DE-NI?x=1").status_code == 301
    assert client.get("/id/state/DE-NI").status_code == 303


def test_unreported_votes_and_ends_are_shown_as_unknown(client):
    # the press release reports no vote on the Göttinger Erklärung; it reports the Leitantrag "einstimmig"
    page = client.get("/doc/resolution/20-goettinger-erklaerung?lang=en").get_data(as_text=True)
    assert re.search(r'voting outcome</a></th>\s*<td><ul class="values">\s*<li><span class="literal" lang="en">unknown<', page)
    page = client.get("/doc/resolution/20-leitantrag?lang=de").get_data(as_text=True)
    outcome = re.search(r'<dd id="item-outcome">(.*?)</dd>', page, re.S).group(1)
    assert ">einstimmig<" in outcome and "unbekannt" not in outcome
    assert 'data-property="https://w3id.org/intmk/ontology#votingOutcome"' in page
    # offices.csv: Philippi's post since 2023-01-25 has no end date; Paul's ended on 2026-01-27
    page = client.get("/doc/office/andreas-philippi-2023-01-25?lang=en").get_data(as_text=True)
    assert ">unknown<" in page
    page = client.get("/doc/office/josefine-paul-2022-06-29?lang=en").get_data(as_text=True)
    assert "27 January 2026" in page and ">unknown<" not in page  # the date as a reader writes it

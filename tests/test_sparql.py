"""The SPARQL endpoint as its clients see it: SPARQLWrapper and plain HTTP against `intmk-kg serve`.

Expected values come from the sources: the press release (data/ms-ni-2025-068.trig) says the
20th IntMK took place in Göttingen under the chair of Niedersachsen (DE-NI), and
data/reference/states.csv lists the 16 Länder with their ISO 3166-2 codes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path
from urllib.parse import quote_plus

import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/intmk/id/"
CONF20 = ID + "conference/20"
GOETTINGEN = ID + "place/goettingen"
NIEDERSACHSEN = ID + "state/DE-NI"
PRESS_RELEASE_GRAPH = "https://w3id.org/intmk/graph/ms-ni-2025-068"
ONTOLOGY_GRAPH = "https://w3id.org/intmk/graph/ontology"
INTMK = "https://w3id.org/intmk/ontology#"

PLACE_AND_CHAIR = f"""PREFIX intmk: <{INTMK}>
SELECT ?place ?land WHERE {{
  <{CONF20}> intmk:location ?place ; intmk:chairmanship ?chair .
  ?chair intmk:chairState ?land .
}}"""
LOCATED = f"<{CONF20}> <{INTMK}location> <{GOETTINGEN}>"
HELD_IN_GOETTINGEN = f"ASK {{ {LOCATED} }}"
LAENDER = f"SELECT (COUNT(DISTINCT ?land) AS ?n) WHERE {{ ?land <{INTMK}isoCode> ?code }}"
LOCATION_GRAPH = f"CONSTRUCT {{ <{CONF20}> <{INTMK}location> ?place }} WHERE {{ <{CONF20}> <{INTMK}location> ?place }}"


def client(server, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.sparql)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


# --- SPARQLWrapper --------------------------------------------------------------------------------


def test_select_json(live_server):
    result = client(live_server, PLACE_AND_CHAIR, JSON).queryAndConvert()
    rows = [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]
    assert rows == [{"place": GOETTINGEN, "land": NIEDERSACHSEN}]


def test_select_xml(live_server):
    document = client(live_server, PLACE_AND_CHAIR, XML).queryAndConvert()
    values = {b.getAttribute("name"): b.getElementsByTagName("uri")[0].firstChild.data
              for b in document.getElementsByTagName("binding")}
    assert values == {"place": GOETTINGEN, "land": NIEDERSACHSEN}


def test_select_csv_counts_the_16_laender(live_server):
    body = client(live_server, LAENDER, CSV).queryAndConvert()
    assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == [["n"], ["16"]]


def test_ask(live_server):
    assert client(live_server, HELD_IN_GOETTINGEN, JSON).queryAndConvert()["boolean"] is True
    elsewhere = HELD_IN_GOETTINGEN.replace("goettingen", "rostock")  # Rostock hosted the 19th, not the 20th
    assert client(live_server, elsewhere, JSON).queryAndConvert()["boolean"] is False


def test_construct_turtle(live_server):
    body = client(live_server, LOCATION_GRAPH, TURTLE).queryAndConvert()
    graph = rdflib.Graph().parse(data=body, format="turtle")
    assert set(graph) == {(rdflib.URIRef(CONF20), rdflib.URIRef(INTMK + "location"), rdflib.URIRef(GOETTINGEN))}


def test_construct_jsonld(live_server):
    graph = client(live_server, LOCATION_GRAPH, JSONLD).queryAndConvert()
    assert set(graph) == {(rdflib.URIRef(CONF20), rdflib.URIRef(INTMK + "location"), rdflib.URIRef(GOETTINGEN))}


def test_malformed_query_is_a_client_error(live_server):
    with pytest.raises(QueryBadFormed) as error:
        client(live_server, "SELECT ?s\nWHERE { ?s ?p ?o } GROUP BY", JSON).queryAndConvert()
    assert "line 2, column 28" in str(error.value)  # the query ends where GROUP BY expects a condition


# --- the protocol, with plain HTTP ---------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_answer(live_server):
    accept = {"Accept": "application/sparql-results+json"}
    by_get = live_server.request("GET", params={"query": PLACE_AND_CHAIR}, headers=accept)
    by_form = live_server.request("POST", body=f"query={quote_plus(PLACE_AND_CHAIR)}".encode(),
                                  headers={**accept, "Content-Type": "application/x-www-form-urlencoded"})
    direct = live_server.request("POST", body=PLACE_AND_CHAIR.encode(),
                                 headers={**accept, "Content-Type": "application/sparql-query"})
    assert by_get.status == by_form.status == direct.status == 200
    assert json.loads(by_get.body) == json.loads(by_form.body) == json.loads(direct.body)
    assert by_get.headers["Content-Type"] == "application/sparql-results+json"


def test_default_graph_is_the_union_with_each_triple_once(live_server):
    stated_in = live_server.request(params={"query": f"SELECT ?g WHERE {{ GRAPH ?g {{ {LOCATED} }} }}"})
    graphs = {b["g"]["value"] for b in json.loads(stated_in.body)["results"]["bindings"]}
    assert PRESS_RELEASE_GRAPH in graphs and len(graphs) > 1  # the press release and the reference table say so
    once = live_server.request(params={"query": f"SELECT * WHERE {{ {LOCATED} }}"})
    assert len(json.loads(once.body)["results"]["bindings"]) == 1


@pytest.mark.parametrize(
    ("accept", "fmt", "media_type"),
    [
        (None, None, "application/sparql-results+json"),
        ("*/*", None, "application/sparql-results+json"),
        ("application/sparql-results+json;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("application/json", None, "application/json"),
        ("application/sparql-results+json", "csv", "text/csv"),  # the format parameter wins
        ("text/html;q=0.1, text/csv", "tsv", "text/tab-separated-values"),
    ],
)
def test_select_result_formats(live_server, accept, fmt, media_type):
    params = {"query": LAENDER, **({"format": fmt} if fmt else {})}
    reply = live_server.request(params=params, headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    assert reply.headers.get_content_type() == media_type
    assert "Accept" in reply.headers["Vary"]
    assert "16" in reply.text


@pytest.mark.parametrize(
    ("accept", "fmt", "rdflib_format", "media_type"),
    [
        (None, None, "turtle", "text/turtle"),
        ("application/n-triples", None, "nt", "application/n-triples"),
        ("application/rdf+xml;q=0.9, application/ld+json", None, "json-ld", "application/ld+json"),
        ("text/turtle", "rdf", "xml", "application/rdf+xml"),
    ],
)
def test_construct_result_formats(live_server, accept, fmt, rdflib_format, media_type):
    params = {"query": LOCATION_GRAPH, **({"format": fmt} if fmt else {})}
    reply = live_server.request(params=params, headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    assert reply.headers.get_content_type() == media_type
    graph = rdflib.Graph().parse(data=reply.body, format=rdflib_format)
    assert (rdflib.URIRef(CONF20), rdflib.URIRef(INTMK + "location"), rdflib.URIRef(GOETTINGEN)) in graph


def test_nothing_acceptable_is_406(live_server):
    reply = live_server.request(params={"query": LAENDER}, headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text


def test_unknown_format_parameter_is_400(live_server):
    reply = live_server.request(params={"query": LAENDER, "format": "pdf"})
    assert reply.status == 400
    assert "pdf" in reply.text


def test_wrong_content_type_is_415(live_server):
    reply = live_server.request("POST", body=LAENDER.encode(), headers={"Content-Type": "text/plain"})
    assert reply.status == 415
    assert "application/sparql-query" in reply.text


def test_other_methods_are_405_with_allow(live_server):
    for method in ("PUT", "DELETE", "PATCH"):
        reply = live_server.request(method, body=b"x", headers={"Content-Type": "text/turtle"})
        assert reply.status == 405
        allowed = {m.strip() for m in reply.headers["Allow"].split(",")}
        assert {"GET", "POST"} <= allowed and method not in allowed


def test_two_query_parameters_are_400(live_server):
    reply = live_server.request(params={"query": [LAENDER, HELD_IN_GOETTINGEN]})
    assert reply.status == 400
    assert "once" in reply.text
    in_url_and_body = live_server.request("POST", params={"query": LAENDER}, body=f"query={quote_plus(LAENDER)}".encode(),
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert in_url_and_body.status == 400


def test_empty_and_missing_query(live_server):
    assert live_server.request(params={"query": "  "}).status == 400
    form_without_query = live_server.request("POST", body=b"format=json",
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form_without_query.status == 400


def test_huge_query_is_413(live_server):
    huge = "SELECT * WHERE { ?s ?p ?o }\n" + "# padding\n" * 12_000  # 120,028 bytes > MAX_QUERY_BYTES 100,000
    direct = live_server.request("POST", body=huge.encode(), headers={"Content-Type": "application/sparql-query"})
    assert direct.status == 413
    form = live_server.request("POST", body=f"query={quote_plus(huge)}".encode(),
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 413
    assert "100000" in form.text


def test_malformed_query_gives_parser_position(live_server):
    reply = live_server.request(params={"query": "SELECT ?s\nWHERE { ?s ?p ?o } GROUP BY"}, headers={"Accept": "*/*"})
    assert reply.status == 400
    assert reply.headers.get_content_type() == "text/plain"
    assert "line 2, column 28" in reply.text


def test_graphs_named_by_the_protocol(live_server):
    def ask(**params):
        reply = live_server.request(params={"query": HELD_IN_GOETTINGEN, **params})
        assert reply.status == 200, reply.text
        return json.loads(reply.body)["boolean"]

    assert ask(**{"default-graph-uri": PRESS_RELEASE_GRAPH}) is True
    assert ask(**{"default-graph-uri": ONTOLOGY_GRAPH}) is False  # the ontology says nothing of Göttingen
    listed = live_server.request(params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": [ONTOLOGY_GRAPH]})
    assert [b["g"]["value"] for b in json.loads(listed.body)["results"]["bindings"]] == [ONTOLOGY_GRAPH]


def test_from_and_from_named_of_graphs_we_hold(live_server):
    query = f"ASK FROM <{PRESS_RELEASE_GRAPH}> {{ {LOCATED} }}"
    assert json.loads(live_server.request(params={"query": query}).body)["boolean"] is True
    relative = "ASK FROM <graph/ontology> { ?s ?p ?o }"  # relative IRIs resolve against https://w3id.org/intmk/
    assert json.loads(live_server.request(params={"query": relative}).body)["boolean"] is True
    named = "SELECT ?g FROM NAMED graph:ontology WHERE { GRAPH ?g { } }"  # graph: is predeclared
    rows = json.loads(live_server.request(params={"query": named}).body)["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [ONTOLOGY_GRAPH]


@pytest.mark.parametrize("params,rows", [
    ({"query": "SELECT * FROM <https://example.org/elsewhere> WHERE { ?s ?p ?o }"}, 0),
    ({"query": "SELECT * FROM NAMED <https://w3id.org/intmk/graph/no-such-source> WHERE { ?s ?p ?o }"}, 0),
    ({"query": "SELECT ?s FROM NAMED <https://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }"}, 0),
    ({"query": LAENDER, "default-graph-uri": "https://w3id.org/intmk/graph/no-such-source"}, 1),  # COUNT: one row, 0
])
def test_graphs_we_do_not_hold_are_empty(live_server, params, rows):
    """The SPARQL 1.1 Protocol's tests expect an unknown graph to be answered as an empty one."""
    reply = live_server.request(params=params, headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    bindings = json.loads(reply.body)["results"]["bindings"]
    assert len(bindings) == rows and all(b.get("n", {}).get("value", "0") == "0" for b in bindings)


def test_ask_of_an_empty_pattern_against_an_unknown_graph_is_true(live_server):
    """The protocol test suite's own case: `ASK {}` with a default-graph-uri nobody holds."""
    for params in ({"query": "ASK {}", "default-graph-uri": "http://kasei.us/2009/09/sparql/data/data1.rdf"},
                   {"query": HELD_IN_GOETTINGEN, "default-graph-uri": "https://example.org/g"}):
        reply = live_server.request(params=params, headers={"Accept": "application/sparql-results+json"})
        assert reply.status == 200
        assert json.loads(reply.body)["boolean"] is (params["query"] == "ASK {}")


def test_service_description(live_server):
    reply = live_server.request(headers={"Accept": "text/turtle"})
    assert reply.status == 200 and reply.headers.get_content_type() == "text/turtle"
    assert "Accept" in reply.headers["Vary"]
    g = rdflib.Graph().parse(data=reply.body, format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    me = rdflib.URIRef(live_server.sparql)
    assert (me, rdflib.RDF.type, SD.Service) in g
    assert (me, SD.endpoint, me) in g
    assert (me, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (me, SD.feature, SD.UnionDefaultGraph) in g
    formats = {str(f).rsplit("/", 1)[1] for f in g.objects(me, SD.resultFormat)}
    assert formats == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                       "Turtle", "N-Triples", "JSON-LD", "RDF_XML"}
    dataset = g.value(me, SD.defaultDataset)
    default_size = int(g.value(g.value(dataset, SD.defaultGraph), VOID.triples))
    count = live_server.request(params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert default_size == int(json.loads(count.body)["results"]["bindings"][0]["n"]["value"])
    names = {str(g.value(n, SD.name)) for n in g.objects(dataset, SD.namedGraph)}
    assert {PRESS_RELEASE_GRAPH, ONTOLOGY_GRAPH} <= names
    listed = live_server.request(params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert names == {b["g"]["value"] for b in json.loads(listed.body)["results"]["bindings"]}


def test_browsers_get_yasgui_with_a_tab_per_example_query(live_server):
    reply = live_server.request(headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
    page = reply.text
    tabs = json.loads(re.search(r'<script type="application/json" id="intmk-tabs">(.*?)</script>', page, re.S).group(1))
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert [t["query"] for t in tabs] == [f.read_text(encoding="utf-8") for f in files]
    for tab, path in zip(tabs, files):
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("#") and tab["name"] == first_line.lstrip("#").strip()
    assert tabs, "queries/ holds the example queries"
    loads = re.findall(r'<script[^>]* src="([^"]+)"', page) + re.findall(r'<link[^>]* href="([^"]+)"', page)
    assert "/static/yasgui/yasgui.min.js" in loads and "/static/yasgui/yasgui.min.css" in loads
    assert all(url.startswith("/") and not url.startswith("//") or url.startswith("data:") for url in loads)
    for asset in ("static/yasgui/yasgui.min.js", "static/yasgui/yasgui.min.css", "static/sparql.js"):
        assert live_server.request(path=asset).status == 200
    assert (ROOT / "src/intmk_kg/web/static/yasgui/LICENSE").read_text().startswith("MIT License")


def test_a_browser_following_a_query_link_gets_the_editor(live_server):
    reply = live_server.request(params={"query": LAENDER}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
    assert 'id="yasgui"' in reply.text


def test_kind_prefixes_are_predeclared_so_real_keys_work(client):
    """`id:state/DE-NI` is no prefixed name; `state:DE-NI` is (the data files' own prefixes)."""
    query = 'ASK { state:DE-NI intmk:isoCode "DE-NI" . conf:20 intmk:location place:goettingen }'
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.get_json()["boolean"] is True


def test_the_editor_s_new_tab_query_declares_every_prefix_it_uses(store):
    """It runs on a store that predeclares nothing, as on any other endpoint."""
    from intmk_kg.web.sparql.editor import NEW_TAB

    rows = list(store.query(NEW_TAB))
    assert len(rows) >= 21  # conferences 1-21 (data/reference/conferences.csv), each with a German label


def test_the_service_description_says_unknown_graphs_are_empty(live_server):
    reply = live_server.request(headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=reply.body, format="turtle")
    comments = [str(c) for c in g.objects(rdflib.URIRef(live_server.sparql), rdflib.RDFS.comment)]
    assert comments and "does not hold is an empty graph" in comments[0]


@pytest.mark.parametrize("query,says,caret_line", [
    ("SELEC * WHERE { ?s ?p ?o }", "begins (after PREFIX and BASE lines) with SELECT, CONSTRUCT, ASK or DESCRIBE, not 'SELEC'",
     "    ^"),
    ("PREFIX a: <http://example.org/>\n  SELEC * WHERE { ?s ?p ?o }", "line 2, column 3: a query begins", "      ^"),
    ("SELECT * WHERE { ?s foo:bar ?o }", "the prefix foo: is not declared. Declare it (PREFIX foo: <...>)",
     "                        ^"),
    ("SELECT * WHERE {\n  ?s ?p ?o \n  FILTER(?x = ) }", "Syntax error at line 3, column", None),
])
def test_syntax_errors_show_the_place_and_what_would_do(client, query, says, caret_line):
    reply = client.get("/sparql", query_string={"query": query})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400 and says in text
    assert "\\u{" not in text and "expected CONSTRUCT" not in text
    lines = text.rstrip("\n").splitlines()
    assert lines[-1].strip() == "^" and lines[-2].strip() in query  # the line, then a caret under the place
    if caret_line is not None:
        assert lines[-1] == caret_line
    if "prefix" in says:
        assert "state:, person:" in text  # the predeclared ones are listed


def test_a_syntax_error_on_a_long_line_is_explained_at_once(client):
    """The search for the undeclared prefix once took the square of the line's length (28 s for 96 kB)."""
    query = 'SELECT * WHERE { ?s ?p "' + "a." * 45_000 + '" . ?s ?p zz:x }'
    begun = time.monotonic()
    reply = client.post("/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    text = reply.get_data(as_text=True)
    assert reply.status_code == 400 and "the prefix zz: is not declared" in text
    assert time.monotonic() - begun < 5  # the parse itself takes a fraction of that
    shown, caret = text.rstrip("\n").splitlines()[-2:]
    assert len(shown) < 200 and shown.index("zz:x") == caret.index("^")  # around the place, not the whole line

"""The plain GET /sparql answered beneath Flask (web/http/fastpath.py) is the route's answer, byte for byte.

Every request is sent to two apps on the same release: as served (the direct layer in front) and
with the layer taken off, so that Flask's route answers everything. Status, header list (names,
values, order) and body must be equal; and the requests the layer is meant to answer must in fact
not reach Flask, or the comparison would prove nothing.
"""

from __future__ import annotations

import gzip
import json

import pytest

from intmk_kg.web import create_app, state
from intmk_kg.web.http.client import ClientSocket
from intmk_kg.web.http.fastpath import DirectSparql

CONFERENCE = "https://w3id.org/intmk/id/conference/20"
LONG_SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 60"
QUERIES = {
    "label (inline)": f"SELECT ?l WHERE {{ <{CONFERENCE}> rdfs:label ?l }}",
    "trivial": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "many rows": LONG_SELECT,
    "comments and blank lines": "# who?\n\nSELECT ?p  # the predicates\nWHERE { <%s> ?p ?o }\n" % CONFERENCE,
    "non-ASCII literal": 'SELECT ?s WHERE { ?s ?p "Integrationsministerkonferenz"@de } LIMIT 3',
    "umlaut in a string": 'ASK { ?s ?p "Länder" }',
    "aggregate (query process)": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type",
    "filter (query process)": 'SELECT ?s WHERE { ?s rdfs:label ?l FILTER(CONTAINS(STR(?l), "IntMK")) } LIMIT 5',
    "ask": "ASK { ?s a intmk:Conference }",
    "construct": f"CONSTRUCT {{ <{CONFERENCE}> ?p ?o }} WHERE {{ <{CONFERENCE}> ?p ?o }}",
    "describe": f"DESCRIBE <{CONFERENCE}>",
    "no results": "SELECT ?s WHERE { ?s a <https://example.org/Nothing> }",
}
ACCEPTS = [
    None, "*/*", "application/sparql-results+json", "application/json", "application/xml",
    "application/sparql-results+xml", "text/csv", "text/tab-separated-values", "text/turtle",
    "application/ld+json", "application/n-triples", "application/rdf+xml",
    "text/turtle;q=0.5, application/n-triples", "text/csv;q=0.9, */*;q=0.1",
    "application/sparql-results+json,application/json,text/javascript,application/javascript",  # SPARQLWrapper
    "image/png",  # nothing acceptable: 406
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser: the editor
]
ENCODINGS = [None, "gzip", "gzip, deflate, br", "gzip;q=0", "br", "*"]


def _apps(release_dir, **config):
    """(served, Flask only) on the same release; the served one counts the requests Flask sees."""
    settings = {"TESTING": True, "RELEASE_DIR": str(release_dir), "CACHE_MB": 0, **config}
    served, plain = create_app(settings), create_app(settings)
    assert isinstance(served.wsgi_app, ClientSocket) and isinstance(served.wsgi_app.inner, DirectSparql)
    plain.wsgi_app = ClientSocket(plain.wsgi_app.inner.inner)  # without the fast path
    served.reached = []
    served.before_request(lambda: served.reached.append(1))
    return served, plain


@pytest.fixture(scope="module")
def apps(release_dir):
    return _apps(release_dir)


def _answer(app, query_string=None, method="GET", **headers):
    kwargs = {"query_string": query_string} if query_string is not None else {}
    response = app.test_client().open("/sparql", method=method, headers={k.replace("_", "-"): v for k, v in headers.items() if v}, **kwargs)
    return response.status, list(response.headers.items()), response.get_data()


def _differences(apps, requests):
    served, plain = apps
    found = []
    for query_string, headers in requests:
        mine, theirs = _answer(served, query_string, **headers), _answer(plain, query_string, **headers)
        if mine != theirs:
            found.append((query_string, headers, mine[:2], theirs[:2], mine[2][:200], theirs[2][:200]))
    return found


@pytest.mark.parametrize("name", QUERIES)
def test_every_accept_and_encoding_is_answered_as_the_route_answers(apps, name):
    requests = [({"query": QUERIES[name]}, {"Accept": accept, "Accept_Encoding": encoding})
                for accept in ACCEPTS for encoding in ENCODINGS]
    assert _differences(apps, requests) == []


def test_the_comparison_covers_compressed_and_plain_answers_and_both_validators(apps):
    """The matrix above would prove little if every answer were small, uncompressed or an error."""
    served, _ = apps
    seen, before = set(), len(served.reached)
    for query in QUERIES.values():
        for encoding in ENCODINGS:
            status, headers, body = _answer(served, {"query": query}, Accept_Encoding=encoding)
            h = dict(headers)
            seen.add((status, h.get("Content-Encoding"), h["ETag"][:2] if "ETag" in h else None))
            if h.get("Content-Encoding") == "gzip":
                assert gzip.decompress(body)
    assert ("200 OK", "gzip", "W/") in seen
    assert any(s == "200 OK" and enc is None and tag and tag.startswith('"') for s, enc, tag in seen)
    assert len(served.reached) == before  # all of them answered beneath Flask


REACHES_FLASK = {
    "POST form": ({}, {"method": "POST", "data": {"query": QUERIES["trivial"]}}),
    "format parameter": ({"query": QUERIES["trivial"], "format": "csv"}, {}),
    "default-graph-uri": ({"query": QUERIES["trivial"], "default-graph-uri": "https://w3id.org/intmk/graph/ontology"}, {}),
    "two queries": ([("query", QUERIES["trivial"]), ("query", QUERIES["ask"])], {}),
    "update parameter": ({"update": "CLEAR ALL"}, {}),
    "no query": ({}, {"fresh_blank_nodes": True}),  # the service description
    "empty query": ({"query": "  "}, {}),
    "update as a query": ({"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, {}),
    "SERVICE": ({"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"}, {}),
    "FROM": ({"query": "SELECT * FROM <https://w3id.org/intmk/graph/ontology> WHERE { ?s ?p ?o } LIMIT 1"}, {}),
    "too long": ({"query": "ASK {}" + " " * 100_001}, {}),
    "If-None-Match": ({"query": QUERIES["trivial"]}, {"headers": {"If-None-Match": '"x"'}}),
    "Range": ({"query": QUERIES["trivial"]}, {"headers": {"Range": "bytes=0-3"}}),
    "HEAD": ({"query": QUERIES["trivial"]}, {"method": "HEAD"}),
    "a browser": ({"query": QUERIES["trivial"]}, {"headers": {"Accept": "text/html"}}),
    "nothing acceptable": ({"query": QUERIES["trivial"]}, {"headers": {"Accept": "image/png"}}),
    "invalid UTF-8": ("query=ASK%20%7B%7D%FF", {}),
    "another path": ({"query": QUERIES["trivial"]}, {"path": "/sparql/"}),
    "a GET with SPARQL Update's content type": ({"query": QUERIES["trivial"]}, {"headers": {"Content-Type": "application/sparql-update"}}),
    "a Host werkzeug cannot encode": ({"query": QUERIES["trivial"]}, {"headers": {"Host": "a..b", "Accept": "text/csv"}}),
    "a Host label too long": ({"query": QUERIES["trivial"]}, {"headers": {"Host": "a" * 64 + ".org", "Accept": "text/csv"}}),
}


@pytest.mark.parametrize("name", REACHES_FLASK)
def test_what_is_not_the_plain_shape_goes_to_flask(apps, name):
    served, plain = apps
    query_string, options = REACHES_FLASK[name]
    path = options.get("path", "/sparql")
    kwargs = {"method": options.get("method", "GET"), "headers": options.get("headers", {}), "query_string": query_string}
    if "data" in options:
        kwargs["data"] = options["data"]
    before = len(served.reached)
    mine = served.test_client().open(path, **kwargs)
    assert len(served.reached) == before + 1, f"{name}: answered without the route"
    theirs = plain.test_client().open(path, **kwargs)
    if options.get("fresh_blank_nodes"):  # other labels, other lengths: compare what does not depend on them
        assert (mine.status, mine.headers["ETag"]) == (theirs.status, theirs.headers["ETag"])
        return
    assert (mine.status, list(mine.headers.items()), mine.get_data()) == (theirs.status, list(theirs.headers.items()), theirs.get_data())


@pytest.mark.parametrize("name", QUERIES)
def test_the_plain_shape_never_reaches_flask(apps, name):
    served, _ = apps
    answered = 0
    for accept in [None, "application/sparql-results+json", "text/csv", "text/turtle", "*/*"]:
        before = len(served.reached)
        status, _, _ = _answer(served, {"query": QUERIES[name]}, Accept=accept)
        if status == "200 OK":
            answered += 1
            assert len(served.reached) == before, (accept, "answered by the route")
        else:  # CSV of a graph, Turtle of solutions: the route says which formats there are
            assert status == "406 NOT ACCEPTABLE" and len(served.reached) == before + 1, (accept, status)
    assert answered >= 3


class Counting:
    """The app's query service, counting `execute`."""

    def __init__(self, inner):
        self.inner, self.executed = inner, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def execute(self, *args, **kwargs):
        self.executed += 1
        return self.inner.execute(*args, **kwargs)


def test_a_query_failing_in_the_engine_is_answered_by_the_route_and_run_once(release_dir):
    served, plain = _apps(release_dir)
    counted = state.of(served).service = Counting(state.of(served).service)
    query = {"query": "SELECT * WHERE { ?s ?p }"}  # passes the guard, fails in the parser
    for accept in [None, "text/csv"]:
        mine, theirs = _answer(served, query, Accept=accept), _answer(plain, query, Accept=accept)
        assert mine == theirs
        assert mine[0] == "400 BAD REQUEST" and b"Syntax error at line 1" in mine[2]
    assert counted.executed == 2
    assert len(served.reached) == 2


def test_a_runaway_query_gets_its_503_from_the_route_after_one_run(release_dir):
    served, _ = _apps(release_dir, TIMEOUT=1)
    counted = state.of(served).service = Counting(state.of(served).service)
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    status, headers, body = _answer(served, {"query": cross}, Accept="application/sparql-results+json")
    assert status == "503 SERVICE UNAVAILABLE", body
    assert "ran longer than 1 s" in body.decode()
    assert dict(headers)["Cache-Control"] == "no-store"
    assert counted.executed == 1 and len(served.reached) == 1


def test_without_cors_both_ways_agree_and_send_no_cors_header(release_dir):
    served, plain = _apps(release_dir, CORS_ORIGIN="")
    requests = [({"query": q}, {"Accept": a}) for q in (QUERIES["trivial"], QUERIES["describe"]) for a in (None, "text/csv", "text/turtle")]
    assert _differences((served, plain), requests) == []
    status, headers, _ = _answer(served, {"query": QUERIES["trivial"]})
    assert status == "200 OK" and not any(name.startswith("Access-Control") for name, _ in headers)
    assert len(served.reached) == 2  # the two 406s: CSV of a graph, Turtle of solutions


def test_a_host_outside_trusted_hosts_gets_the_routes_400(release_dir):
    served, plain = _apps(release_dir, TRUSTED_HOSTS=["intmk.example"])
    requests = [({"query": QUERIES["trivial"]}, {"Accept": "text/csv", "Host": host}) for host in ("localhost", "intmk.example")]
    assert _differences((served, plain), requests) == []
    assert _answer(served, {"query": QUERIES["trivial"]}, Accept="text/csv", Host="localhost")[0] == "400 BAD REQUEST"
    assert _answer(served, {"query": QUERIES["trivial"]}, Accept="text/csv", Host="intmk.example")[0] == "200 OK"
    assert len(served.reached) == 2  # the two refusals; the trusted host's answers came from beneath Flask


def test_the_answer_is_the_query_answer(apps):
    """Not only equal to the route's, but right: the label of the conference, in JSON."""
    served, _ = apps
    status, headers, body = _answer(served, {"query": QUERIES["label (inline)"]}, Accept="application/sparql-results+json")
    assert status == "200 OK"
    labels = {b["l"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert labels and all("IntMK" in label or "Integration" in label for label in labels), labels

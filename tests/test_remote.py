"""A remote store: `intmk-kg publish` into a real Oxigraph server on loopback, then `intmk-kg serve
--backend URL` answers queries, entity pages and reconciliation as the embedded server does, with
the same errors and limits.

Expected facts come from the sources: the press release (data/ms-ni-2025-068.trig) places the 20th
IntMK in Göttingen under the chair of Niedersachsen; shapes/intmk-shapes.ttl declares
shape:Conference as a sh:NodeShape.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from intmk_kg import publish as publishing
from intmk_kg.publish import SHAPES_GRAPH
from intmk_kg.web.query.remote import RemoteService, release_graph_sizes
from intmk_kg.web.query.service import QueryAborted, QueryError, QueryTimeout

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ID = "https://w3id.org/intmk/id/"
CONF20 = ID + "conference/20"
GOETTINGEN = ID + "place/goettingen"
NIEDERSACHSEN = ID + "state/DE-NI"
SHAPE_CONFERENCE = "https://w3id.org/intmk/shapes#Conference"
# 158^3 rows of the Wikidata graph, four times: seconds of work for Oxigraph, but bounded, so the store
# is soon idle again after the server has given up on it.
# A cross product over a small curation record (53 triples, 4 x 53^4 rows): seconds of work for any store.
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 1 2 3 4 } "
        "GRAPH graph:curation-conferences-20 { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Oxigraph:
    """`oxigraph serve` (the server from PyPI) in memory on a free loopback port."""

    def __init__(self, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        with log.open("wb") as out:
            self.process = subprocess.Popen([str(BIN / "oxigraph"), "serve", "--bind", f"127.0.0.1:{self.port}"],
                                            stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {log.read_text(errors='replace')}") from None
                time.sleep(0.1)

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def store_url(self) -> str:
        return self.url + "/store"

    def select(self, query: str) -> list[dict]:
        client = SPARQLWrapper(self.query_url)
        client.setQuery(query)
        client.setReturnFormat(JSON)
        return [{k: v["value"] for k, v in b.items()} for b in client.queryAndConvert()["results"]["bindings"]]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


def publish(release_dir: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "intmk-kg"), "publish", "--release-dir", str(release_dir), "--to", url, "--quiet"],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory, release_dir):
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "oxigraph.log")
    done = publish(release_dir, server.store_url)
    assert done.returncode == 0, done.stderr
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_server(oxigraph, start_server):
    return start_server("--backend", oxigraph.query_url)


# --- publish --------------------------------------------------------------------------------------


def test_publish_puts_every_graph_the_union_and_the_shapes(oxigraph, release):
    sizes = {r["g"]: int(r["n"]) for r in oxigraph.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    ours = {g: n for g, n in sizes.items() if g != SHAPES_GRAPH}
    assert "https://w3id.org/intmk/graph/ms-ni-2025-068" in ours and "https://w3id.org/intmk/graph/ontology" in ours
    assert sum(ours.values()) == release.manifest["statistics"]["quads"]
    union = oxigraph.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert int(union) == release.manifest["statistics"]["triples"]  # each triple once, not once per graph
    shape = f"<{SHAPE_CONFERENCE}> a <http://www.w3.org/ns/shacl#NodeShape>"
    assert oxigraph.select(f"SELECT (1 AS ?yes) WHERE {{ GRAPH <{SHAPES_GRAPH}> {{ {shape} }} }}") == [{"yes": "1"}]
    in_default = oxigraph.select(f"SELECT ?p WHERE {{ <{SHAPE_CONFERENCE}> ?p ?o }} LIMIT 1")
    assert in_default == []  # the shapes stay out of the union


def test_publish_twice_gives_the_same_store(oxigraph, release_dir, release):
    before = oxigraph.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert publish(release_dir, oxigraph.store_url).returncode == 0  # PUT replaces each graph
    assert oxigraph.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == before


def test_a_graph_larger_than_a_batch_goes_in_several_requests(tmp_path, release, monkeypatch):
    monkeypatch.setattr(publishing, "BATCH", 50)  # the press release's graph has 460 triples: ten requests
    store = Oxigraph(tmp_path / "oxigraph.log")
    try:
        done = publishing.publish(release, store.store_url)
        sizes = {r["g"]: int(r["n"]) for r in store.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        union = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"])
    finally:
        store.stop()
    expected = release_graph_sizes(release)
    assert sizes.pop(SHAPES_GRAPH) > 0 and sizes == expected
    assert union == release.manifest["statistics"]["triples"]
    assert done.requests > len(expected) + 2 + 9


def test_publish_to_nowhere_says_so(release_dir):
    done = publish(release_dir, f"http://127.0.0.1:{_free_port()}/store")
    assert done.returncode == 2
    assert "cannot reach the Graph Store" in done.stderr


# --- the same answers as the embedded server ---------------------------------------------------------


QUERIES = [
    f"SELECT ?place ?land WHERE {{ <{CONF20}> intmk:location ?place ; intmk:chairmanship/intmk:chairState ?land }}",
    "SELECT ?code WHERE { ?land intmk:isoCode ?code } ORDER BY ?code",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != graph:shapes) } GROUP BY ?g ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    f"ASK {{ <{CONF20}> intmk:location <{GOETTINGEN}> }}",
    "ASK { <id/conference/20> intmk:location <id/place/goettingen> }",  # relative IRIs against our base
    "PREFIX intmk: <http://example.org/other#> ASK { ?x intmk:location ?y }",  # a query's own prefix wins
    "SELECT ?x WHERE { ?x owl:sameAs wd:Q1197 }",
    "SELECT ?label WHERE { GRAPH graph:ontology { intmk:Conference rdfs:label ?label } } ORDER BY ?label",
    "SELECT ?s WHERE { ?s intmk:location ?o } ORDER BY ?s LIMIT 3 OFFSET 1",
    f"SELECT ?p ?o WHERE {{ <{GOETTINGEN}> ?p ?o }} ORDER BY ?p ?o",
    "SELECT ?n WHERE { ?c intmk:ordinal ?n ; intmk:chairmanship/intmk:chairState/rdfs:label \"Niedersachsen\"@de } "
    "ORDER BY ?n",
]
GRAPH_QUERIES = [
    f"CONSTRUCT {{ <{CONF20}> ?p ?o }} WHERE {{ <{CONF20}> ?p ?o }}",
    f"DESCRIBE <{GOETTINGEN}>",
]


def _rows(body: bytes) -> list:
    document = json.loads(body)
    if "boolean" in document:
        return [document["boolean"]]
    return sorted(json.dumps(b, sort_keys=True) for b in document["results"]["bindings"])


@pytest.mark.parametrize("query", QUERIES)
def test_same_solutions_as_the_embedded_server(remote_server, live_server, query):
    here = live_server.request(params={"query": query})
    there = remote_server.request(params={"query": query})
    assert (here.status, there.status) == (200, 200), there.text
    assert there.headers["Content-Type"] == here.headers["Content-Type"]
    assert _rows(there.body) == _rows(here.body)


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml"])
def test_same_bytes_in_other_result_formats(remote_server, live_server, fmt):
    query = QUERIES[1]  # ordered, so the rows come in one order
    here = live_server.request(params={"query": query, "format": fmt})
    there = remote_server.request(params={"query": query, "format": fmt})
    assert there.status == 200
    assert there.body == here.body


@pytest.mark.parametrize("query", GRAPH_QUERIES)
@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld", "rdf"])
def test_same_graphs_as_the_embedded_server(remote_server, live_server, query, fmt):
    here = live_server.request(params={"query": query, "format": fmt})
    there = remote_server.request(params={"query": query, "format": fmt})
    assert there.status == 200 and there.headers["Content-Type"] == here.headers["Content-Type"]
    syntax = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    ours, theirs = rdflib.Graph().parse(data=here.body, format=syntax), rdflib.Graph().parse(data=there.body, format=syntax)
    assert len(ours) > 0
    assert isomorphic(ours, theirs)


def test_answers_in_fact(remote_server):
    """Checked against the sources, not only against the embedded server."""
    reply = remote_server.request(params={"query": QUERIES[0]})
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(reply.body)["results"]["bindings"]]
    assert rows == [{"place": GOETTINGEN, "land": NIEDERSACHSEN}]


def test_dataset_parameters_go_to_the_store(remote_server, live_server):
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
              "default-graph-uri": "https://w3id.org/intmk/graph/ms-ni-2025-068"}
    here, there = live_server.request(params=params), remote_server.request(params=params)
    assert there.status == 200 and _rows(there.body) == _rows(here.body)
    union = remote_server.request(params={"query": params["query"]})
    assert _rows(union.body) != _rows(there.body)  # the parameter made a difference


@pytest.mark.parametrize("path", [
    "doc/state/DE-NI", "doc/conference/20", "doc/place/goettingen", "doc/person/andreas-philippi",
    "doc/state/DE-NI.ttl", "doc/conference/20.trig", "doc/conference/20.nq", "doc/conference/20.jsonld",
    "graph/ms-ni-2025-068.nq", "queries/chair-history.json", "wikidata/?format=json",
])
def test_same_pages(remote_server, live_server, path):
    here, there = live_server.request(path=path), remote_server.request(path=path)
    assert (here.status, there.status) == (200, 200), there.text
    assert there.headers.get("ETag") == here.headers.get("ETag")
    if path.endswith((".trig", ".nq", ".ttl", ".jsonld")):
        syntax = {"trig": "trig", "nq": "nquads", "ttl": "turtle", "jsonld": "json-ld"}[path.rsplit(".", 1)[1]]
        ours, theirs = rdflib.Dataset().parse(data=here.body, format=syntax), rdflib.Dataset().parse(data=there.body, format=syntax)
        assert sorted(map(str, ours.quads())) == sorted(map(str, theirs.quads()))
    else:  # JSON-LD in a page names the page by the host it was asked on
        assert there.body.replace(remote_server.url.encode(), b"/") == here.body.replace(live_server.url.encode(), b"/")


def test_the_303_of_an_identifier(remote_server):
    assert remote_server.request(path="id/state/DE-NI").status == 200  # urllib follows the 303 to the page
    assert remote_server.request(path="id/state/XX-NOPE").status == 404


def test_same_reconciliation(remote_server, live_server):
    batch = {"q0": {"query": "Göttingen"}, "q1": {"query": "Niedersachsen", "type": "State"},
             "q2": {"query": "IntMK 2025"}, "q3": {"query": "Andreas Philippi"}}
    body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    here = live_server.request("POST", "reconcile", body=body, headers=headers)
    there = remote_server.request("POST", "reconcile", body=body, headers=headers)
    assert there.status == 200
    assert json.loads(there.body) == json.loads(here.body)
    assert json.loads(there.body)["q1"]["result"][0]["id"] == "state/DE-NI"


def test_the_graph_list_shows_the_shapes_graph_too(remote_server, live_server):
    here = {g["graph"]: g["triples"] for g in json.loads(live_server.request(path="graph/?format=json").body)["graphs"]}
    there = {g["graph"]: g["triples"] for g in json.loads(remote_server.request(path="graph/?format=json").body)["graphs"]}
    assert there.pop(SHAPES_GRAPH) > 0
    assert there == here


# --- the same errors -------------------------------------------------------------------------------


def test_a_syntax_error_reads_as_on_the_embedded_server(remote_server, live_server):
    query = "SELECT ?x\nWHERE { ?x intmk:location "
    here, there = live_server.request(params={"query": query}), remote_server.request(params={"query": query})
    assert (here.status, there.status) == (400, 400)
    assert "line 2, column" in there.text  # the prologue sent before the query is not counted
    assert there.text == here.text


@pytest.mark.parametrize("query,status", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", 400),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }", 403),
])
def test_the_guard_refuses_as_on_the_embedded_server(remote_server, live_server, query, status):
    here, there = live_server.request(params={"query": query}), remote_server.request(params={"query": query})
    assert (here.status, there.status) == (status, status)
    assert there.text == here.text


def test_a_graph_the_remote_store_does_not_hold_is_refused(remote_server, live_server):
    """Embedded, an unknown graph is an empty one (pyoxigraph fetches nothing); a remote store might
    fetch it, so there it is refused."""
    query = "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }"
    here, there = live_server.request(params={"query": query}), remote_server.request(params={"query": query})
    assert here.status == 200 and there.status == 400 and "remote store" in there.text


def test_a_result_over_the_size_limit_is_503(oxigraph, start_server):
    server = start_server("--backend", oxigraph.query_url, "--max-result-bytes", "5000", "--cache-mb", "0")
    reply = server.request(params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert reply.status == 503
    assert "larger than 5000 bytes" in reply.text


def test_a_slow_store_is_given_up_after_the_timeout(oxigraph, start_server):
    server = start_server("--backend", oxigraph.query_url, "--timeout", "1")
    reply = server.request(params={"query": SLOW})
    assert reply.status == 503
    assert "ran longer than 1 s" in reply.text


@pytest.mark.slow
def test_a_store_gone_down_gives_503_but_cached_answers_stay(tmp_path, release_dir, start_server):
    store = Oxigraph(tmp_path / "oxigraph.log")
    try:
        assert publish(release_dir, store.store_url).returncode == 0
        server = start_server("--backend", store.query_url, "--workers", "1")
        asked = {"query": QUERIES[1]}
        first = server.request(params=asked)
        assert first.status == 200
    finally:
        store.stop()
    again = server.request(params=asked)
    assert again.status == 200 and again.body == first.body  # from the worker's cache: the store is gone
    other = server.request(params={"query": QUERIES[3]})
    assert other.status == 503
    assert "cannot be reached" in other.text
    page = server.request(path="doc/state/DE-NI")
    assert page.status == 503  # a page whose lookups fail is unavailable, not an internal error


@pytest.mark.server
def test_serve_refuses_a_store_without_the_release(tmp_path, release_dir):
    empty = Oxigraph(tmp_path / "oxigraph.log")
    try:
        done = subprocess.run([str(BIN / "intmk-kg"), "serve", "--port", str(_free_port()), "--release-dir",
                               str(release_dir), "--backend", empty.query_url], capture_output=True, text=True, timeout=120)
    finally:
        empty.stop()
    assert done.returncode == 2
    assert "does not hold release" in done.stderr and "intmk-kg publish" in done.stderr


# --- status mapping, against stores that answer what Oxigraph never does --------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    """A store that answers every request with a fixed status and message, and notes what it was sent."""

    status = 200
    message = b""
    seen: list[bytes] = []

    def do_POST(self):
        self.seen.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(self.status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.message)))
        self.end_headers()
        self.wfile.write(self.message)

    def log_message(self, *args):
        pass


@pytest.fixture()
def recorder():
    handler = type("Handler", (Recorder,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, RemoteService(f"http://127.0.0.1:{server.server_address[1]}/sparql", "v", 2.0, 10_000)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("status,error", [(400, QueryError), (503, QueryTimeout), (500, QueryAborted),
                                          (502, QueryAborted), (404, QueryAborted)])
def test_store_status_maps_to_our_errors(recorder, status, error):
    handler, service = recorder
    handler.status, handler.message = status, b"the store's own words"
    with pytest.raises(error) as caught:
        service.execute("SELECT * WHERE { ?s ?p ?o }", "json")
    assert "the store's own words" in str(caught.value)
    assert len(handler.seen) == 1


def test_the_guard_applies_before_anything_is_sent(recorder):
    handler, service = recorder
    with pytest.raises(QueryError, match="SERVICE"):
        service.execute("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "json")
    with pytest.raises(QueryError, match="read-only"):
        service.execute("DROP ALL", "json")
    assert handler.seen == []


def test_a_store_that_never_answers_times_out():
    with socket.socket() as listener:  # accepts connections (the backlog) and never reads or answers them
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        service = RemoteService(f"http://127.0.0.1:{listener.getsockname()[1]}/sparql", "v", 1.0, 10_000)
        with pytest.raises(QueryTimeout, match="longer than 1 s"):
            service.select("SELECT * WHERE { ?s ?p ?o }")


def test_the_prologue_declares_our_prefixes_once(oxigraph):
    service = RemoteService(oxigraph.query_url, "v", 30.0, 1_000_000)
    rows = service.select("SELECT ?c WHERE { id:conference\\/20 intmk:location ?c }")
    assert [r["c"].value for r in rows] == [GOETTINGEN]
    with pytest.raises(QueryError):  # the store's 400 for a lookup of ours that is wrong
        service.select("SELECT ?c WHERE { ?c }")

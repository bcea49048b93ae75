"""The public endpoint is read-only and never makes the server fetch a URL.

A listener on 127.0.0.1 records every connection made to it. Queries that would make the
server contact it (SERVICE in the spellings Oxigraph's parser accepts, FROM, FROM NAMED,
default-graph-uri, named-graph-uri, LOAD) are refused, and the listener stays silent. The
query runs before the reply is sent, so a fetch would have happened by the time the reply
arrives: no waiting is needed to see that none did.
"""

from __future__ import annotations

import ctypes
import json
import os

import pyoxigraph as ox
import pytest
from support import Listener

from intmk_kg.web.query.embedded import EmbeddedService
from intmk_kg.web.query.guard import QueryForbidden, inspect
from intmk_kg.web.query.isolation.processes import IsolatedService
from intmk_kg.web.query.service import QueryError

BASE = "https://w3id.org/intmk/"


@pytest.fixture()
def listener():
    ear = Listener()
    yield ear
    ear.sock.close()


def test_the_listener_hears_an_unguarded_service_call(listener):
    """The control: pyoxigraph itself does fetch SERVICE URLs, which is why the endpoint refuses them."""
    with pytest.raises(OSError):
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert listener.hits and listener.hits[0].startswith(b"POST /")


SERVICE_SPELLINGS = [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ service # a comment between\n <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICESILENT<{url}>{{}} }}",
    "SELECT * WHERE {{ ?s ?p falseSERVICE <{url}> {{}} }}",
    "SELECT * WHERE {{ ?s ?p 1e5SERVICE <{url}> {{}} }}",
    "SELECT * WHERE {{ OPTIONAL {{}}SERVICE<{url}>{{}} }}",
    "PREFIX ex: <{url}> SELECT * WHERE {{ SERVICEex:x {{}} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x {{}} }}",
    "SELECT * WHERE {{ VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ }} }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", SERVICE_SPELLINGS)
def test_service_is_refused_and_never_called(live_server, listener, template):
    query = template.format(url=listener.url)
    for reply in (
        live_server.request(params={"query": query}),
        live_server.request("POST", body=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert reply.status == 400, reply.text
        assert "SERVICE" in reply.text
    assert listener.hits == []


@pytest.mark.parametrize("params", [
    {"query": "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"},
    {"query": "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
    {"query": "ASK {{ ?s ?p ?o }}", "default-graph-uri": "{url}"},
    {"query": "ASK {{ ?s ?p ?o }}", "named-graph-uri": "{url}"},
])
def test_graphs_are_never_fetched(live_server, listener, params):
    """A graph named by a URL is a graph this server does not hold: empty, and never fetched."""
    reply = live_server.request(params={k: v.format(url=listener.url) for k, v in params.items()},
                                headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200
    answer = json.loads(reply.body)
    if "named-graph-uri" not in params:  # (with named graphs only, the default graph stays the union)
        assert answer.get("boolean") is False or answer["results"]["bindings"] == []
    assert listener.hits == []


def test_describe_of_a_url_does_not_dereference_it(live_server, listener):
    reply = live_server.request(params={"query": f"DESCRIBE <{listener.url}>"}, headers={"Accept": "application/n-triples"})
    assert reply.status == 200 and reply.body.strip() == b""
    assert listener.hits == []


@pytest.mark.parametrize("how", ["query", "update", "sparql-update"])
def test_load_is_refused(live_server, listener, how):
    update = f"LOAD <{listener.url}> INTO GRAPH <{BASE}graph/x>"
    if how == "sparql-update":
        reply = live_server.request("POST", body=update.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        reply = live_server.request("POST", body=f"{how}={update}".encode(),
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 403
    assert "read-only" in reply.text
    assert listener.hits == []


@pytest.mark.parametrize("update", [
    "INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP DEFAULT",
    "CREATE GRAPH <https://example.org/g>",
    "COPY DEFAULT TO <https://example.org/g>",
    "MOVE DEFAULT TO <https://example.org/g>",
    "ADD DEFAULT TO <https://example.org/g>",
    "PREFIX ex: <https://example.org/>\nINSERTDATA { ex:s ex:p ex:o }",
])
def test_updates_are_refused_and_change_nothing(live_server, update):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def size() -> int:
        return int(json.loads(live_server.request(params={"query": count}).body)["results"]["bindings"][0]["n"]["value"])

    before = size()
    for reply in (
        live_server.request(params={"query": update}),
        live_server.request(params={"update": update}),
        live_server.request("POST", body=update.encode(), headers={"Content-Type": "application/sparql-update"}),
    ):
        assert reply.status == 403
        assert "read-only" in reply.text
    assert size() == before


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service a ?class } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o != \"SERVICE <http://127.0.0.1:9/> {}\") } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }\nLIMIT 1",
    "PREFIX schema: <https://schema.org/> SELECT * WHERE { ?s schema:serviceType ?o } LIMIT 1",
    "SELECT * WHERE { ?s <https://example.org/SERVICE#LOAD> ?o }",
    "SELECT * WHERE { ?s ?p '''a long\nSERVICE <http://127.0.0.1:9/> {}''' }",
])
def test_the_word_service_elsewhere_is_fine(live_server, query):
    reply = live_server.request(params={"query": query})
    assert reply.status == 200, reply.text


def test_guard_reads_tokens_not_text():
    assert inspect('SELECT * { ?s ?p "INSERT DATA" } # DROP ALL', BASE, {}).form == "SELECT"
    with pytest.raises(QueryForbidden):
        inspect("CLEAR DEFAULT", BASE, {})
    with pytest.raises(QueryError):
        inspect("SELECT * { ?s ?p ?o . trueSERVICE <http://x/> {} }", BASE, {})
    shape = inspect("PREFIX g: <https://w3id.org/intmk/graph/>\nASKFROM g:a FROMNAMED <b> {}", BASE, {})
    assert (shape.form, shape.from_graphs, shape.from_named_graphs) == ("ASK", (BASE + "graph/a",), (BASE + "b",))


@pytest.mark.parametrize("query", [
    "PREFIX g: <graph/> BASE <http://x.org/a/> PREFIX h: <g/> SELECT ?s FROM g:one FROM h:two FROM <rel> WHERE { ?s ?p ?o }",
    "BASE <http://x.org/a/b> PREFIX g: <../c/> SELECT ?s FROM g:d WHERE { ?s ?p ?o }",
    "PREFIX g: <http://y.org/> PREFIX g: <http://z.org/> SELECT ?s FROM g:e WHERE { ?s ?p ?o }",
    "PREFIX g: <http://y.org/> BASE <http://x.org/> SELECT ?s FROM g:f FROM <g> WHERE { ?s ?p ?o }",
])
def test_from_graphs_are_the_graphs_the_engine_reads(query):
    """The guard resolves FROM as the parser does: each graph it names holds a triple naming that
    graph, and the engine, given the query, finds exactly those (none if a name were wrong)."""
    shape = inspect(query, BASE, {})
    store = ox.Store()
    for name in shape.from_graphs:
        store.add(ox.Quad(ox.NamedNode(name), ox.NamedNode(BASE + "p"), ox.Literal("x"), ox.NamedNode(name)))
    found = {row["s"].value for row in store.query(query, base_iri=BASE)}
    assert shape.from_graphs and found == set(shape.from_graphs)


def _can_leave_the_network() -> bool:
    pid = os.fork()
    if pid == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        os._exit(0 if libc.unshare(0x10000000 | 0x40000000) == 0 or libc.unshare(0x40000000) == 0 else 1)
    return os.waitpid(pid, 0)[1] == 0


@pytest.mark.skipif(not _can_leave_the_network(), reason="this kernel does not allow a network namespace")
def test_query_processes_have_no_network_even_past_the_guard(listener):
    """The second layer: a SERVICE call that reached the engine still could not connect."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("o")))
    service = IsolatedService(EmbeddedService(store, "test"), timeout=30, processes=1, memory_mb=512,
                              max_result_bytes=10_000)
    with pytest.raises(QueryError, match="could not be evaluated"):
        service.execute(f"SELECT * WHERE {{ ?s ?p ?o SERVICE <{listener.url}> {{ ?s ?p ?o }} }}", "json")
    assert listener.hits == []
    assert b'"value":"o"' in service.execute("SELECT ?o WHERE { ?s ?p ?o }", "json").body

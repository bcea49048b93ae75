"""Queries of the bounded subset run in the web worker; everything else in a query process.

The subset must never let through what needs isolation (a URL to fetch, a hash join, a sort,
an aggregate), inline answers must equal isolated ones, and an inline query that overruns its
time limit must still end with a 503 while the server goes on answering.
"""

from __future__ import annotations

import json
import time

import pytest

from intmk_kg.web.embedded import EmbeddedService
from intmk_kg.web.executor import IsolatedService
from intmk_kg.web.lanes import MAX_PATTERNS, inline_safe
from intmk_kg.web.service import QueryError
from support import children
from test_serve import SMALL, _in_background

def _cycle(length: int) -> str:
    """A ring of patterns the graph has no match for: the engine walks every path of that length."""
    v = [f"?v{i}" for i in range(length)]
    return "ASK { " + " . ".join(f"{v[i]} ?p{i} {v[(i + 1) % length]}" for i in range(length)) + " }"


def _star(length: int) -> str:
    """Facts about one node, each pattern with a constant object."""
    return "SELECT * { " + " . ".join(f"?c ?p{i} {i}" for i in range(length)) + " }"


INSIDE = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o } OFFSET 10000",
    "SELECT ?s { ?s ?p ?o }",
    "SELECT ?l { <https://w3id.org/intmk/id/state/DE-NI> rdfs:label ?l }",
    "PREFIX x: <https://w3id.org/intmk/ontology#> SELECT ?c WHERE { ?c a x:Conference ; x:ordinal 20 } LIMIT 5 OFFSET 0",
    "BASE <https://w3id.org/intmk/> SELECT ?p { <id/conference/20> ?p ?o }",
    "ASK { ?s rdfs:label \"Niedersachsen\"@de }",
    "ASK { ?c intmk:ordinal 20 ; a intmk:Conference }",
    "ASK { ?c intmk:ordinal \"20\"^^xsd:integer }",
    "ASK { ?c intmk:ordinal ?o }",
    "DESCRIBE <https://w3id.org/intmk/id/conference/20>",
    "DESCRIBE ?c WHERE { ?c intmk:ordinal 20 }",
    "CONSTRUCT { ?s a intmk:Land } WHERE { ?s a intmk:State } LIMIT 20",
    "CONSTRUCT WHERE { ?s a intmk:State }",
    "SELECT * { _:b rdfs:label ?l } LIMIT 3",
    "SELECT * { ?s a intmk:State , intmk:Land ; ?q \"Niedersachsen\"@de ; } LIMIT 2",
    "SELECT * { <https://w3id.org/intmk/id/state/DE-NI> ?p <https://w3id.org/intmk/id/conference/20> }",
    _star(MAX_PATTERNS),
]
REPORT_RUNAWAY = "SELECT * WHERE { " + " . ".join(f"?s{i} ?p ?o{i}" for i in range(32)) + " } OFFSET 1000000000000"
OUTSIDE = {
    "the runaway of the security report (finding 4)": REPORT_RUNAWAY,
    "its shape with a small OFFSET": "SELECT * WHERE { ?s0 ?p ?o0 . ?s1 ?p ?o1 } LIMIT 1",
    "a ring of patterns without constants": "ASK { ?a ?p ?b . ?b ?q ?c . ?c ?r ?a }",
    "a long ring": _cycle(MAX_PATTERNS),
    "a chain through a node with no constant beside it": "SELECT * { ?c a intmk:Conference ; intmk:ordinal ?o }",
    "a predicate variable joining two stars": "SELECT * { ?a ?p intmk:State . ?b ?p intmk:Conference }",
    "a predicate variable that is also the node": "SELECT * { ?a ?a intmk:State . ?a a intmk:State }",
    "two unconnected stars (a cross product)": "SELECT * { ?a a intmk:State . ?b a intmk:Conference }",
    "two unconnected patterns (a cross product)": "SELECT * { ?a ?b ?c . ?d ?e ?f } LIMIT 1",
    "an OFFSET beyond the bound": "SELECT * WHERE { ?s ?p ?o } OFFSET 10001",
    "an OFFSET that is not a plain integer": "SELECT * WHERE { ?s ?p ?o } OFFSET 1e3",
    "a single pattern with a repeated variable (a scan with few rows)": "SELECT * { ?x ?p ?x }",
    "a CONSTRUCT that scans (its rows may add no triple)": "CONSTRUCT { <x:a> <x:b> <x:c> } WHERE { ?s ?p ?o }",
    "a DESCRIBE of every subject": "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "a CONSTRUCT template longer than the bound": "CONSTRUCT { " + " . ".join(f"?s <x:p> {i}" for i in range(MAX_PATTERNS + 1))
                                                  + " } WHERE { ?s a intmk:State }",
    "FILTER": "SELECT * { ?a ?b ?c FILTER(?c = 1) }",
    "OPTIONAL": "SELECT * { ?a ?b ?c OPTIONAL { ?c ?d ?e } }",
    "UNION": "SELECT * { { ?a ?b ?c } UNION { ?a ?d ?e } }",
    "MINUS": "SELECT * { ?a ?b ?c MINUS { ?a ?d ?e } }",
    "GRAPH": "SELECT * { GRAPH ?g { ?a ?b ?c } }",
    "VALUES": "SELECT * { VALUES ?a { <x> } ?a ?b ?c }",
    "BIND": "SELECT * { ?a ?b ?c BIND(1 AS ?d) }",
    "a sub-query": "SELECT * { { SELECT ?a { ?a ?b ?c } } }",
    "an aggregate": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c }",
    "GROUP BY": "SELECT ?a { ?a ?b ?c } GROUP BY ?a",
    "ORDER BY": "SELECT * { ?a ?b ?c } ORDER BY ?a",
    "DISTINCT": "SELECT DISTINCT ?a { ?a ?b ?c }",
    "REDUCED": "SELECT REDUCED ?a { ?a ?b ?c }",
    "a property path": "SELECT * { ?a rdfs:subClassOf* ?c }",
    "an inverse path": "SELECT * { ?a ^rdfs:label ?c }",
    "a sequence path": "SELECT * { ?a rdfs:label/rdfs:label ?c }",
    "FROM": "SELECT * FROM <https://w3id.org/intmk/graph/ms-ni-2025-068> { ?a ?b ?c }",
    "FROM NAMED": "SELECT * FROM NAMED <https://w3id.org/intmk/graph/ms-ni-2025-068> { ?a ?b ?c }",
    "SERVICE": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?a ?b ?c } }",
    "an anonymous blank node": "SELECT * { ?a ?b [ ?c ?d ] }",
    "a collection": "SELECT * { ?a ?b ( 1 2 ) }",
    "a negative number": "SELECT * { ?a ?b -1 }",
    "an expression in SELECT": "SELECT (STR(?a) AS ?s) { ?a ?b ?c }",
    "a function call": "ASK { ?a ?b ?c FILTER(REGEX(?c, 'x')) }",
    "an unclosed group": "SELECT * { ?a ?b ?c",
    "text after the query": "SELECT * { ?a ?b ?c } }",
    "an update": "INSERT DATA { <x> <y> <z> }",
    "a glued keyword": "SELECT * { ?a ?b ?c } LIMIT 1 SERVICESILENT",
    "a literal as subject": "SELECT * { \"x\" ?b ?c }",
    "more patterns than the bound": _star(MAX_PATTERNS + 1),
}


@pytest.mark.parametrize("query", INSIDE)
def test_queries_of_the_subset_run_inline(query):
    assert inline_safe(query)


@pytest.mark.parametrize("reason", OUTSIDE)
def test_anything_else_goes_to_a_query_process(reason):
    assert not inline_safe(OUTSIDE[reason]), reason


@pytest.fixture(scope="module")
def services(store, release):
    inline = IsolatedService(EmbeddedService(store, release.version), 30, 1, 2048, 10_000_000, "heavy")
    isolated = IsolatedService(EmbeddedService(store, release.version), 30, 1, 2048, 10_000_000, "all")
    return inline, isolated


@pytest.mark.parametrize("query", INSIDE)
@pytest.mark.parametrize("result_format", ["json", "ttl"])
def test_inline_answers_equal_isolated_ones(services, query, result_format):
    inline, isolated = services
    expected = isolated.execute(query, result_format)
    assert inline.execute(query, result_format) == expected


def test_inline_errors_read_as_isolated_ones(services):
    inline, isolated = services
    query = "SELECT * { ?s undeclared:p ?o }"
    assert inline_safe(query)
    with pytest.raises(QueryError) as from_inline:
        inline.execute(query, "json")
    with pytest.raises(QueryError) as from_process:
        isolated.execute(query, "json")
    assert str(from_inline.value) == str(from_process.value)
    assert "error at 1:27" in str(from_inline.value) and "Prefix not found" in str(from_inline.value)


def test_an_oversized_inline_result_is_refused_as_in_a_process(store, release):
    small = IsolatedService(EmbeddedService(store, release.version), 30, 1, 2048, 5_000, "heavy")
    query = "SELECT * { ?s ?p ?o }"
    assert inline_safe(query)
    with pytest.raises(Exception, match="larger than 5000 bytes"):
        small.execute(query, "json")


RING = _cycle(31)  # about 1 s at 13 patterns on the project's graph, doubling every two more


def _workers_when(server, condition, wait: float = 60) -> set[int]:
    """The gunicorn workers once `condition` holds of them (or as they are after `wait` seconds)."""
    deadline = time.monotonic() + wait
    while True:
        found = set(children(server.process.pid))
        if condition(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_an_overrunning_inline_query_gets_503_and_its_worker_is_replaced(start_server):
    assert inline_safe(RING)
    server = start_server("--timeout", "3", "--workers", "2")
    workers = _workers_when(server, lambda found: len(found) == 2)  # the first answer may come before both are up
    assert len(workers) == 2
    started = time.monotonic()
    thread, outcome = _in_background(server, RING)
    time.sleep(1)
    meanwhile = server.request(params={"query": SMALL})
    still_running = thread.is_alive()
    thread.join(60)
    elapsed = time.monotonic() - started
    assert meanwhile.status == 200 and json.loads(meanwhile.body)["boolean"] is True
    assert still_running, "the second client was answered while the overrunning query ran"
    reply = outcome["reply"]
    assert reply.status == 503, reply.text
    assert "ran longer than 3 s" in reply.text
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert elapsed < 3 + 10
    now = _workers_when(server, lambda found: len(found) == 2 and found != workers)
    assert len(now) == 2 and len(now - workers) == 1, (workers, now)
    for _ in range(4):  # whichever worker takes it
        after = server.request(params={"query": SMALL})
        assert after.status == 200 and json.loads(after.body)["boolean"] is True
    assert "retiring web worker" in server.output()


def test_with_isolate_all_the_same_query_ends_in_its_process_and_the_worker_stays(start_server):
    server = start_server("--timeout", "3", "--workers", "1", "--isolate", "all")
    workers = set(children(server.process.pid))
    reply = server.request("POST", body=RING.encode(), headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 503 and "ran longer than 3 s" in reply.text
    assert set(children(server.process.pid)) == workers
    assert "retiring web worker" not in server.output()

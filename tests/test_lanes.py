"""Queries of the bounded subset run in the web worker; everything else in a query process.

The subset must never let through what needs isolation (a URL to fetch, a hash join, a sort,
an aggregate) or what can explode (a join with no constant to start from, a deep OFFSET), inline
answers must equal isolated ones (a large one comes from a query process), and an inline query
that overruns its time limit must still end with a 503 while its worker serves its other
requests before it retires.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from support import children, descendants
from test_serve import SMALL

from intmk_kg.web.query.embedded import EmbeddedService
from intmk_kg.web.query.isolation.inline import INLINE_RESULT_BYTES
from intmk_kg.web.query.isolation.processes import IsolatedService
from intmk_kg.web.query.isolation.subset import MAX_PATTERNS, inline_safe
from intmk_kg.web.query.service import QueryError

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_runaways", ROOT / "bench" / "runaways.py")
runaways = importlib.util.module_from_spec(_spec)
sys.modules["bench_runaways"] = runaways  # dataclasses look their module up there
_spec.loader.exec_module(runaways)


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
    "PREFIX x: <https://w3id.org/intmk/ontology#> SELECT ?c { ?c a x:Conference ; x:ordinal 20 } LIMIT 5 OFFSET 0",
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
REPORT_RUNAWAY = runaways.RUNAWAY  # 32 patterns sharing a predicate variable, OFFSET 10^12
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
    "an OFFSET of more digits than int() reads": "SELECT * WHERE { ?s ?p ?o } OFFSET " + "1" * 5000,
    "a single pattern with a repeated variable (a scan with few rows)": "SELECT * { ?x ?p ?x }",
    "a CONSTRUCT that scans (its rows may add no triple)": "CONSTRUCT { <x:a> <x:b> <x:c> } WHERE { ?s ?p ?o }",
    "a DESCRIBE of every subject": "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "a CONSTRUCT template longer than the bound":
        "CONSTRUCT { " + " . ".join(f"?s <x:p> {i}" for i in range(MAX_PATTERNS + 1)) + " } WHERE { ?s a intmk:State }",
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


def _cpu_ticks(pids) -> int:
    """User and system CPU time the processes have used so far, in clock ticks (from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def _post(server, query: str, timeout: float = 60):
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    return server.request("POST", body=query.encode(), timeout=timeout, headers=headers)


# --- runaways of the security report of 2026-12-01, finding 4, on the project's release --------------


@pytest.fixture(scope="module")
def two_workers(start_server):
    return start_server("--timeout", "2", "--workers", "2")


@pytest.mark.slow
def test_the_reports_runaway_ends_in_a_query_process_and_no_worker_retires(two_workers):
    server = two_workers
    workers = _workers_when(server, lambda found: len(found) == 2)
    started = time.monotonic()
    reply = server.request(params={"query": REPORT_RUNAWAY}, headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 503 and "ran longer than 2 s" in reply.text, reply.text
    assert time.monotonic() - started < 2 + 15
    assert set(children(server.process.pid)) == workers
    assert "retiring web worker" not in server.output()


@pytest.mark.slow
def test_many_runaway_clients_leave_pages_served(two_workers):
    """8 clients repeating the runaway for 10 s beside a client reading an entity page: every page is
    answered (before: 8 requests in 20 s, all read errors, and 9 workers retired in 30 s)."""
    figures = runaways.scenario(two_workers.url, clients=8, seconds=10, timeout=60)
    assert not figures.page_errors, figures.line()
    assert figures.pages >= 2, figures.line()
    assert set(figures.runaways) == {503}, figures.line()  # each runaway answered, none dropped
    assert "retiring web worker" not in two_workers.output()


# --- an inline answer past the lane's cap --------------------------------------------------------------


BIG = 60_000  # triples of one pattern: about 7 MB as SPARQL JSON, past INLINE_RESULT_BYTES


@pytest.mark.slow
def test_an_answer_past_the_inline_cap_comes_whole_from_a_query_process(start_server, tmp_path):
    data = tmp_path / "wide.nt"
    with data.open("w", encoding="utf-8") as out:
        for i in range(BIG):
            out.write(f"<http://example.org/a-rather-long-name-for-node/{i:06d}> "
                      "<http://example.org/p> <http://example.org/H> .\n")
    query = "SELECT * { ?x ?p <http://example.org/H> }"
    assert inline_safe(query)
    server = start_server("--data", str(data), "--workers", "1", "--cache-mb", "0", release=False)
    worker = _workers_when(server, lambda found: len(found) == 1)
    query_processes = [pid for w in worker for pid in descendants(w)]  # the fork server and its query processes
    before = _cpu_ticks(query_processes)
    reply = _post(server, query)
    assert reply.status == 200, reply.text[:500]
    assert len(reply.body) > INLINE_RESULT_BYTES
    rows = json.loads(reply.body)["results"]["bindings"]
    assert len(rows) == BIG and len({row["x"]["value"] for row in rows}) == BIG
    assert _cpu_ticks(query_processes) > before, "the answer did not come from a query process"
    assert set(children(server.process.pid)) == worker


# --- an inline query past its time limit -----------------------------------------------------------


HUB = 300_000  # triples on each of two hub nodes: a star joining them takes about 0.4 s with no match
OVERRUN = "SELECT * { ?x ?p <http://example.org/H1> . ?x ?q <http://example.org/H2> }"


@pytest.fixture(scope="module")
def hub_server(start_server, tmp_path_factory):
    """One worker over two large hubs with no subject in common, and a time limit of 0.1 s."""
    data = tmp_path_factory.mktemp("hubs") / "hubs.nt"
    with data.open("w", encoding="ascii") as out:
        for i in range(HUB):
            out.write(f"<http://example.org/a{i}> <http://example.org/p> <http://example.org/H1> .\n"
                      f"<http://example.org/b{i}> <http://example.org/p> <http://example.org/H2> .\n")
    return start_server("--data", str(data), "--workers", "1", "--timeout", "0.1", release=False)


@pytest.mark.slow
def test_an_overrunning_inline_query_gets_503_and_its_worker_is_replaced(hub_server):
    server = hub_server
    assert inline_safe(OVERRUN)
    workers = _workers_when(server, lambda found: len(found) == 1)
    started = time.monotonic()
    reply = _post(server, OVERRUN)
    assert reply.status == 503, reply.text
    assert "ran longer than 0.1 s" in reply.text
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert time.monotonic() - started < 10
    now = _workers_when(server, lambda found: len(found) == 1 and found != workers)
    assert len(now) == 1 and now != workers, (workers, now)
    after = server.request(params={"query": SMALL})
    assert after.status == 200 and json.loads(after.body)["boolean"] is True
    assert "retiring web worker" in server.output()


@pytest.mark.slow
def test_a_retiring_worker_serves_its_other_requests_before_it_exits(hub_server):
    """A request in flight when the worker retires is answered, even when it takes longer than the
    3 s the worker used to allow; so is one sent just after the overrunning query's 503."""
    server = hub_server
    workers = _workers_when(server, lambda found: len(found) == 1)
    body = b"ASK { <http://example.org/a1> ?p <http://example.org/H1> }"
    slow = socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(server.url).port), timeout=60)
    slow.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                 b"Accept: application/sparql-results+json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:4])
    time.sleep(1)  # the worker has it: a thread waits in the app for the rest of the body
    reply = _post(server, OVERRUN)
    assert reply.status == 503 and "ran longer than 0.1 s" in reply.text, reply.text
    after: dict = {}
    just_after = threading.Thread(target=lambda: after.update(reply=server.request(params={"query": SMALL})))
    just_after.start()
    for i in range(4, len(body)):  # the rest of the body over about 5 s
        time.sleep(5 / len(body))
        slow.sendall(body[i:i + 1])
    answer = http.client.HTTPResponse(slow)
    answer.begin()
    assert answer.status == 200
    assert json.loads(answer.read())["boolean"] is True
    slow.close()
    just_after.join(60)
    assert after["reply"].status == 200 and json.loads(after["reply"].body)["boolean"] is True
    now = _workers_when(server, lambda found: len(found) == 1 and found != workers)
    assert now != workers


@pytest.mark.slow
def test_with_isolate_all_the_same_query_ends_in_its_process_and_the_worker_stays(start_server):
    server = start_server("--timeout", "3", "--workers", "1", "--isolate", "all")
    workers = set(children(server.process.pid))
    reply = server.request("POST", body=RING.encode(), headers={"Content-Type": "application/sparql-query"})
    assert reply.status == 503 and "ran longer than 3 s" in reply.text
    assert set(children(server.process.pid)) == workers
    assert "retiring web worker" not in server.output()

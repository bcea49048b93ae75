"""Query processes and their admission (security report of 2026-12-01, findings 2, 9 and 6).

A query process that ends (a crash, a kill at the timeout) is replaced by the worker's fork
server, so no client connection of the worker leaks into the replacement: keep-alive connections
still close at gunicorn's keep-alive time, and nginx's next request on a pooled upstream
connection is answered at once. A replacement never waits for lookups running in the worker.
Queries beyond the processes and a short queue are refused at once, so pages keep their threads.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from support import children, free_port
from test_replicas import NGINX, get, nginx_config
from test_serve import RUNAWAY, SMALL

from intmk_kg.web.query.embedded import EmbeddedService
from intmk_kg.web.query.isolation.processes import IsolatedService
from intmk_kg.web.query.service import QueryAborted

pytestmark = pytest.mark.slow  # crashed, killed and runaway query processes, some behind nginx

CRASH = "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"  # 10 kB; the engine's parser ends its process
CLOSED_WITHIN = 8  # seconds: gunicorn's keep-alive (2 s) plus a margin for a busy machine
SPARQL_QUERY = {"Content-Type": "application/sparql-query"}
COUNT = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"  # an aggregate: it goes to a query process


def _connect(server) -> socket.socket:
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    return socket.create_connection(("127.0.0.1", port), timeout=60)


def _exchange(sock: socket.socket, method: str, path: str, body: bytes = b"",
              headers: dict | None = None) -> tuple[int, bytes]:
    """One HTTP/1.1 request on a kept-alive connection, and its answer (status, body)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
            *(f"{k}: {v}" for k, v in (headers or {}).items())]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, response.read()


def _still_open(socks: list[socket.socket], within: float) -> int:
    """How many of the connections the server has not closed within `within` seconds."""
    deadline = time.monotonic() + within
    open_ = 0
    for sock in socks:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if sock.recv(1) != b"":
                open_ += 1  # the server sent something unasked: not closed either
        except TimeoutError:
            open_ += 1
        except OSError:
            pass  # reset: closed
        finally:
            sock.close()
    return open_


def test_connections_open_across_crashed_query_processes_close_at_the_keep_alive_time(start_server):
    """Finding 2: 20 idle keep-alive connections and the two that sent crash queries all close."""
    server = start_server("--workers", "1", "--query-processes", "2")
    idle = [_connect(server) for _ in range(20)]
    for sock in idle:
        assert _exchange(sock, "GET", "/sparql?" + urllib.parse.urlencode({"query": SMALL}))[0] == 200
    crashers = [_connect(server) for _ in range(2)]
    answers: list[tuple[int, bytes]] = []
    threads = [threading.Thread(target=lambda s=s: answers.append(_exchange(s, "POST", "/sparql", CRASH.encode(),
                                                                            SPARQL_QUERY))) for s in crashers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _ in answers] == [503, 503]
    assert all(b"stopped before it answered" in body for _, body in answers)
    assert _still_open(crashers + idle, CLOSED_WITHIN) == 0
    assert server.request(params={"query": SMALL}).status == 200


def test_a_connection_whose_query_was_stopped_at_the_timeout_closes(start_server):
    server = start_server("--workers", "1", "--query-processes", "1", "--timeout", "2")
    sock = _connect(server)
    status, body = _exchange(sock, "POST", "/sparql", RUNAWAY.encode(), SPARQL_QUERY)
    assert status == 503 and b"ran longer than 2 s" in body
    assert _still_open([sock], CLOSED_WITHIN) == 0
    assert server.request(params={"query": SMALL}).status == 200


@pytest.fixture()
def nginx_in_front(tmp_path):
    """deploy/nginx.conf in front of one server (both upstream lines name it), as `start(server)`."""
    processes: list[subprocess.Popen] = []

    def start(server) -> str:
        port, upstream = free_port(), int(server.url.rsplit(":", 1)[1].strip("/"))
        config = nginx_config(tmp_path, port, [upstream, upstream])
        # one nginx worker, so that the next request takes the pooled upstream connection the crash query used
        config.write_text(config.read_text(encoding="utf-8").replace("worker_processes auto;", "worker_processes 1;"),
                          encoding="utf-8")
        settings = f"daemon off; pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};"
        if os.geteuid() == 0:
            settings += " user root;"
        processes.append(subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(config), "-g", settings],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return f"http://127.0.0.1:{port}/"
            except OSError:
                if time.monotonic() > deadline or processes[-1].poll() is not None:
                    pytest.fail(f"nginx did not listen: {(tmp_path / 'error.log').read_text()}")
                time.sleep(0.1)

    yield start
    for process in processes:
        process.terminate()
        process.wait(30)


@pytest.mark.skipif(not Path(NGINX).exists() and not shutil.which("nginx"), reason="nginx is not installed")
def test_through_nginx_the_request_after_a_crash_query_is_answered_at_once(start_server, nginx_in_front):
    """Finding 2 as nginx saw it: its pooled upstream connection used to stay open without a reader (75 s)."""
    server = start_server("--workers", "1", "--query-processes", "1")
    proxy = nginx_in_front(server)
    crash = urllib.request.Request(proxy + "sparql", data=CRASH.encode(), headers=SPARQL_QUERY, method="POST")
    try:
        urllib.request.urlopen(crash, timeout=60)
        pytest.fail("the crash query was answered")
    except urllib.error.HTTPError as e:
        assert e.code == 503
    time.sleep(3)  # past gunicorn's keep-alive: the worker has closed its side of nginx's upstream connection
    started = time.monotonic()
    status, _, _ = get(proxy + "doc/state/DE-NI?after-a-crash", {"Accept": "text/html"})
    assert status == 200 and time.monotonic() - started < 10


def test_a_replacement_query_process_does_not_wait_for_running_lookups():
    """Finding 9: a lookup in the engine (here ~7 s) while a crash query's process is replaced.

    A store of its own (10,000 triples), so that the lookup's time does not grow with the project's data."""
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                         ox.Literal(str(i))) for i in range(10_000))
    service = IsolatedService(EmbeddedService(store, "fixed"), timeout=30, processes=1, memory_mb=2048,
                              max_result_bytes=10_000_000)
    service.pool()  # as in post_fork: before any other thread
    slow = threading.Thread(target=service.select, args=(
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?a ?h ?i }",), daemon=True)
    slow.start()
    time.sleep(0.5)
    started = time.monotonic()
    with pytest.raises(QueryAborted, match="stopped before it answered"):
        service.execute(CRASH, "application/sparql-results+json")
    replaced = time.monotonic() - started
    assert replaced < 4, f"the replacement took {replaced:.1f} s"
    assert slow.is_alive(), "the slow lookup ended before the test could show anything; make it slower"
    lookup_started = time.monotonic()
    assert service.ask("ASK { ?s ?p ?o }") is True
    outcome = service.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "json")  # an aggregate: not inline
    assert b'"vars":["n"]' in outcome.body  # the replacement answers
    assert time.monotonic() - lookup_started < 4
    slow.join(120)


def test_runaway_queries_beyond_the_queue_are_refused_at_once_and_pages_keep_answering(start_server):
    """Finding 6: 16 clients send heavy runaway queries for 10 s to a worker with 2 query processes."""
    server = start_server("--workers", "1", "--query-processes", "2", "--timeout", "6")
    until = time.monotonic() + 10
    refused: list[tuple[float, str | None, str]] = []
    others: list[int] = []

    def flood(by_get: bool):
        while time.monotonic() < until:
            started = time.monotonic()
            if by_get:  # the plain GET is answered beneath Flask (web/http/fastpath.py), its failures by the route
                reply = server.request(params={"query": RUNAWAY}, timeout=60)
            else:
                reply = server.request("POST", body=RUNAWAY.encode(), headers=SPARQL_QUERY, timeout=60)
            if reply.status == 503 and "are busy" in reply.text:
                refused.append((time.monotonic() - started, reply.headers["Retry-After"], reply.text))
            else:
                others.append(reply.status)

    clients = [threading.Thread(target=flood, args=(i % 2 == 0,)) for i in range(16)]
    for client in clients:
        client.start()
    time.sleep(1)
    probes = []
    while time.monotonic() < until:
        started = time.monotonic()
        reply = server.request(path="doc/state/DE-NI", headers={"Accept": "text/html"}, timeout=30)
        probes.append((reply.status, time.monotonic() - started))
        time.sleep(0.5)
    for client in clients:
        client.join(60)
    assert probes and all(status == 200 for status, _ in probes), probes
    assert max(seconds for _, seconds in probes) < 3, probes
    assert refused, others
    assert all(retry_after == "5" for _, retry_after, _ in refused)
    assert all(text.startswith("503 Service Unavailable\nAll query processes are busy") for _, _, text in refused)
    assert min(seconds for seconds, _, _ in refused) < 1
    assert set(others) <= {503}  # the admitted ones ran into the timeout


def test_a_killed_fork_server_takes_its_query_processes_and_the_worker_is_replaced(start_server):
    server = start_server("--workers", "1", "--query-processes", "2")
    (worker,) = children(server.process.pid)
    (fork_server,) = children(worker)
    query_processes = children(fork_server)
    assert len(query_processes) == 2
    os.kill(fork_server, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in query_processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in query_processes), "they outlived their fork server"
    first = server.request("POST", body=COUNT, headers=SPARQL_QUERY)
    assert first.status == 503 and "could not be started" in first.text
    deadline = time.monotonic() + 60  # the worker retires; gunicorn starts a fresh one with a fresh fork server
    while server.request("POST", body=COUNT, headers=SPARQL_QUERY).status != 200:
        assert time.monotonic() < deadline, "no query was answered after the fork server was killed"
        time.sleep(0.2)
    assert children(server.process.pid) != [worker]


def _sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(os.readlink(fd).startswith("socket:") for fd in fds.iterdir())


def test_neither_the_fork_server_nor_a_query_process_holds_a_client_or_listening_socket(start_server):
    server = start_server("--workers", "1", "--query-processes", "2")
    keep = _connect(server)  # a client connection open in the worker while a replacement is made
    assert _exchange(keep, "GET", "/sparql?" + urllib.parse.urlencode({"query": SMALL}))[0] == 200
    assert server.request("POST", body=CRASH.encode(), headers=SPARQL_QUERY).status == 503
    (worker,) = children(server.process.pid)
    (fork_server,) = children(worker)
    assert _sockets(worker) >= 2  # the listening socket and the client's (and the fork server's channel)
    assert _sockets(fork_server) == 1  # its channel to the worker
    assert len(children(fork_server)) == 2 and all(_sockets(pid) == 0 for pid in children(fork_server))
    keep.close()

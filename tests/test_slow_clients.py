"""A server without nginx in front disconnects clients that send their request slowly, and a
`serve` leaves no control socket that a second one would take over.

The security report of 2026-12-01 found that 32 clients sending one header byte a second (or 16
trickling a body) held every request thread of a server started without nginx, for as long as
they liked (finding 7), and that every `serve` of a user shared one gunicorn control socket
(finding 13). Here the server runs with --client-timeout 2: a request must arrive whole within
two seconds of its first byte.
"""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow  # clients that take seconds to send, until they are cut

CLIENT_TIMEOUT = 2.0
SLOW_CLIENTS = 16  # with 2 workers of 4 threads: twice the threads there are


@pytest.fixture(scope="module")
def server(start_server, tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    live = start_server("--client-timeout", str(CLIENT_TIMEOUT), env={"HOME": str(home)})
    live.home = home
    return live


def _trickle(port: int, head: bytes, drip: bytes, closed_after: list, stop: threading.Event) -> None:
    """Send `head`, then one byte of `drip` every 0.3 s; note when the server closed the connection."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            s.sendall(head)
            for byte in drip:
                if stop.is_set():
                    return
                time.sleep(0.3)
                s.sendall(bytes([byte]))
                s.setblocking(False)
                try:
                    if s.recv(4096) == b"":
                        break
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
    except OSError:
        pass  # reset or broken pipe: closed by the server
    closed_after.append(time.monotonic() - start)


def _port(server) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


@pytest.mark.parametrize("kind", ["head", "body"])
def test_slow_clients_are_disconnected_and_others_served(server, kind):
    head = b"GET /sparql HTTP/1.1\r\nHost: x\r\n" if kind == "head" else (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 100000\r\n\r\nASK")
    drip = b"X-Slow: " + b"a" * 200 if kind == "head" else b" " * 200
    closed_after: list[float] = []
    stop = threading.Event()
    clients = [threading.Thread(target=_trickle, args=(_port(server), head, drip, closed_after, stop), daemon=True)
               for _ in range(SLOW_CLIENTS)]
    for c in clients:
        c.start()
    try:
        time.sleep(1)
        probes = []
        for _ in range(3):  # while the slow clients are connected
            begun = time.monotonic()
            with urllib.request.urlopen(server.url + "doc/state/DE-NI", timeout=30) as response:
                assert response.status == 200
            probes.append(time.monotonic() - begun)
            time.sleep(0.5)
        for c in clients:
            c.join(timeout=20)  # the drip alone would last 60 s
    finally:
        stop.set()
    assert len(closed_after) == SLOW_CLIENTS, "every slow client is disconnected"
    # the time limit plus gunicorn's wait for a thread and the machine's noise; the drip lasts 60 s
    assert max(closed_after) < CLIENT_TIMEOUT + 12
    assert max(probes) < 8


def test_a_slow_body_to_a_json_api_is_cut_too(server):
    head = (b"POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5000\r\n\r\nqueries=")
    closed_after: list[float] = []
    _trickle(_port(server), head, b"%" * 100, closed_after, threading.Event())
    assert closed_after and closed_after[0] < CLIENT_TIMEOUT + 12


def test_a_client_that_sends_its_request_at_once_is_answered(server):
    with socket.create_connection(("127.0.0.1", _port(server)), timeout=30) as s:
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
                  b"Connection: close\r\n\r\n")
        time.sleep(CLIENT_TIMEOUT + 1)  # reading the answer late is not sending slowly
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'"boolean"' in answer


def test_serve_opens_no_control_socket(server, start_server):
    start_server(env={"HOME": str(server.home)})  # a second server of the same user
    assert not (server.home / ".gunicorn").exists()


def test_a_client_that_never_closes_does_not_stall_the_worker(start_server):
    """gunicorn drains a `Connection: close` client on the worker's main loop with a short timeout of
    its own; the client deadline must not lengthen it (it held every new connection for 10 s)."""
    server = start_server("--workers", "1", "--client-timeout", "10")
    port = _port(server)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as lingering:
        lingering.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        time.sleep(0.5)  # read nothing more, close nothing: the server closes its side and drains
        begun = time.monotonic()
        with urllib.request.urlopen(server.url + "doc/state/DE-NI", timeout=30) as response:
            assert response.status == 200
        assert time.monotonic() - begun < 4  # gunicorn's own drain is at most 2 s

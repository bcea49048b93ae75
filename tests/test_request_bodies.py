"""Request bodies the server refuses cleanly (findings 8 and 11 of the security report of 2026-12-01).

Finding 8: outside /sparql no body was limited, so a 20 MB JSON body or a form of 1.5 million
fields was parsed whole (a worker grew by 500 MB, or spent 8.8 s of CPU) before any answer. Now
one limit holds for the whole app, refused with 413 before the body is parsed, as JSON on the
JSON APIs. Finding 11: a malformed chunked body (chunk size `-1` or `zz`) raised gunicorn's
parser error inside the app, a 500 with a traceback; now it is the client's 400.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.parse

import pytest

from intmk_kg.web.http.policy import MAX_BODY_BYTES


def exchange(server, raw: bytes, timeout: float = 30) -> tuple[int, dict, bytes]:
    """Send raw bytes on a new connection; the first response's status, headers and body."""
    address = urllib.parse.urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        length = int(headers.get("content-length", 0))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split()[1]), headers, body[:length]


def post(server, path: str, body: bytes, content_type: str):
    started = time.monotonic()
    reply = server.request("POST", path, body=body, headers={"Content-Type": content_type}, timeout=120)
    return reply, time.monotonic() - started


# --- finding 8: one body limit for the app -------------------------------------------------------


def test_a_20_mb_json_body_is_413_json_before_parsing(live_server):
    body = b'{"queries":[{"query":"Niedersachsen"}],"x":[' + b"{}," * 7_000_000 + b"{}]}"
    reply, took = post(live_server, "reconcile/draft/reconcile", body, "application/json")
    assert reply.status == 413 and reply.headers["Content-Type"] == "application/json"  # 200 before
    assert f"at most {MAX_BODY_BYTES} bytes" in json.loads(reply.body)["error"]
    assert took < 20  # generous: the client sends 20 MB on a shared machine


def test_a_form_of_a_million_fields_is_413_json(live_server):
    body = b"queries=%7B%22q%22%3A%7B%22query%22%3A%22Bayern%22%7D%7D" + b"&a=" * 1_500_000
    reply, took = post(live_server, "reconcile", body, "application/x-www-form-urlencoded")
    assert reply.status == 413 and "at most" in json.loads(reply.body)["error"]  # 200 after 8.8 s before
    assert took < 20


def test_a_chunked_body_without_length_is_cut_at_the_limit(live_server):
    data = b'{"queries":[{"query":"Niedersachsen"}],"x":"' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 65536]), data[i:i + 65536]) for i in range(0, len(data), 65536))
    status, headers, body = exchange(live_server, b"POST /reconcile/draft/reconcile HTTP/1.1\r\nHost: x\r\n"
                                     b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     + chunks + b"0\r\n\r\n")
    assert status == 413 and headers["content-type"] == "application/json" and json.loads(body)["error"]


@pytest.mark.parametrize("path, content_type, content", [
    ("/reconcile", "application/x-www-form-urlencoded", b"queries=" + urllib.parse.quote(
        json.dumps({"q": {"query": "Niedersachsen"}})).encode()),
    ("/reconcile/draft/reconcile", "application/json", b'{"queries":[{"query":"Niedersachsen"}]}'),
])
def test_a_chunked_body_within_the_limit_is_read(live_server, path, content_type, content):
    """The limit reads a chunked body before the route: the route must still find it (form and JSON)."""
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (content[:10], content[10:]))
    status, _, body = exchange(live_server, f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n".encode() + chunks + b"0\r\n\r\n")
    assert status == 200 and b"state/DE-NI" in body, body[:300]


def test_a_body_within_the_limit_is_read(live_server):
    queries = json.dumps({"q": {"query": "Niedersachsen"}})
    body = urllib.parse.urlencode({"queries": queries, "pad": "x" * (MAX_BODY_BYTES - 1000)}).encode()
    reply, _ = post(live_server, "reconcile", body, "application/x-www-form-urlencoded")
    assert reply.status == 200 and json.loads(reply.body)["q"]["result"][0]["id"] == "state/DE-NI"


# --- finding 11: malformed chunked bodies --------------------------------------------------------

CASES = [
    ("/sparql", "application/sparql-query", b"ASK {}"),
    ("/sparql", "application/x-www-form-urlencoded", b"query=ASK+%7B%7D"),
    ("/reconcile", "application/x-www-form-urlencoded", b'queries={"q":{"query":"Bayern"}}'),
    ("/reconcile/draft/reconcile", "application/json", b'{"queries":[{"query":"Bayern"}]}'),
]


@pytest.mark.parametrize("size", [b"-1", b"zz"])
@pytest.mark.parametrize("path, content_type, content", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_a_malformed_chunk_size_is_400(live_server, path, content_type, content, size):
    request = (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {content_type}\r\nAccept: */*\r\n"
               "Transfer-Encoding: chunked\r\n\r\n").encode() + size + b"\r\n" + content + b"\r\n0\r\n\r\n"
    status, headers, body = exchange(live_server, request)
    assert status == 400, (status, body[:300])  # 500 with a traceback before
    assert b"malformed" in body
    if path.startswith("/reconcile"):
        assert headers["content-type"] == "application/json" and "malformed" in json.loads(body)["error"]
    assert "InvalidChunkSize" not in live_server.output()

"""What the reconciliation attacks of the security report of 2026-12-01 cost now (findings 3 and 8).

    .venv/bin/python bench/reconcile_cost.py [--triples 70000]

Builds a synthetic release of more than NAMELESS_MOST entities (`intmk-kg synth`, `build --data`),
serves it and the project's release with `intmk-kg serve --workers 1`, sends each attack once with
a 60 s client timeout (while a probe asks `ASK {}` every 0.5 s) and prints one table row per attack:
status, seconds, the probe's slowest answer. Everything stops by itself within a few minutes.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from faults import serve  # noqa: E402  (the fault scenarios' server starter)
from synthetic import build_synthetic_release  # noqa: E402

from intmk_kg.linking.matching import MAX_VALUES  # noqa: E402
from intmk_kg.project import Project  # noqa: E402
from intmk_kg.release import build  # noqa: E402


def send(url: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int | str, float]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type} if content_type else {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status: int | str = response.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError as e:
        status = type(e).__name__
    return status, time.monotonic() - started


class Probe:
    """`ASK {}` every 0.5 s; the slowest answer while it ran (None if the attack ended before the first)."""

    def __init__(self, server):
        self.url, self.worst, self._stop = server.url + "sparql?query=ASK%7B%7D", None, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.5):
            self.worst = max(self.worst or 0.0, send(self.url)[1])

    def stop(self) -> str:
        self._stop.set()
        self._thread.join()
        return "-" if self.worst is None else f"{self.worst * 1000:.0f}"


def costly_batch() -> str:
    values = [f"state/x{j}" if j % 10 == 0 else j for j in range(MAX_VALUES)]
    pids = ["state", "year", "place", "chairPerson", "ordinal"] * 4
    return json.dumps({f"q{i}": {"query": "Konferenz", "properties": [{"pid": p, "v": values} for p in pids]}
                       for i in range(50)}, separators=(",", ":"))


def attacks(small, large) -> list[tuple[str, object, str, bytes | None, str | None]]:
    form = "application/x-www-form-urlencoded"
    nameless = json.dumps({f"z{i}": {"properties": [{"pid": "state", "v": "DE-NI"}]} for i in range(50)})
    return [
        ("draft, 16,000 equal values no candidate has (128 kB)", small, "reconcile/draft/reconcile",
         json.dumps({"queries": [{"query": "Niedersachsen", "properties": [{"pid": "state", "v": ["DE-BY"] * 16000}]}]}).encode(),
         "application/json"),
        ("draft, 51 distinct values", small, "reconcile/draft/reconcile",
         json.dumps({"queries": [{"query": "Niedersachsen", "properties": [{"pid": "year", "v": list(range(51))}]}]}).encode(),
         "application/json"),
        ("0.2 form, 10,000 constraints (0.9 MB)", small, "reconcile",
         urllib.parse.urlencode({"queries": json.dumps({"q": {"query": "Bayern", "properties": [
             {"pid": "year", "v": 2000 + i} for i in range(10_000)]}})}).encode(), form),
        ("draft, 20 MB JSON of `{},`", small, "reconcile/draft/reconcile",
         b'{"queries":[{"query":"Niedersachsen"}],"x":[' + b"{}," * 7_000_000 + b"{}]}", "application/json"),
        ("0.2 form, 1.5 million fields (4.5 MB)", small, "reconcile", b"queries=%7B%7D" + b"&a=" * 1_500_000, form),
        ("large: one query without a name", large, "reconcile?queries=" + urllib.parse.quote(
            json.dumps({"q": {"properties": [{"pid": "state", "v": "DE-NI"}]}})), None, None),
        ("large: GET batch of 50 without a name (5 kB)", large, "reconcile?queries=" + urllib.parse.quote(nameless),
         None, None),
        ("large: the largest legal batch, 50 x 20 x 50 values (400 kB)", large, "reconcile",
         urllib.parse.urlencode({"queries": costly_batch()}).encode(), form),
    ]


def client_leaves(server) -> float:
    """Seconds from closing the connection mid-batch until the server logs that it stopped the work."""
    form = urllib.parse.urlencode({"queries": costly_batch()}).encode()
    address = urllib.parse.urlsplit(server.url)
    before = server.log.read_text().count("closed the connection")
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(b"POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(form) + form)
        time.sleep(0.2)
    left = time.monotonic()
    while server.log.read_text().count("closed the connection") == before and time.monotonic() - left < 60:
        time.sleep(0.02)
    return time.monotonic() - left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=70_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        small_dist = Path(work) / "small"
        build(Project.at(ROOT), small_dist)
        large_dist = build_synthetic_release(Path(work), args.triples)
        small, large = serve(small_dist, "--workers", "1"), serve(large_dist, "--workers", "1")
        hasty = serve(large_dist, "--workers", "1", "--timeout", "0.3")
        try:
            print("| attack | status | seconds | probe max ms |\n|---|---|---|---|")
            for name, server, path, body, content_type in attacks(small, large):
                probe = Probe(server)
                status, took = send(server.url + path, body, content_type)
                print(f"| {name} | {status} | {took:.2f} | {probe.stop()} |", flush=True)
            status, took = send(hasty.url + "reconcile", urllib.parse.urlencode({"queries": costly_batch()}).encode(),
                                "application/x-www-form-urlencoded")
            print(f"| large: the same with `--timeout 0.3` | {status} | {took:.2f} | |")
            print(f"| large: the same, client gone after 0.2 s | work stopped {client_leaves(large):.2f} s later | | |")
        finally:
            for server in (small, large, hasty):
                server.stop()


if __name__ == "__main__":
    main()

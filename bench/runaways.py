"""Runaway SPARQL clients beside a client reading pages: are the pages still served?

    .venv/bin/python bench/runaways.py --release-dir dist [--clients 8] [--seconds 20] [--timeout 2]

The security report of 2026-12-01 (finding 4) took the service down with 8 clients sending, over
and over, a join of 32 patterns sharing a predicate variable with an OFFSET of 10^12: each ran
in a web worker until the timeout and retired it, dropping its other requests. Here `serve` runs
with --workers 2 and the given --timeout; `--clients` threads send that query for `--seconds`
while one client fetches an entity page as HTML, one request after the other. Printed: the
page client's answers, errors and latencies, the runaways' statuses, and how many web workers
were retired. tests/test_lanes.py runs the same function for a shorter time.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import serve

RUNAWAY = "SELECT * WHERE { " + " . ".join(f"?s{i} ?p ?o{i}" for i in range(32)) + " } OFFSET 1000000000000"
PAGE = "doc/state/DE-NI"


@dataclass
class Figures:
    pages: int = 0
    page_errors: Counter = field(default_factory=Counter)  # status or exception name -> count
    latencies: list[float] = field(default_factory=list)
    runaways: Counter = field(default_factory=Counter)

    def line(self) -> str:
        lat = sorted(self.latencies) or [0.0]
        return (f"page client: {self.pages} answers 200, errors {dict(self.page_errors) or 'none'}, "
                f"latency median {statistics.median(lat):.2f} s, max {lat[-1]:.2f} s; "
                f"runaway clients: {dict(self.runaways)}")


def _get(url: str, headers: dict, timeout: float) -> int | str:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code
    except (http.client.HTTPException, OSError) as e:
        return type(e).__name__


def scenario(base_url: str, clients: int = 8, seconds: float = 10, timeout: float = 60) -> Figures:
    """`clients` runaway loops and one page loop against the server at `base_url` for `seconds`."""
    figures = Figures()
    end = time.monotonic() + seconds
    runaway_url = base_url + "sparql?" + urllib.parse.urlencode({"query": RUNAWAY})

    def runaway() -> None:
        while time.monotonic() < end:
            figures.runaways[_get(runaway_url, {"Accept": "application/sparql-results+json"}, timeout)] += 1

    threads = [threading.Thread(target=runaway, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the runaways first
    while time.monotonic() < end:
        started = time.monotonic()
        status = _get(base_url + PAGE, {"Accept": "text/html"}, timeout)
        figures.latencies.append(time.monotonic() - started)
        if status == 200:
            figures.pages += 1
        else:
            figures.page_errors[status] += 1
    for thread in threads:
        thread.join(timeout + 5)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--timeout", default="2", help="serve --timeout")
    parser.add_argument("--isolate", default="heavy", help="serve --isolate")
    args = parser.parse_args()
    server = serve(args.release_dir, "--workers", "2", "--timeout", args.timeout, "--isolate", args.isolate)
    try:
        figures = scenario(server.url, args.clients, args.seconds)
        retired = server.log.read_text(encoding="utf-8", errors="replace").count("retiring web worker")
        print(f"{args.clients} runaway clients for {args.seconds:g} s (--timeout {args.timeout}): {figures.line()}; "
              f"web workers retired: {retired}", flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

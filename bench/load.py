"""Load held: wrk sends a mix of requests to a real `intmk-kg serve` while one client keeps sending a
runaway query; prints requests/s, p50/p99 and the errors of each run.

    .venv/bin/python bench/load.py [--connections 8,32] [--duration 30] [--release-dir DIST]

Everything stays on 127.0.0.1 and stops by itself: the server is started here and stopped at the
end, each wrk run lasts --duration seconds. The mix (bench/load.lua reads it) is the canned
queries as JSON, CSV and HTML, entity pages in HTML, Turtle, JSON-LD and N-Triples, /id redirects,
small SPARQL queries in four result formats, the dump downloads and the listing pages. The goal:
no error at all besides the runaway query's 503 (its query process is killed at --timeout).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import RUNAWAY, ask, serve  # the same server start-up as the fault scenarios

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("load.lua")
DOC_ACCEPT = ["text/html", "text/turtle", "application/ld+json", "application/n-triples"]
SPARQL_ACCEPT = ["application/sparql-results+json", "text/csv", "application/sparql-results+xml",
                 "text/tab-separated-values"]
SMALL_QUERIES = [
    "SELECT (COUNT(DISTINCT ?land) AS ?n) WHERE { ?land intmk:isoCode ?code }",
    "SELECT ?place WHERE { <https://w3id.org/intmk/id/conference/20> intmk:location ?place }",
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(LANG(?label) = 'en') } LIMIT 50",
]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def request_mix(base: str) -> list[tuple[str, str, str]]:
    """(method, path, Accept) of every request in the mix, found on the running server."""
    mix: list[tuple[str, str, str]] = []
    for q in get_json(base + "queries/?format=json")["queries"]:
        mix += [("GET", f"/queries/{q['name']}.json", "*/*"), ("GET", f"/queries/{q['name']}.csv", "*/*"),
                ("GET", f"/queries/{q['name']}", "text/html")]
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/intmk/id/')) } LIMIT 60"
    rows = get_json(base + "sparql?" + urllib.parse.urlencode({"query": query}))["results"]["bindings"]
    for i, row in enumerate(rows):
        path = row["s"]["value"].removeprefix("https://w3id.org/intmk/")
        mix += [("GET", "/doc/" + path.removeprefix("id/"), DOC_ACCEPT[i % len(DOC_ACCEPT)]), ("GET", "/" + path, "*/*")]
    for i, text in enumerate(SMALL_QUERIES * 2):
        mix.append(("GET", "/sparql?" + urllib.parse.urlencode({"query": text}), SPARQL_ACCEPT[i % len(SPARQL_ACCEPT)]))
    for f in get_json(base + "dumps/?format=json")["files"]:
        mix.append(("GET", "/dumps/" + f["name"], "*/*"))
    mix += [("GET", path, accept) for path, accept in [
        ("/", "text/html"), ("/?format=json", "*/*"), ("/graph/", "text/html"), ("/dumps/", "text/html"),
        ("/.well-known/void", "text/turtle"), ("/ontology.ttl", "*/*"), ("/queries/", "text/html"),
        ("/reconcile/suggest/entity?prefix=Nieder", "*/*"), ("/wikidata/Q1197", "*/*"),
    ]]
    return mix


class Runaway(threading.Thread):
    """One client sending the runaway query again as soon as it is answered."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stop = threading.Event()
        self.statuses: dict[str, int] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            status, _ = ask(self.server, RUNAWAY, timeout=300)
            self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1


def run_wrk(base: str, mix_file: Path, connections: int, duration: int) -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{duration}s", "--timeout", "60s",
               "-s", str(LUA), base, "--", str(mix_file)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(server, mix_file: Path, connections: int, duration: int) -> dict:
    """One wrk run with the runaway client beside it: wrk's figures plus errors, rate and the runaway's statuses."""
    runaway = Runaway(server)
    runaway.start()
    try:
        figures = run_wrk(server.url.rstrip("/"), mix_file, connections, duration)
    finally:
        runaway.stop.set()
        runaway.join(300)
    errors = sum(figures["socket_errors"].values()) + sum(n for s, n in figures["statuses"].items() if int(s) >= 400)
    return {**figures, "errors": errors, "rate": figures["requests"] / figures["seconds"], "runaway": runaway.statuses}


def write_mix(server, folder: Path) -> Path:
    mix = request_mix(server.url)
    path = folder / "mix.tsv"
    path.write_text("".join(f"{m}\t{p}\t{a}\n" for m, p, a in mix), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", default="8,32", help="comma-separated connection counts, one run each")
    parser.add_argument("--duration", type=int, default=30, help="seconds of each run")
    parser.add_argument("--timeout", default="5", help="the server's query timeout (the runaway's fate)")
    parser.add_argument("--release-dir", type=Path, default=None, help="default: a fresh build in a temporary folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="intmk-load-") as tmp:
        release_dir = args.release_dir or Path(tmp) / "dist"
        server = serve(release_dir, "--workers", "2", "--query-processes", "2", "--timeout", args.timeout)
        try:
            mix_file = write_mix(server, Path(tmp))
            print(f"mix: {len(mix_file.read_text().splitlines())} requests; server: 2 workers x 2 query processes, "
                  f"query timeout {args.timeout} s; {os.cpu_count()} CPUs shared with other work")
            print("| connections | requests | requests/s | p50 ms | p99 ms | max ms | errors | statuses | runaway |")
            print("|---|---|---|---|---|---|---|---|---|")
            for connections in [int(c) for c in args.connections.split(",")]:
                row = measure(server, mix_file, connections, args.duration)
                statuses = ", ".join(f"{s}: {n}" for s, n in sorted(row["statuses"].items()))
                print(f"| {connections} | {row['requests']} | {row['rate']:.0f} | {row['p50_ms']:.1f} | "
                      f"{row['p99_ms']:.1f} | {row['max_ms']:.0f} | {row['errors']} | {statuses} | "
                      f"{json.dumps(row['runaway'])} |", flush=True)
            status, answer = ask(server, "ASK { ?s ?p ?o }")
            print(f"after the runs: a small query answers {status} {answer}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()

"""CPU per request of the WSGI application alone, ours against the bare Flask app of flask_ceiling.py:
no server, no client, no network, so what is left is each app's own request path.

    .venv/bin/python bench/wsgi_cost.py [--release-dir DIST] [--rounds 9] [--requests 1500]

Both apps answer GET /sparql?query=... on the same in-memory store (the release loaded as `serve`
loads it, ours with the cache off); each figure is the smallest of the rounds' mean process CPU
time per request (the least disturbed by other work on the machine).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from flask_ceiling import create

from intmk_kg.release import load_store, open_release
from intmk_kg.web import create_app

PREFIXES = ("PREFIX intmk: <https://w3id.org/intmk/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")


def environ(query: str, accept: str) -> dict:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": urlencode({"query": query}),
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_HOST": "127.0.0.1:8080", "HTTP_ACCEPT": accept, "REMOTE_ADDR": "127.0.0.1"}


def cpu_per_request(app, query: str, accept: str, n: int) -> float:
    """Mean process CPU time (µs) of n requests; fails unless every answer is 200."""
    base = environ(query, accept)
    statuses = []
    start = time.process_time()
    for _ in range(n):
        env = dict(base, **{"wsgi.input": io.BytesIO(b"")})
        b"".join(app(env, lambda status, headers, exc_info=None: statuses.append(status)))
    took = time.process_time() - start
    if any(not s.startswith("200") for s in statuses):
        raise SystemExit(f"not every answer was 200: {sorted(set(statuses))}")
    return took / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release-dir", default=str(Path(__file__).resolve().parents[1] / "dist"))
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=1500)
    args = parser.parse_args()
    store = load_store(open_release(Path(args.release_dir)))
    apps = {"bare Flask app": create(lambda: store),
            "intmk-kg (cache off)": create_app({"RELEASE_DIR": args.release_dir, "CACHE_MB": 0})}
    entity = "https://w3id.org/intmk/id/conference/20"
    solutions = "application/sparql-results+json"
    queries = {"trivial SELECT": ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", solutions),
               "label of one entity": (PREFIXES + f"SELECT ?l WHERE {{ <{entity}> rdfs:label ?l }}", solutions),
               "DESCRIBE one entity": (f"DESCRIBE <{entity}>", "text/turtle")}
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.rounds):  # interleaved, so that a busy moment hits every figure alike
        for qname, (query, accept) in queries.items():
            for aname, app in apps.items():
                us = cpu_per_request(app, query, accept, args.requests)
                best[qname, aname] = min(best.get((qname, aname), float("inf")), us)
    print("| query | " + " | ".join(f"{a} µs" for a in apps) + " | bare / ours |")
    print("|---|" + "---|" * (len(apps) + 1))
    for qname in queries:
        bare, ours = (best[qname, a] for a in apps)
        print(f"| {qname} | {bare:.0f} | {ours:.0f} | {bare / ours:.2f} |")


if __name__ == "__main__":
    main()

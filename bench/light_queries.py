"""Light queries, interleaved: intmk-kg serve against the bare Flask app and rdflib-endpoint, round by round.

    .venv/bin/python bench/light_queries.py --release-dir /tmp/dist1m --store /tmp/store1m --rounds 5

bench/http_compare.py measures one server after the other, so a burst of other work on a shared
machine lands on whichever server runs at that moment. Here all servers run at once (idle ones
cost no CPU) and each round measures every (query, server) pair for --duration seconds in turn;
the figure per pair is the median over the rounds, and the ratios are of medians. Servers: intmk-kg
serve (default), with --isolate all, with its response cache, the Flask ceiling on the same store,
and rdflib-endpoint on the union dump (--no-rdflib to leave it out).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_compare import (BIN, PREFIXES, ROOT, TURTLE, Query, Server, busiest,  # noqa: E402
                          query_url, wrk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True, help="the on-disk store of `intmk-kg build --store`")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rdflib-venv", default="/tmp/rdflib-endpoint-venv")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--busiest", default=None, help="the entity to look up (default: the one with the most triples)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="intmk-light-"))
    work.mkdir(parents=True, exist_ok=True)
    busy = args.busiest or busiest(args.store)
    plan = [
        Query("trivial SELECT", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", False),
        Query("label of one entity", PREFIXES + f"SELECT ?l WHERE {{ <{busy}> rdfs:label ?l }}", False),
        Query("DESCRIBE one entity", f"DESCRIBE <{busy}>", False, TURTLE),
    ]
    serve = [str(BIN / "intmk-kg"), "serve", "--port", "{port}", "--release-dir", str(args.release_dir),
             "--store", str(args.store)]
    servers = [
        Server("intmk", "intmk-kg serve", serve + ["--cache-mb", "0"]),
        Server("intmk-isolated", "intmk-kg serve, all isolated", serve + ["--cache-mb", "0", "--isolate", "all"]),
        Server("intmk-cache", "intmk-kg serve, cache", serve),
        Server("flask", "Flask ceiling", [sys.executable, str(ROOT / "bench" / "flask_ceiling.py"), "--store",
                                          str(args.store), "--port", "{port}"]),
    ]
    if not args.no_rdflib:
        union = work / "union.nt"
        if not union.exists():
            with gzip.open(args.release_dir / "current" / "intmk-kg.nt.gz") as src, union.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        servers.append(Server("rdflib", "rdflib-endpoint", [str(Path(args.rdflib_venv) / "bin" / "rdflib-endpoint"),
                                                            "serve", str(union), "--host", "127.0.0.1", "--port",
                                                            "{port}"], path="/"))
    rps: dict[tuple[str, str], list[float]] = {}
    try:
        for server in servers:
            server.start(work / "servers.log")
            print(f"{server.name}: answering after {server.startup:.1f} s", flush=True)
        for server in servers:  # warm up: caches filled, every worker started
            for query in plan:
                wrk(query_url(server, query), query.accept, args.connections, 1, 30)
        for n in range(args.rounds):
            for query in plan:
                for server in servers:
                    figure = wrk(query_url(server, query), query.accept, args.connections, args.duration, 30)
                    rps.setdefault((query.name, server.name), []).append(figure["rps"])
            print(f"round {n + 1} of {args.rounds} done", flush=True)
    finally:
        for server in servers:
            server.stop()
    names = [s.name for s in servers]
    print(f"\nmedian requests/s over {args.rounds} rounds of {args.duration} s, {args.connections} connections\n")
    print("| query | " + " | ".join(names) + " | / Flask | / rdflib-endpoint | / all isolated |")
    print("|---|" + "---|" * (len(names) + 3))
    medians = {key: statistics.median(values) for key, values in rps.items()}
    for query in plan:
        mine = medians[(query.name, "intmk-kg serve")]
        ratios = [f"{mine / medians[(query.name, other)]:.2f}" if (query.name, other) in medians else ""
                  for other in ("Flask ceiling", "rdflib-endpoint", "intmk-kg serve, all isolated")]
        print(f"| {query.name} | " + " | ".join(f"{medians[(query.name, n)]:.0f}" for n in names) + " | "
              + " | ".join(ratios) + " |")
    (work / "light.json").write_text(json.dumps({f"{q} | {s}": v for (q, s), v in rps.items()}, indent=1))
    print(f"\nevery round's figures: {work / 'light.json'}")


if __name__ == "__main__":
    main()

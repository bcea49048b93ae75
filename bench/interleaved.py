"""Servers measured side by side, round by round: light queries by throughput, engine-bound queries
by the latency of one request at a time; the figure of each (query, server) is the median of rounds.

    .venv/bin/python bench/interleaved.py light --release-dir /tmp/dist-1M --store /tmp/store-1M --rounds 5
    .venv/bin/python bench/interleaved.py heavy --release-dir /tmp/dist-1M --store /tmp/store-1M --rounds 5

bench/http_compare.py measures one server after the other, so a burst of other work on a shared
machine lands on whichever server runs at that moment. Here all servers run at once (an idle one
costs no CPU) and each round asks every server in turn, waiting after each until the server just
measured is idle again (a server can go on with requests its client gave up on), so that no server
is measured beside another's leftovers. Ratios are of medians.

- light: each (query, server) is loaded by wrk for --duration seconds with --connections
  connections; besides requests/s, the CPU time the server's process tree spent per request
  (from /proc), which other work on the machine disturbs less. Servers: intmk-kg serve without
  cache, with --isolate all, with its response cache, the Flask ceiling on the same store and
  rdflib-endpoint on the union dump (--no-rdflib to leave it out).
- heavy: each round asks each server each engine-bound query once and times the whole answer.
  Servers: intmk-kg serve without cache, the Oxigraph server and the Flask ceiling, all on the
  same on-disk store.

`--preload LIB` (repeatable) adds intmk-kg serve (heavy: and the Oxigraph server) with that memory
allocator preloaded, e.g. /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 from Debian's libjemalloc2, to
show what the allocator changes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_compare import (BIN, ROOT, TURTLE, Query, Server, ask, busiest, cpu_ticks, queries,  # noqa: E402
                          query_url, settle, wrk)

LIGHT = ("trivial SELECT", "label of one entity", "DESCRIBE one entity")
TICKS_PER_SECOND = 100


def plan_for(kind: str, busy: str) -> list[Query]:
    found = {q.name: q for q in queries(busy)}
    if kind == "light":
        found["DESCRIBE one entity"] = Query("DESCRIBE one entity", f"DESCRIBE <{busy}>", False, TURTLE)
        return [found[name] for name in LIGHT]
    return [q for q in found.values() if q.heavy]


def servers_for(args) -> list[Server]:
    serve = [str(BIN / "intmk-kg"), "serve", "--port", "{port}", "--release-dir", str(args.release_dir),
             "--store", str(args.store), "--timeout", str(args.slow)]
    oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(args.store), "--bind", "127.0.0.1:{port}"]
    flask = Server("flask", "Flask ceiling", [sys.executable, str(ROOT / "bench" / "flask_ceiling.py"), "--store",
                                              str(args.store), "--port", "{port}"])
    if args.kind == "light":
        found = [Server("intmk", "intmk-kg serve", serve + ["--cache-mb", "0"]),
                 Server("intmk-isolated", "intmk-kg serve, all isolated", serve + ["--cache-mb", "0", "--isolate", "all"]),
                 Server("intmk-cache", "intmk-kg serve, cache", serve), flask]
    else:
        found = [Server("intmk", "intmk-kg serve", serve + ["--cache-mb", "0"]),
                 Server("oxigraph", "oxigraph serve", oxigraph, path="/query"), flask]
    for library in args.preload:
        name = Path(library).name.split(".")[0]
        found.append(Server(f"intmk-{name}", f"intmk-kg serve, {name}", serve + ["--cache-mb", "0"],
                            env={"LD_PRELOAD": library}))
        if args.kind == "heavy":
            found.append(Server(f"oxigraph-{name}", f"oxigraph serve, {name}", oxigraph, path="/query",
                                env={"LD_PRELOAD": library}))
    if args.kind == "light" and not args.no_rdflib:
        union = args.work / "union.nt"
        if not union.exists():
            with gzip.open(args.release_dir / "current" / "intmk-kg.nt.gz") as src, union.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        found.append(Server("rdflib", "rdflib-endpoint", [str(Path(args.rdflib_venv) / "bin" / "rdflib-endpoint"),
                                                          "serve", str(union), "--host", "127.0.0.1", "--port",
                                                          "{port}"], path="/"))
    return found


def light_round(server: Server, query: Query, args) -> dict:
    before = cpu_ticks(server.process.pid)
    figure = wrk(query_url(server, query), query.accept, args.connections, args.duration, args.slow)
    settle(server)
    spent = (cpu_ticks(server.process.pid) - before) / TICKS_PER_SECOND
    return {"value": figure["rps"], "cpu_us": spent / max(1, figure["requests"]) * 1e6}


def heavy_round(server: Server, query: Query, args) -> dict:
    began = time.monotonic()
    body = ask(server, query.text, query.accept, args.slow)
    took = time.monotonic() - began
    settle(server)
    return {"value": took if body is not None else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("light", "heavy"))
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True, help="the on-disk store of `intmk-kg build --store`")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3, help="light: seconds of load per (query, server)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--slow", type=float, default=300, help="seconds to wait for one answer")
    parser.add_argument("--preload", action="append", default=[],
                        help="also run intmk-kg serve (and, heavy, the Oxigraph server) with this allocator "
                             "library preloaded; may be repeated")
    parser.add_argument("--rdflib-venv", default="/tmp/rdflib-endpoint-venv")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--busiest", default=None, help="the entity to look up (default: the one with the most triples)")
    args = parser.parse_args()
    args.work = args.work or Path(tempfile.mkdtemp(prefix="intmk-interleaved-"))
    args.work.mkdir(parents=True, exist_ok=True)
    plan = plan_for(args.kind, args.busiest or busiest(args.store))
    servers = servers_for(args)
    measure = light_round if args.kind == "light" else heavy_round
    figures: dict[tuple[str, str], list[dict]] = {}
    try:
        for server in servers:
            server.start(args.work / "servers.log")
            print(f"{server.name}: answering after {server.startup:.1f} s", flush=True)
        for server in servers:  # warm up: caches filled, every worker started
            for query in plan:
                if args.kind == "light":
                    wrk(query_url(server, query), query.accept, args.connections, 1, args.slow)
                else:
                    ask(server, query.text, query.accept, args.slow)
                settle(server)
        for n in range(args.rounds):
            for query in plan:
                for server in servers:
                    figures.setdefault((query.name, server.name), []).append(measure(server, query, args))
            print(f"round {n + 1} of {args.rounds} done", flush=True)
    finally:
        for server in servers:
            server.stop()
    (args.work / f"{args.kind}.json").write_text(json.dumps({f"{q} | {s}": v for (q, s), v in figures.items()}, indent=1))
    report(args, plan, [s.name for s in servers], figures)
    print(f"\nevery round's figures: {args.work / f'{args.kind}.json'}")


def median(rounds: list[dict], key: str) -> float | None:
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if len(values) == len(rounds) else None


def report(args, plan: list[Query], names: list[str], figures: dict) -> None:
    light = args.kind == "light"
    unit = "requests/s" if light else "seconds per answer"
    print(f"\nmedians of {args.rounds} rounds, {unit}" + (f" ({args.duration} s, {args.connections} connections each)"
                                                          if light else " (one request at a time)"))
    others = ("Flask ceiling", "rdflib-endpoint", "intmk-kg serve, all isolated") if light else names[1:]
    print("\n| query | " + " | ".join(names) + " | " + " | ".join(f"/ {o}" for o in others) + " |")
    print("|---|" + "---|" * (len(names) + len(others)))
    for query in plan:
        value = {name: median(figures[(query.name, name)], "value") for name in names if (query.name, name) in figures}
        mine = value.get("intmk-kg serve")

        def ratio(other: str) -> str:
            theirs = value.get(other)
            return "" if mine is None or theirs is None else f"{mine / theirs:.2f}"
        cells = [("" if value.get(n) is None else f"{value[n]:.0f}" if light else f"{value[n]:.3f}") for n in names]
        print(f"| {query.name} | " + " | ".join(cells) + " | " + " | ".join(ratio(o) for o in others) + " |")
    if light:
        print("\nCPU of the server's process tree per request (µs), medians:\n")
        print("| query | " + " | ".join(names) + " | ours / Flask ceiling |")
        print("|---|" + "---|" * (len(names) + 1))
        for query in plan:
            cpu = {name: median(figures[(query.name, name)], "cpu_us") for name in names}
            mine, bare = cpu.get("intmk-kg serve"), cpu.get("Flask ceiling")
            print(f"| {query.name} | " + " | ".join(f"{cpu[n]:.0f}" for n in names) + " | "
                  + (f"{mine / bare:.2f}" if mine and bare else "") + " |")
    else:
        print("\n(ratios of latency: below 1 is faster than the other server)")


if __name__ == "__main__":
    main()

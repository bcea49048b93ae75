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

`--also LABEL=SRC` (repeatable, light) adds intmk-kg serve run from another checkout's `src/` (its
package first on PYTHONPATH, the same venv otherwise), e.g. the code before a change:

    git worktree add /tmp/before <commit>
    .venv/bin/python bench/interleaved.py light ... --also before=/tmp/before/src

`--preload LIB` (repeatable) adds intmk-kg serve (heavy: and the Oxigraph server) with that memory
allocator preloaded, e.g. /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 from Debian's libjemalloc2, to
show what the allocator changes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_compare import BIN, ROOT, TURTLE, Query, Server, ask, busiest, cpu_ticks, queries, query_url, settle, wrk

LIGHT = ("trivial SELECT", "label of one entity", "DESCRIBE one entity")
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")  # the unit of CPU times in /proc/<pid>/stat


def plan_for(kind: str, busy: str, left_out: set[str]) -> list[Query]:
    found = {q.name: q for q in queries(busy)}
    if kind == "light":
        found["DESCRIBE one entity"] = Query("DESCRIBE one entity", f"DESCRIBE <{busy}>", False, TURTLE)
        plan = [found[name] for name in LIGHT]
    else:
        plan = [q for q in found.values() if q.heavy]
    unknown = left_out - {q.name for q in plan}
    if unknown:
        raise SystemExit(f"no such {kind} query: {', '.join(sorted(unknown))}")
    return [q for q in plan if q.name not in left_out]


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
    for also in args.also:
        label, _, src = also.partition("=")
        if not (label and Path(src, "intmk_kg").is_dir()):
            raise SystemExit(f"--also wants LABEL=SRC with SRC/intmk_kg: {also}")
        found.insert(1, Server(f"intmk-{label}", f"intmk-kg serve, {label}", serve + ["--cache-mb", "0"],
                               env={"PYTHONPATH": str(Path(src).resolve())}))
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
    parser.add_argument("--release-dir", type=Path, help="the release (required unless --from-json)")
    parser.add_argument("--store", type=Path, help="its on-disk store of `intmk-kg build --store` (required unless --from-json)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=3, help="light: seconds of load per (query, server)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--slow", type=float, default=300, help="seconds to wait for one answer")
    parser.add_argument("--preload", action="append", default=[],
                        help="also run intmk-kg serve (and, heavy, the Oxigraph server) with this allocator "
                             "library preloaded; may be repeated")
    parser.add_argument("--also", action="append", default=[],
                        help="LABEL=SRC: also run intmk-kg serve from the package in SRC (another checkout's src/); "
                             "may be repeated")
    parser.add_argument("--rdflib-venv", default="/tmp/rdflib-endpoint-venv")
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--busiest", default=None, help="the entity to look up (default: the one with the most triples)")
    parser.add_argument("--leave-out", default="", help="comma-separated names of queries not to ask")
    parser.add_argument("--from-json", type=Path, default=None, help="print the tables of an earlier run's figures")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        report(args.kind, {tuple(key.split(" | ", 1)): rounds for key, rounds in saved.items()})
        return
    if not (args.release_dir and args.store):
        parser.error("--release-dir and --store are required")
    args.work = args.work or Path(tempfile.mkdtemp(prefix="intmk-interleaved-"))
    args.work.mkdir(parents=True, exist_ok=True)
    left_out = {name.strip() for name in args.leave_out.split(",") if name.strip()}
    plan = plan_for(args.kind, args.busiest or busiest(args.store), left_out)
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
    report(args.kind, figures)
    print(f"\nevery round's figures: {args.work / f'{args.kind}.json'}")


def median(rounds: list[dict], key: str) -> float | None:
    values = [r[key] for r in rounds if r.get(key) is not None]
    return statistics.median(values) if values and len(values) == len(rounds) else None


def report(kind: str, figures: dict[tuple[str, str], list[dict]]) -> None:
    light = kind == "light"
    queries = list(dict.fromkeys(q for q, _ in figures))
    names = list(dict.fromkeys(s for _, s in figures))
    rounds = len(next(iter(figures.values())))
    print(f"\nmedians of {rounds} rounds, " + ("requests/s" if light else "seconds per answer, one request at a time"))
    if light:
        pairs = [("intmk-kg serve", o) for o in ("Flask ceiling", "rdflib-endpoint", "intmk-kg serve, all isolated")]
        pairs += [("intmk-kg serve", n) for n in names if n.startswith("intmk-kg serve, ") and n not in (
            "intmk-kg serve, all isolated", "intmk-kg serve, cache")]
    else:  # every intmk-kg variant against the Oxigraph server as shipped, and the framework's ceiling
        pairs = [(n, "oxigraph serve") for n in names if n.startswith("intmk-kg")] + [("intmk-kg serve", "Flask ceiling")]
    pairs = [(a, b) for a, b in pairs if a in names and b in names]
    print("\n| query | " + " | ".join(names) + " | " + " | ".join(f"{a} / {b}" for a, b in pairs) + " |")
    print("|---|" + "---|" * (len(names) + len(pairs)))
    for query in queries:
        value = {name: median(figures[(query, name)], "value") for name in names if (query, name) in figures}

        def ratio(a: str, b: str) -> str:
            mine, theirs = value.get(a), value.get(b)
            if mine is None or theirs is None:
                return ""
            return "∞ (none answered)" if theirs == 0 else f"{mine / theirs:.2f}"
        cells = ["" if value.get(n) is None else f"{value[n]:.0f}" if light else f"{value[n]:.3f}" for n in names]
        print(f"| {query} | " + " | ".join(cells) + " | " + " | ".join(ratio(a, b) for a, b in pairs) + " |")
    if light:
        print("\nCPU time of each server's process tree per request (µs), medians (for a server that finished no "
              "request in a round: all its CPU of that round):\n")
        others = [n for n in names if n.startswith("intmk-kg serve, ") and n not in (
            "intmk-kg serve, all isolated", "intmk-kg serve, cache")]
        print("| query | " + " | ".join(names) + " | intmk-kg serve / Flask ceiling |"
              + "".join(f" intmk-kg serve / {n} |" for n in others))
        print("|---|" + "---|" * (len(names) + 1 + len(others)))
        for query in queries:
            cpu = {name: median(figures[(query, name)], "cpu_us") for name in names}
            mine, bare = cpu.get("intmk-kg serve"), cpu.get("Flask ceiling")
            print(f"| {query} | " + " | ".join("" if cpu[n] is None else f"{cpu[n]:.0f}" for n in names) + " | "
                  + (f"{mine / bare:.2f}" if mine and bare else "") + " |"
                  + "".join(f" {mine / cpu[n]:.2f} |" if mine and cpu.get(n) else " |" for n in others))
    else:
        print("\n(ratios of latency: below 1, intmk-kg serve answered sooner)")


if __name__ == "__main__":
    main()

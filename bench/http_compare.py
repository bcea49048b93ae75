"""intmk-kg serve beside the Oxigraph server, rdflib-endpoint and a bare Flask app (the framework's
ceiling), on the same data with the same queries, loaded by wrk on loopback; prints requests/s,
p50/p99 latency, memory, start-up time and the ratios the targets speak of.

    .venv/bin/python bench/http_compare.py --release-dir dist --label real
    .venv/bin/python bench/http_compare.py --release-dir /tmp/dist1m --store /tmp/store1m --label 1M

Needs wrk (Debian), `oxigraph` (the server, in the test extra) and rdflib-endpoint in a venv of its
own, never in ours (skip it with --no-rdflib):

    python3 -m venv /tmp/rdflib-endpoint-venv && /tmp/rdflib-endpoint-venv/bin/pip install rdflib-endpoint uvicorn

Same data: the Oxigraph server, the Flask app and `intmk-kg serve --store` open the same on-disk
store (for the project's own graph, `intmk-kg build --store` makes one in --work); rdflib-endpoint parses the release's union
dump (intmk-kg.nt.gz). Same queries: each is asked of every server first and the answers compared
(rows, or triples of a DESCRIBE); a difference is printed beside the figures. The servers run one
after the other, never side by side, because they would share the machine's cores with each other
and with wrk. Each (server, query) is measured for --duration seconds with --connections
connections; heavy (engine-bound) queries also with one connection, whose latency is the engine's
plus the server's own overhead and not time spent queueing. A query a server cannot answer within
--slow seconds is reported as such and that server is restarted (nothing else can stop it).
Where a margin is small, bench/interleaved.py measures the servers side by side, round by round.

intmk-kg runs three times: with --cache-mb 0, so every request reaches the engine; with its response
cache, where wrk's repeated identical request is answered from memory after the first; and with
--isolate all --cache-mb 0, where even the light queries take the trip to a query process.
Memory is the proportional set size (PSS: shared pages divided among the processes sharing them)
of the server's process tree, the largest seen while it was measured; RSS would count the store
shared by the workers once per worker.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests"))
from support import free_port  # noqa: E402

PREFIXES = ("PREFIX intmk: <https://w3id.org/intmk/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n")
JSON_RESULTS = "application/sparql-results+json"
TURTLE = "text/turtle"
WARM_UP_S = 2  # seconds of load, not counted, before each light query is measured
WARM_UP_BELOW_S = 0.5
CONCURRENT_BELOW_S = 2  # a query slower than this alone is measured with one connection only (8 at once
                        # on 2 cores would only queue, and keep running long after wrk has stopped)


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    heavy: bool  # engine-bound: compared by latency with the Oxigraph server
    accept: str = JSON_RESULTS
    deterministic: bool = True  # the same rows from every engine


def queries(busy: str) -> list[Query]:
    canned = {name: (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
              for name in ("chair-of-21st", "chair-history", "labour-market-resolutions")}
    return [
        Query("trivial SELECT", "SELECT * WHERE { ?s ?p ?o } LIMIT 1", False, deterministic=False),
        Query("label of one entity", PREFIXES + f"SELECT ?l WHERE {{ <{busy}> rdfs:label ?l }}", False),
        Query("canned: chair-of-21st", canned["chair-of-21st"], False),
        Query("canned: chair-history", canned["chair-history"], True),
        Query("canned: labour-market-resolutions", canned["labour-market-resolutions"], True),
        Query("aggregate over all resolutions", PREFIXES + "SELECT ?outcome (COUNT(?r) AS ?n) WHERE { "
              "?r a/rdfs:subClassOf* intmk:Resolution ; intmk:votingOutcome ?outcome } GROUP BY ?outcome ORDER BY ?outcome",
              True),
        Query("property path: same series", PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { "
              "?c intmk:partOfSeries/^intmk:partOfSeries ?other }", True),
        Query("DESCRIBE the busiest entity", f"DESCRIBE <{busy}>", True, TURTLE),
    ]


# --- servers ------------------------------------------------------------------------------------------


@dataclass
class Server:
    key: str  # for --only
    name: str
    command: list[str]
    path: str = "/sparql"  # the query endpoint's path
    env: dict = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen | None = None
    startup: float = 0.0
    memory: dict = field(default_factory=lambda: {"pss": 0, "rss": 0})

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self, log: Path) -> None:
        self.port = free_port()
        command = [part.replace("{port}", str(self.port)) for part in self.command]
        began = time.monotonic()
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                            env={**os.environ, **self.env}, start_new_session=True)
        deadline = began + 3600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {log}")
            if ask(self, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", JSON_RESULTS, 5) is not None:
                self.startup = time.monotonic() - began
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within an hour; see {log}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def ask(server: Server, text: str, accept: str, timeout: float) -> bytes | None:
    url = server.endpoint + "?" + urllib.parse.urlencode({"query": text})
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=timeout) as r:
            return r.read() if r.status == 200 else None
    except (OSError, urllib.error.HTTPError):
        return None


def tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def cpu_ticks(pid: int) -> int:
    """User and system clock ticks used so far by the process tree."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def settle(server: "Server", most: float = 300) -> None:
    """Wait until the server is idle: wrk stops sending, but abandoned slow requests go on running."""
    deadline = time.monotonic() + most
    while time.monotonic() < deadline:
        before = cpu_ticks(server.process.pid)
        time.sleep(0.5)
        if cpu_ticks(server.process.pid) - before <= 5:  # under a tenth of a core
            return


def memory(pid: int) -> dict:
    """PSS and RSS in bytes, summed over the process tree."""
    total = {"pss": 0, "rss": 0}
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key in ("Pss", "Rss"):
                        total[key.lower()] += int(value.split()[0]) * 1024
        except OSError:
            pass
    return total


class Sampler:
    """The largest memory of a server's tree while it runs, sampled twice a second."""

    def __init__(self, server: Server):
        self.server, self.done = server, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.done.wait(0.5):
            now = memory(self.server.process.pid)
            for key in now:
                self.server.memory[key] = max(self.server.memory[key], now[key])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()


# --- wrk -----------------------------------------------------------------------------------------------

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk(url: str, accept: str, connections: int, duration: int, timeout: float) -> dict:
    """requests/s, p50 and p99 in ms, and failed requests (socket errors and non-2xx answers)."""
    out = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s",
                          f"--timeout={int(timeout)}s", "--latency", "-H", f"Accept: {accept}", url],
                         capture_output=True, text=True, check=True).stdout
    percent = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    done = int(re.search(r"(\d+) requests in", out).group(1))
    if done and len(percent) < 2:
        raise RuntimeError(f"cannot read wrk's latency distribution:\n{out}")
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "requests": done,
            "p50": to_ms(percent["50"]) if done else None, "p99": to_ms(percent["99"]) if done else None,
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def query_url(server: Server, query: Query) -> str:
    return server.endpoint + "?" + urllib.parse.urlencode({"query": query.text})


def answer_key(body: bytes | None, accept: str, ordered: bool = True) -> str:
    """What must be equal between servers: the rows (in any order) or the number of triples."""
    if body is None:
        return "no answer"
    if accept == TURTLE:  # rdflib-endpoint sends RDF/XML whatever is asked
        syntax = ox.RdfFormat.RDF_XML if body.lstrip().startswith(b"<?xml") else ox.RdfFormat.TURTLE
        return f"{sum(1 for _ in ox.parse(body, format=syntax))} triples"
    document = json.loads(body)
    rows = sorted(json.dumps({k: v["value"] for k, v in b.items()}, sort_keys=True) for b in document["results"]["bindings"])
    if not ordered:  # LIMIT without ORDER BY: any rows will do, so only their number must agree
        return f"{len(rows)} rows"
    return f"{len(rows)} rows #{hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:6]}"


# --- the run -----------------------------------------------------------------------------------------


def make_store(work: Path) -> tuple[Path, Path]:
    """The project's release with an on-disk store, built by the command line into `work`."""
    out, store = work / "dist", work / "store"
    subprocess.run([str(BIN / "intmk-kg"), "build", "--out", str(out), "--store", str(store), "--quiet"], check=True)
    return out, store


def busiest(store: Path) -> str:
    """The entity under id/ with the most triples about it (as subject): the DESCRIBE and page target."""
    s = ox.Store.read_only(str(store))
    rows = s.query("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/intmk/id/')) } "
                   "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    return next(iter(rows))["s"].value


def servers(args, store: Path, work: Path) -> list[Server]:
    serve = [str(BIN / "intmk-kg"), "serve", "--port", "{port}", "--release-dir", str(args.release_dir),
             "--store", str(store), "--workers", str(args.workers), "--timeout", str(args.slow)]
    found = [
        Server("intmk", "intmk-kg serve", serve + ["--cache-mb", "0"]),
        Server("intmk-cache", "intmk-kg serve, cache", serve),
        Server("intmk-isolated", "intmk-kg serve, all isolated", serve + ["--cache-mb", "0", "--isolate", "all"]),
        Server("oxigraph", "oxigraph serve", [str(BIN / "oxigraph"), "serve-read-only", "--location", str(store),
                                  "--bind", "127.0.0.1:{port}"], path="/query"),
        Server("flask", "Flask ceiling", [sys.executable, str(ROOT / "bench" / "flask_ceiling.py"), "--store", str(store),
                                 "--port", "{port}", "--workers", str(args.workers)]),
    ]
    if args.memory_serve:
        in_memory = [part for part in serve if part not in ("--store", str(store))]
        found.append(Server("intmk-memory", "intmk-kg serve, in memory", in_memory + ["--cache-mb", "0"]))
    if not args.no_rdflib:
        union = work / "union.nt"
        if not union.exists():
            with gzip.open(args.release_dir / "current" / "intmk-kg.nt.gz") as src, union.open("wb") as dst:
                shutil.copyfileobj(src, dst)
        found.append(Server("rdflib", "rdflib-endpoint", [str(Path(args.rdflib_venv) / "bin" / "rdflib-endpoint"), "serve",
                                                          str(union), "--host", "127.0.0.1", "--port", "{port}"], path="/"))
    return found


def measure(server: Server, plan: list[Query], args, log: Path) -> dict:
    print(f"\n## {server.name}", flush=True)
    server.start(log)
    print(f"answering after {server.startup:.1f} s", flush=True)
    figures: dict = {"startup_s": server.startup, "queries": {}}
    with Sampler(server):
        for query in plan:
            began = time.monotonic()
            body = ask(server, query.text, query.accept, args.slow)
            single = time.monotonic() - began
            entry: dict = {"answer": answer_key(body, query.accept, query.deterministic), "first_s": single}
            if body is None:
                print(f"{query.name}: no answer within {args.slow:g} s; restarting", flush=True)
                server.stop()
                server.start(log)
            else:
                if single < WARM_UP_BELOW_S:  # a fresh server's first seconds (workers still starting, caches cold)
                    wrk(query_url(server, query), query.accept, args.connections, WARM_UP_S, args.slow)
                if query.heavy and not server.name.endswith("cache"):
                    entry["c1"] = wrk(query_url(server, query), query.accept, 1, args.duration, args.slow)
                    settle(server)
                if single < CONCURRENT_BELOW_S or server.name.endswith("cache"):
                    entry["cN"] = wrk(query_url(server, query), query.accept, args.connections, args.duration, args.slow)
                    settle(server)
                print(f"{query.name}: {entry['answer']}; " + "; ".join(
                    f"{k}: {v['rps']:.1f} req/s p50 {v['p50']} ms p99 {v['p99']} ms errors {v['errors']}"
                    for k, v in entry.items() if k in ("c1", "cN")), flush=True)
            figures["queries"][query.name] = entry
    figures["memory"] = dict(server.memory)
    server.stop()
    return figures


def extras(args, store: Path, busy: str, log: Path) -> dict:
    """intmk-kg only: the busiest entity's page, reconciliation and suggest (first request, then warm) and dump downloads."""
    server = Server("extras", "intmk-kg serve", [str(BIN / "intmk-kg"), "serve", "--port", "{port}", "--release-dir",
                                       str(args.release_dir), "--store", str(store), "--workers", str(args.workers)])
    print("\n## intmk-kg serve: pages, reconciliation, dumps", flush=True)
    server.start(log)
    base = f"http://127.0.0.1:{server.port}/"
    found: dict = {"startup_s": server.startup}
    label_query = PREFIXES + f"SELECT ?l WHERE {{ <{busy}> rdfs:label ?l FILTER(LANG(?l) = 'de') }}"
    label = json.loads(ask(server, label_query, JSON_RESULTS, 60))["results"]["bindings"][0]["l"]["value"]
    reconcile = "reconcile?" + urllib.parse.urlencode({"queries": json.dumps({"q0": {"query": label}})})
    suggest = "reconcile/suggest/entity?" + urllib.parse.urlencode({"prefix": label[:7]})
    with Sampler(server):
        for name, path, accept in (("entity page (HTML)", busy.replace("https://w3id.org/intmk/id/", "doc/"), "text/html"),
                                   ("reconciliation", reconcile, "application/json"),
                                   ("suggest", suggest, "application/json")):
            began = time.monotonic()
            with urllib.request.urlopen(base + path, timeout=3600) as r:
                r.read()
            found[name] = {"first_s": time.monotonic() - began, **wrk(base + path, accept, args.connections,
                                                                        args.duration, args.slow)}
            print(f"{name}: first {found[name]['first_s']:.2f} s; {found[name]['rps']:.1f} req/s "
                  f"p50 {found[name]['p50']} ms p99 {found[name]['p99']} ms errors {found[name]['errors']}", flush=True)
        idle = memory(server.process.pid)
        for name in ("intmk-kg.nq.gz", "intmk-kg.ttl"):
            server.memory = {"pss": 0, "rss": 0}
            began = time.monotonic()
            request = urllib.request.Request(base + "dumps/" + name, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=3600) as r:
                size = sum(len(chunk) for chunk in iter(lambda: r.read(1 << 20), b""))
            took = time.monotonic() - began
            time.sleep(1)  # one more sample
            gain = max(0, server.memory["rss"] - idle["rss"])
            found[f"dump {name}"] = {"bytes": size, "seconds": took, "rss_idle": idle["rss"], "rss_gain": gain}
            print(f"dump {name}: {size / 1e6:.1f} MB in {took:.2f} s; server RSS {idle['rss'] / 1e6:.0f} MB idle, "
                  f"+{gain / 1e6:.1f} MB at most while sending", flush=True)
    found["memory"] = dict(server.memory)
    server.stop()
    return found


def latency_ms(entry: dict) -> float | None:
    """One connection's p50, or the single first answer's time when no request finished within the run."""
    if entry.get("c1") and entry["c1"]["requests"]:
        return entry["c1"]["p50"]
    if entry.get("answer") not in (None, "no answer") and entry.get("first_s"):
        return entry["first_s"] * 1000
    return None


def report(results: dict, plan: list[Query], label: str) -> None:
    names = list(results["servers"])
    print(f"\n# {label}: requests/s, p50 / p99 ms ({results['connections']} connections; heavy queries also 1 connection)\n")
    print("| query | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for q in plan:
        cells = []
        for n in names:
            entry = results["servers"][n]["queries"].get(q.name, {})
            parts = [f"{entry[k]['rps']:.0f}/s {entry[k]['p50']:.1f}/{entry[k]['p99']:.1f}" + (" (1 conn.)" if k == "c1" else "")
                     for k in ("cN", "c1") if entry.get(k) and entry[k]["requests"]]
            if not parts and entry.get("answer") not in (None, "no answer"):
                parts = [f"one answer: {entry['first_s']:.1f} s"]
            cells.append("<br>".join(parts) or f"> {results['slow']:g} s")
        answers = {results["servers"][n]["queries"].get(q.name, {}).get("answer") for n in names} - {"no answer", None}
        flag = "" if len(answers) <= 1 else " **answers differ**"
        print(f"| {q.name}{' (heavy)' if q.heavy else ''}{flag} | " + " | ".join(cells) + " |")
    print("| start-up (s) | " + " | ".join(f"{results['servers'][n]['startup_s']:.1f}" for n in names) + " |")
    print("| memory, PSS (MB) | " + " | ".join(f"{results['servers'][n]['memory']['pss'] / 1e6:.0f}" for n in names) + " |")

    ours = results["servers"].get("intmk-kg serve", {}).get("queries", {})
    print("\nratios (intmk-kg serve without cache unless said):")
    for q in plan:
        mine = ours.get(q.name, {})
        line = []
        for other, key, what in (("oxigraph serve", "c1", "latency p50 / Oxigraph"),
                                 ("rdflib-endpoint", "cN", "throughput / rdflib-endpoint"),
                                 ("Flask ceiling", "cN", "throughput / Flask ceiling")):
            theirs = results["servers"].get(other, {}).get("queries", {}).get(q.name, {})
            if q.heavy and key == "c1" and latency_ms(mine) and latency_ms(theirs):
                line.append(f"{what} {latency_ms(mine) / latency_ms(theirs):.2f}")
            elif key == "cN" and mine.get("cN") and theirs.get("cN") and theirs["cN"]["rps"] and mine["cN"]["rps"]:
                line.append(f"{what} {mine['cN']['rps'] / theirs['cN']['rps']:.2f}")
            elif key == "cN" and mine.get("cN") and other in results["servers"] and not theirs.get("cN"):
                line.append(f"{what}: it gave no answer within {results['slow']:g} s")
        cached = results["servers"].get("intmk-kg serve, cache", {}).get("queries", {}).get(q.name, {})
        if cached.get("cN") and mine.get("cN") and mine["cN"]["rps"]:
            line.append(f"cache / no cache {cached['cN']['rps'] / mine['cN']['rps']:.1f}x")
        isolated = results["servers"].get("intmk-kg serve, all isolated", {}).get("queries", {}).get(q.name, {})
        if isolated.get("cN") and isolated["cN"]["rps"] and mine.get("cN"):
            line.append(f"default / all isolated {mine['cN']['rps'] / isolated['cN']['rps']:.2f}x")
        print(f"- {q.name}: " + "; ".join(line))


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
    versions = {}
    for name in ("pyoxigraph", "oxigraph", "Flask", "gunicorn", "SPARQLWrapper"):
        try:
            from importlib.metadata import version
            versions[name] = version(name)
        except Exception:  # noqa: BLE001 (a missing package is reported as missing)
            versions[name] = "missing"
    versions["wrk"] = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / 1024 / 1024, 1), "python": platform.python_version(),
            "kernel": platform.release(), "versions": versions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release-dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--store", type=Path, default=None,
                        help="the release's on-disk store (for the project's dist/, made in --work if not given)")
    parser.add_argument("--label", default="real graph")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers of intmk-kg and the Flask app")
    parser.add_argument("--slow", type=float, default=60, help="seconds after which a query counts as unanswered")
    parser.add_argument("--rdflib-venv", default="/tmp/rdflib-endpoint-venv")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out (it parses the whole dump)")
    parser.add_argument("--memory-serve", action="store_true", help="also intmk-kg serve with the release loaded in memory")
    parser.add_argument("--only", default=None,
                        help="comma-separated: intmk, intmk-cache, intmk-isolated, oxigraph, flask, intmk-memory, rdflib, extras (default: all)")
    parser.add_argument("--leave-out", default="", help="comma-separated names of queries not to ask (e.g. those a "
                        "server is known not to answer within --slow: each costs a restart)")
    parser.add_argument("--work", type=Path, default=None, help="folder for logs and made files (default: a temporary one)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--busiest", default=None, help="the entity to DESCRIBE and to show (default: the one with "
                        "the most triples, found by a GROUP BY over the store: minutes at 10M)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="intmk-http-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.store is None:
        if args.release_dir.resolve() != (ROOT / "dist").resolve():
            parser.error("--store is required with another --release-dir (build it with `intmk-kg build --store`)")
        args.release_dir, args.store = make_store(work)
    store = args.store
    busy = args.busiest or busiest(store)
    left_out = {name.strip() for name in args.leave_out.split(",") if name.strip()}
    unknown = left_out - {q.name for q in queries(busy)}
    if unknown:
        parser.error(f"no such query: {', '.join(sorted(unknown))}")
    plan = [q for q in queries(busy) if q.name not in left_out]
    results = {"label": args.label, "machine": machine(), "connections": args.connections, "duration": args.duration,
               "slow": args.slow, "busiest": busy, "queries": [asdict(q) for q in plan], "servers": {}}
    print(json.dumps(results["machine"]), f"\nbusiest entity: {busy}", flush=True)
    chosen = set(args.only.split(",")) if args.only else None
    for server in servers(args, store, work):
        if chosen and server.key not in chosen:
            continue
        try:
            results["servers"][server.name] = measure(server, plan, args, work / "servers.log")
        finally:
            server.stop()
    if not chosen or "extras" in chosen:
        results["intmk-kg extras"] = extras(args, store, busy, work / "servers.log")
    if args.json:  # before the report, so that no figure is lost to a fault in printing it
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    report(results, plan, args.label)


if __name__ == "__main__":
    main()

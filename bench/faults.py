"""Faults, survived: killed builds, killed query processes and web workers, damaged releases, a full disk,
crash queries beside keep-alive connections, runaway queries beyond the admission queue.

    .venv/bin/python bench/faults.py [--runs 10] [--seed 1] [--processes-only]

Each scenario runs the real programs (`intmk-kg build` and `intmk-kg serve` as subprocesses) and
checks the promise after the fault: `current` points at a complete release whose files match
their SHA-256, a server started on it answers, a damaged release stops `serve` with a clear
error, and a killed query or worker costs that one request only. tests/test_faults.py runs the
same functions with 2-3 runs each; this script runs them longer and prints one line per scenario.
Needs root for the full-disk scenario (a small tmpfs); without it, a file-size limit on the build
process (RLIMIT_FSIZE) stands in for the full disk.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from intmk_kg.release import damage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import children, descendants, free_port  # noqa: E402  (the test suite's helpers, so both agree)

INTMK_KG = str(Path(sys.executable).with_name("intmk-kg"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SMALL = "ASK { ?s ?p ?o }"
CRASH = "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"  # 10 kB; the engine's parser ends its process
PAGE = "doc/state/DE-NI"


# --- helpers ----------------------------------------------------------------------------------------


def minimal_project(folder: Path) -> Path:
    """A small conforming project (tests/fixtures/projects/minimal with this checkout's ontology and
    shapes): its release differs from the full project's, so it can stand as the previous release."""
    home = folder / "minimal"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "minimal", home)
    (home / "ontology").mkdir()
    (home / "shapes").symlink_to(ROOT / "shapes")
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        (home / "ontology" / path.name).symlink_to(path)
    return home


def build(home: Path, out: Path, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([INTMK_KG, "build", "--home", str(home), "--out", str(out)], capture_output=True,
                          text=True, timeout=600, **popen)


def timed_build(out: Path) -> tuple[float, float]:
    """Seconds a full build of the project takes, and after how many it starts writing the release."""
    started = time.monotonic()
    process = subprocess.Popen([INTMK_KG, "build", "--home", str(ROOT), "--out", str(out), "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = None
    while process.poll() is None:
        if writing is None and list((out / "releases").glob(".*.tmp-*")):
            writing = time.monotonic() - started
        time.sleep(0.005)
    full = time.monotonic() - started
    assert process.returncode == 0 and writing is not None
    shutil.rmtree(out)
    return full, writing


def current_version(out: Path) -> str:
    """The version `current` points at, after checking that release is complete and intact."""
    folder = (out / "current").resolve(strict=True)
    if folder.parent != (out / "releases").resolve() or folder.name.startswith("."):
        raise AssertionError(f"current points at {folder}, not at a published release")
    problems = damage(folder)
    if problems:
        raise AssertionError(f"current release {folder.name} is damaged: {[str(p) for p in problems]}")
    return json.loads((folder / "release.json").read_text(encoding="utf-8"))["version"]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.unlink(missing_ok=True)


def serve(release_dir: Path, *options: str, wait: float = 120) -> Server:
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="serve-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen([INTMK_KG, "serve", "--port", str(port), "--release-dir", str(release_dir), *options],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(f"http://127.0.0.1:{port}/", process, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}: {log.read_text()}")
        if ask(server, SMALL, timeout=5) == (200, True):
            return server
        time.sleep(0.2)
    server.stop()
    raise AssertionError(f"serve did not answer within {wait} s")


def ask(server, query: str, timeout: float = 60) -> tuple[int | str, object]:
    """(status, boolean or message) of a POSTed query; a dropped connection is ("dropped", error)."""
    request = urllib.request.Request(server.url + "sparql", data=query.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read()).get("boolean")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (http.client.HTTPException, ConnectionError, OSError) as e:
        return "dropped", repr(e)


def state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def busy_query_process(server, wait: float = 60) -> tuple[int, int]:
    """(web worker, query process) of the query process running a query now."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        for worker in children(server.process.pid):
            for proc in descendants(worker):  # the worker's fork server and the query processes it forked
                if state(proc) == "R":
                    return worker, proc
        time.sleep(0.05)
    raise AssertionError("no query process started running the query")


def in_background(server, query: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.update(reply=ask(server, query, timeout=120)))
    thread.start()
    return thread, outcome


def first_success(server, wait: float = 60) -> float:
    """Seconds until a small query is answered again."""
    started = time.monotonic()
    while time.monotonic() - started < wait:
        if ask(server, SMALL, timeout=10) == (200, True):
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"no answer within {wait} s")


# --- scenarios --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    name: str
    runs: int = 0
    survived: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{self.name}: {self.survived}/{self.runs} survived" + (f" ({'; '.join(self.notes)})" if self.notes else "")


def killed_builds(workdir: Path, runs: int, seed: int, writing_only: bool = False) -> Outcome:
    """SIGKILL `intmk-kg build` after a random delay; `current` must stay a complete release.

    The delay is uniform over a whole build, or with `writing_only` over the part that writes the
    release (from the appearance of its temporary folder to the end), where a kill can do harm.
    """
    rng = random.Random(seed)
    out = workdir / "dist"
    assert build(minimal_project(workdir), out).returncode == 0
    old = current_version(out)
    full, writing = timed_build(workdir / "scratch")
    low = writing if writing_only else 0.0
    outcome = Outcome("kill -9 of intmk-kg build at random points" + (" while it writes" if writing_only else ""))
    for _ in range(runs):
        delay = rng.uniform(low, full)
        process = subprocess.Popen([INTMK_KG, "build", "--home", str(ROOT), "--out", str(out), "--quiet"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        version = current_version(out)  # raises if current is not a complete, intact release
        outcome.runs += 1
        outcome.survived += 1
        outcome.notes.append(f"{delay:.2f}s -> {'previous' if version == old else 'new'}")
    server = serve(out)
    try:
        status, answer = ask(server, SMALL)
        assert (status, answer) == (200, True)
    finally:
        server.stop()
    finished = build(ROOT, out)
    assert finished.returncode == 0, finished.stderr
    assert current_version(out) != old
    assert not list((out / "releases").glob(".*.tmp-*")), "a killed build's temporary folder was not cleaned up"
    outcome.notes = [f"build {full:.1f}s, writing from {writing:.1f}s", *outcome.notes]
    return outcome


def killed_query_processes(server, runs: int) -> Outcome:
    """SIGKILL the process running a query: that request gets 503, the next one an answer."""
    outcome = Outcome("kill -9 of a query process mid-query")
    for _ in range(runs):
        thread, result = in_background(server, RUNAWAY)
        _, proc = busy_query_process(server)
        os.kill(proc, signal.SIGKILL)
        thread.join(120)
        status, message = result["reply"]
        assert status == 503 and "stopped before it answered" in message, (status, message)
        assert ask(server, SMALL) == (200, True)
        outcome.runs += 1
        outcome.survived += 1
    return outcome


def killed_web_workers(server, runs: int) -> Outcome:
    """SIGKILL a gunicorn worker mid-query: its connection drops (no process is left to answer it),
    its query processes die with it, gunicorn starts a new worker and the next request is answered."""
    outcome = Outcome("kill -9 of a web worker mid-query")
    for _ in range(runs):
        thread, result = in_background(server, RUNAWAY)
        worker, _ = busy_query_process(server)
        orphans = descendants(worker)
        os.kill(worker, signal.SIGKILL)
        thread.join(120)
        status, _ = result["reply"]
        assert status == "dropped" or (isinstance(status, int) and status >= 500), status
        recovered = first_success(server)
        deadline = time.monotonic() + 10
        while any(state(p) not in ("gone", "Z") for p in orphans) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(state(p) in ("gone", "Z") for p in orphans), "query processes outlived their worker"
        outcome.runs += 1
        outcome.survived += 1
        outcome.notes.append(f"answered again after {recovered:.1f}s")
    return outcome


def _exchange(sock: socket.socket, method: str, path: str, body: bytes = b"") -> int:
    """One HTTP/1.1 request on a kept-alive connection; its status (the body is read)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}",
            "Content-Type: application/sparql-query"]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    return response.status


def _closed_after(sock: socket.socket, started: float, wait: float) -> float | None:
    """Seconds from `started` until the server closed the connection; None if not within `wait`."""
    sock.settimeout(max(0.01, started + wait - time.monotonic()))
    try:
        data = sock.recv(1)
    except TimeoutError:
        return None
    except OSError:
        data = b""
    finally:
        sock.close()
    return time.monotonic() - started if data == b"" else None


def crash_beside_keep_alive(server, runs: int, idle: int = 20, wait: float = 8) -> Outcome:
    """A crash query (its query process dies and is replaced) while `idle` keep-alive connections are
    open: every connection, the crash query's own included, is closed at the keep-alive time (2 s)."""
    outcome = Outcome(f"crash query beside {idle} keep-alive connections")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    slowest = 0.0
    for _ in range(runs):
        socks = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(idle + 1)]
        for sock in socks[1:]:
            assert _exchange(sock, "GET", "/sparql?" + urllib.parse.urlencode({"query": SMALL})) == 200
        assert _exchange(socks[0], "POST", "/sparql", CRASH.encode()) == 503
        started = time.monotonic()
        closed = [_closed_after(sock, started, wait) for sock in socks]
        outcome.runs += 1
        if all(c is not None for c in closed):
            outcome.survived += 1
            slowest = max(slowest, *closed)
        else:
            outcome.notes.append(f"{sum(c is None for c in closed)} of {len(socks)} still open after {wait:g} s")
        assert ask(server, SMALL) == (200, True)
    outcome.notes.insert(0, f"all closed within {slowest:.1f} s of the 503")
    return outcome


def runaway_overflow(server, clients: int, duration: float, page_limit: float = 3) -> Outcome:
    """`clients` clients send the runaway query for `duration` s; beyond the processes and their queue
    they get 503 at once with Retry-After, and a page asked every 0.5 s is answered within `page_limit` s."""
    outcome = Outcome(f"{clients} runaway clients for {duration:g} s beside a page probe")
    until = time.monotonic() + duration
    refused: list[float] = []
    others: dict[str, int] = {}

    def flood() -> None:
        while time.monotonic() < until:
            started = time.monotonic()
            status, message = ask(server, RUNAWAY, timeout=120)
            if status == 503 and "are busy" in str(message):
                refused.append(time.monotonic() - started)
            else:
                others[str(status)] = others.get(str(status), 0) + 1

    threads = [threading.Thread(target=flood) for _ in range(clients)]
    for thread in threads:
        thread.start()
    probes: list[tuple[int | str, float]] = []
    time.sleep(1)
    while time.monotonic() < until:
        started = time.monotonic()
        request = urllib.request.Request(server.url + PAGE, headers={"Accept": "text/html"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                probes.append((response.status, time.monotonic() - started))
        except (urllib.error.URLError, OSError) as e:
            probes.append((repr(e), time.monotonic() - started))
        time.sleep(0.5)
    for thread in threads:
        thread.join(180)
    slowest = max(seconds for _, seconds in probes)
    outcome.runs = 1
    if all(status == 200 for status, _ in probes) and slowest < page_limit and refused:
        outcome.survived = 1
    refused.sort()
    outcome.notes = [f"page {len(probes)}/{len(probes)} answered, max {slowest:.2f} s" if outcome.survived
                     else f"page probes {probes}",
                     f"{len(refused)} refused at once (median {refused[len(refused) // 2] if refused else 0:.3f} s)",
                     f"admitted: {others}"]
    return outcome


DAMAGES = {
    "truncated N-Quads dump": ("intmk-kg.nq.gz", lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
                               "does not match its size and SHA-256"),
    "one byte changed in the ontology": ("ontology.ttl", lambda p: p.write_bytes(
        (lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:])(p.read_bytes())), "does not match its size and SHA-256"),
    "VoID file deleted": ("void.ttl", lambda p: p.unlink(), "is missing"),
    "manifest not JSON": ("release.json", lambda p: p.write_text("{not json", encoding="utf-8"),
                          "no readable release manifest"),
    "manifest without files": ("release.json", lambda p: p.write_text('{"version": "x"}', encoding="utf-8"),
                               "no readable release manifest"),
}


def damaged_releases(release: Path, workdir: Path) -> Outcome:
    """A damaged release folder stops `serve` at start with a message naming the file; no traceback."""
    outcome = Outcome("damaged release at start")
    for name, (filename, spoil, message) in DAMAGES.items():
        folder = workdir / name.replace(" ", "-")
        shutil.copytree(release, folder)
        spoil(folder / filename)
        result = subprocess.run([INTMK_KG, "serve", "--port", str(free_port()), "--release-dir", str(folder)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (name, result.returncode, result.stderr)
        assert message in result.stderr and filename in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr, (name, result.stderr)
        outcome.runs += 1
        outcome.survived += 1
    return outcome


def full_disk(workdir: Path) -> Outcome:
    """A build that runs out of space ends with a clear error; the previous release stays current.

    As root: a tmpfs just larger than the previous release. Otherwise RLIMIT_FSIZE on the build
    process, so that writing a dump fails the way a full disk fails it (EFBIG instead of ENOSPC).
    """
    mount = workdir / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
                             capture_output=True).returncode == 0
    outcome = Outcome("full disk during build" + (" (tmpfs)" if mounted else " (RLIMIT_FSIZE)"))
    try:
        out = mount / "dist"
        assert build(minimal_project(workdir), out).returncode == 0
        old = current_version(out)
        if mounted:
            used = os.statvfs(mount)
            used_bytes = (used.f_blocks - used.f_bfree) * used.f_frsize
            subprocess.run(["mount", "-o", f"remount,size={used_bytes + 256 * 1024}", str(mount)], check=True)
            result = build(ROOT, out)
        else:
            limit = 128 * 1024
            result = build(ROOT, out, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
        assert result.returncode == 2, (result.returncode, result.stderr)
        assert "cannot write the release" in result.stderr and "previous release is still current" in result.stderr
        assert "Traceback" not in result.stderr
        assert current_version(out) == old
        assert not list((out / "releases").glob(".*.tmp-*")), "the failed build left its temporary folder"
        outcome.runs += 1
        outcome.survived += 1
        outcome.notes.append(result.stderr.strip().splitlines()[-1])
    finally:
        if mounted:
            subprocess.run(["umount", str(mount)], check=True)
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each kill scenario")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random kill delays")
    parser.add_argument("--processes-only", action="store_true",
                        help="only the crash query beside keep-alive connections and the runaway overflow (a minute)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intmk-faults-") as tmp:
        workdir = Path(tmp)
        release_out = workdir / "release"
        if not args.processes_only:
            print(killed_builds(workdir / "builds", args.runs, args.seed).line(), flush=True)
            print(killed_builds(workdir / "writing", args.runs, args.seed, writing_only=True).line(), flush=True)
        assert build(ROOT, release_out).returncode == 0
        if not args.processes_only:
            print(damaged_releases((release_out / "current").resolve(), workdir / "damaged").line(), flush=True)
            print(full_disk(workdir).line(), flush=True)
        server = serve(release_out, "--workers", "2", "--query-processes", "2", "--timeout", "30")
        try:
            if not args.processes_only:
                print(killed_query_processes(server, args.runs).line(), flush=True)
                print(killed_web_workers(server, args.runs).line(), flush=True)
            print(crash_beside_keep_alive(server, args.runs).line(), flush=True)
        finally:
            server.stop()
        server = serve(release_out, "--workers", "1", "--query-processes", "2", "--timeout", "6")
        try:
            print(runaway_overflow(server, clients=32, duration=20).line(), flush=True)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

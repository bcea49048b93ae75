"""Attacks of the security report of 2026-12-01, replayed against a real server, each bounded in time.

    .venv/bin/python bench/attacks.py [--seconds 15] [--only NAME ...]

Each scenario starts `intmk-kg serve` on the project's release (and Debian's nginx with
deploy/nginx.conf where the attack went through it), runs the attack for a bounded time while a
probe asks for an entity page every 0.5 s, and prints one line: what was sent, what the attackers
got, and what the probe got. docs/reliability.md keeps the figures of one run.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from faults import build, serve  # noqa: E402  (the fault scenarios' helpers: one way to start a server)
from support import free_port  # noqa: E402

PROBE_PATH = "doc/state/DE-NI"


class Probe:
    """A client asking for one page every 0.5 s with a 10 s timeout, as an ordinary reader would."""

    def __init__(self, url: str):
        self.url = url
        self.times: list[float] = []
        self.failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Probe":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(15)

    def _run(self) -> None:
        while not self._stop.is_set():
            begun = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + PROBE_PATH, timeout=10) as response:
                    response.read()
                self.times.append(time.monotonic() - begun)
            except (OSError, urllib.error.URLError):
                self.failures += 1
            self._stop.wait(0.5)

    def summary(self) -> str:
        if not self.times:
            return f"probe: 0 answered, {self.failures} failed"
        return (f"probe: {len(self.times)} answered, {self.failures} failed, median {statistics.median(self.times) * 1000:.0f} ms, "
                f"max {max(self.times) * 1000:.0f} ms")


def slow_clients(url: str, count: int, seconds: float, body: bool) -> str:
    """`count` clients sending a header byte (or a body byte) every second, reconnecting when cut."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100000000\r\n\r\n") if body else b"GET /sparql HTTP/1.1\r\nHost: x\r\n"
    lasted: list[float] = []
    end = time.monotonic() + seconds

    def attacker() -> None:
        while time.monotonic() < end:
            begun = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                    s.sendall(head)
                    while time.monotonic() < end:
                        time.sleep(1)
                        s.sendall(b" " if body else b"X")
                        s.setblocking(False)
                        try:
                            if s.recv(4096) == b"":
                                break
                        except BlockingIOError:
                            pass
                        s.setblocking(True)
                    else:
                        return  # held to the end: never cut
            except OSError:
                pass
            lasted.append(time.monotonic() - begun)

    threads = [threading.Thread(target=attacker, daemon=True) for _ in range(count)]
    with Probe(url) as probe:
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 30)
    cut = f"cut {len(lasted)} times, after {max(lasted):.1f} s at most" if lasted else "never cut"
    return f"{count} slow {'body' if body else 'header'} clients for {seconds:g} s: {cut}; {probe.summary()}"


def forged_host(nginx_url: str) -> str:
    """A forged Host through nginx, then ordinary clients of the answers that carried it."""
    paths = ["reconcile", "reconcile/draft", "queries/?format=json", "doc/state/DE-BY"]
    dropped = 0
    for path in paths:
        request = urllib.request.Request(nginx_url + path, headers={"Host": "attacker.example", "Accept": "application/json"})
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError:
            pass
        except OSError:
            dropped += 1
    poisoned = 0
    for path in paths:
        with urllib.request.urlopen(nginx_url + path, timeout=10) as response:
            poisoned += b"attacker.example" in response.read()
    return f"forged Host through nginx on {len(paths)} paths: {dropped} dropped unanswered; later plain GETs poisoned: {poisoned}"


def nginx(folder: Path, replica: str) -> tuple[subprocess.Popen, str]:
    from test_replicas import NGINX, nginx_config

    port = free_port()
    replica_port = int(replica.rsplit(":", 1)[1].strip("/"))
    config = nginx_config(folder, port, [replica_port, replica_port])
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g",
                                f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'}; user root;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)
    return process, f"http://127.0.0.1:{port}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="how long each attack lasts")
    parser.add_argument("--only", nargs="*", default=None, help="scenario names: slow-headers slow-bodies forged-host")
    args = parser.parse_args()
    wanted = set(args.only or ["slow-headers", "slow-bodies", "forged-host"])
    with tempfile.TemporaryDirectory(prefix="intmk-attacks-") as tmp:
        release = Path(tmp) / "release"
        assert build(ROOT, release).returncode == 0
        server = serve(release, "--workers", "2", "--timeout", "10", "--public-url", "https://intmk.example.org/")
        try:
            for body, name in ((False, "slow-headers"), (True, "slow-bodies")):
                if name in wanted:
                    for count in (8, 32):
                        print(slow_clients(server.url, count, args.seconds, body), flush=True)
            if "forged-host" in wanted:
                process, url = nginx(Path(tmp), server.url)
                try:
                    print(forged_host(url), flush=True)
                finally:
                    process.terminate()
                    process.wait(30)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

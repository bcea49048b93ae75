"""Slow readers of /dumps/ through nginx (deploy/nginx.conf), while a probe asks /sparql.

The security report of 2026-12-01, finding 5: with `proxy_buffering off` each client that reads a
large dump slowly held an app thread, and 16 of them blocked every probe. Each reader here sets a
4 KB receive buffer and reads 1 KB every 2 s; the probe sends a distinct ASK query (so nginx's
cache cannot answer it) every 0.5 s with a 5 s timeout.

    .venv/bin/python bench/slow_readers.py                      # --readers 16 --seconds 15
    .venv/bin/python bench/slow_readers.py --no-accel           # the app sends the files itself

tests/test_dumps_nginx.py runs the same functions for 10 s.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support import free_port  # noqa: E402
from test_replicas import NGINX, nginx_config  # noqa: E402  (deploy/nginx.conf with ports and paths replaced)

INTMK_KG = str(Path(sys.executable).with_name("intmk-kg"))
RELEASES = "/srv/intmk/dist/releases/"  # the release path deploy/nginx.conf names
BIG_DUMP = "dumps/intmk-kg.jsonld"


@dataclass
class Figures:
    readers: dict[str, int] = field(default_factory=dict)  # first status line -> readers
    read_bytes: int = 0
    probes: list[float | None] = field(default_factory=list)  # seconds, None: no answer in time

    def summary(self) -> str:
        answered = [p for p in self.probes if p is not None]
        worst = ""
        if answered:
            worst = f"max {max(answered) * 1000:.0f} ms, median {statistics.median(answered) * 1000:.0f} ms"
        return (f"readers {self.readers}, {self.read_bytes // 1024} KB read; probes answered "
                f"{len(answered)} of {len(self.probes)} {worst}")


def synthetic_release(folder: Path, triples: int) -> Path:
    """`intmk-kg synth` and `build`: the output folder (dist/) of a release of about `triples` triples."""
    data, out = folder / "data", folder / "dist"
    subprocess.run([INTMK_KG, "synth", "--triples", str(triples), "--out", str(data)], check=True, capture_output=True)
    subprocess.run([INTMK_KG, "build", "--data", str(data), "--out", str(out), "--quiet"], check=True,
                   capture_output=True)
    return out


def start_nginx(folder: Path, replica_port: int, releases: Path) -> tuple[subprocess.Popen, str]:
    """nginx with deploy/nginx.conf: both upstreams at one replica, the release path at `releases`."""
    port = free_port()
    config = nginx_config(folder, port, [replica_port, replica_port])
    config.write_text(config.read_text(encoding="utf-8").replace(RELEASES, f"{releases}/"), encoding="utf-8")
    settings = f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'};"
    if os.geteuid() == 0:
        settings += " user root;"
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", settings],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_for_port(port, process)
    return process, f"http://127.0.0.1:{port}/"


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listens on {port}") from None
            time.sleep(0.1)


def slow_readers(base: str, readers: int = 16, seconds: float = 15, path: str = BIG_DUMP) -> Figures:
    """`readers` slow readers of `path` for `seconds`, and the probe's latencies meanwhile."""
    address = urllib.parse.urlsplit(base)
    figures = Figures()
    stop = threading.Event()
    lock = threading.Lock()

    def read() -> None:
        status, n = "no answer", 0
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.settimeout(seconds + 5)
            try:
                s.connect((address.hostname, address.port))
                s.sendall(f"GET /{path} HTTP/1.1\r\nHost: {address.netloc}\r\n\r\n".encode())
                first = s.recv(1024)
                status = first.split(b"\r\n", 1)[0].decode("latin-1")[9:12] or "closed"
                n = len(first)
                while status == "200" and not stop.wait(2):  # a refusal is answered whole: nothing more to read
                    chunk = s.recv(1024)
                    if not chunk:
                        break
                    n += len(chunk)
            except OSError as e:
                status = f"{status} then {type(e).__name__}" if n else type(e).__name__
        with lock:
            figures.readers[status] = figures.readers.get(status, 0) + 1
            figures.read_bytes += n

    threads = [threading.Thread(target=read, daemon=True) for _ in range(readers)]
    for t in threads:
        t.start()
    time.sleep(1)  # every reader has asked
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        i += 1
        query = urllib.parse.quote(f"ASK {{ ?s ?p ?o }} # probe {i} {time.time()}")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"{base}sparql?query={query}", timeout=5) as response:
                response.read()
                figures.probes.append(time.monotonic() - started if response.status == 200 else None)
        except (OSError, urllib.error.HTTPError):
            figures.probes.append(None)
        time.sleep(max(0.0, 0.5 - (time.monotonic() - started)))
    stop.set()
    for t in threads:
        t.join(10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--triples", type=int, default=100_000, help="size of the synthetic release")
    parser.add_argument("--no-accel", action="store_true", help="serve without --accel-redirect")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intmk-slow-") as tmp:
        folder = Path(tmp)
        out = synthetic_release(folder, args.triples)
        port = free_port()
        accel = [] if args.no_accel else ["--accel-redirect", "/_release/"]
        serve = subprocess.Popen([INTMK_KG, "serve", "--port", str(port), "--release-dir", str(out), "--workers", "1",
                                  "--query-processes", "1", *accel],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        (folder / "nginx").mkdir()
        nginx = None
        try:
            wait_for_port(port, serve)
            nginx, base = start_nginx(folder / "nginx", port, out / "releases")
            print(slow_readers(base, args.readers, args.seconds).summary())
        finally:
            for process in (nginx, serve):
                if process is not None:
                    process.terminate()
                    process.wait(30)


if __name__ == "__main__":
    main()

"""The reader pages at scale: for each kind of page (home, each list's first and a later page,
search, the busiest entity's page, a conference page, a Land page), the time and size of its first
request to `intmk-kg serve`, as a Markdown table.

    .venv/bin/intmk-kg build --data /tmp/synth1m --out /tmp/dist1m --quiet     # or bench/build_scale.py
    .venv/bin/python bench/pages_scale.py --serve ".venv/bin/intmk-kg serve --release-dir /tmp/dist1m \\
        --port 8097 --workers 1 --cache-mb 0" --url http://127.0.0.1:8097 --label after

With --serve the script starts the server itself, waits until it answers, and starts it again after
a page that got no answer within --max-time (the worker would still be busy with it: nothing else
stops a page's work in code without a page time limit). Without --serve it asks a running server at
--url, which must be fresh for the times to be first requests. The default paths are those of the
synthetic graph (`intmk-kg synth`): its busiest entity is the topic integration-courses.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

LISTS = ["conferences", "states", "persons", "topics", "documents", "entries", "resolutions"]


def pages(args) -> list[tuple[str, str]]:
    found = [("home", "/")]
    for name in LISTS:
        found.append((f"/{name}/ first page", f"/{name}/"))
        if args.later_page and name not in ("states", "topics"):
            found.append((f"/{name}/ page {args.later_page}", f"/{name}/?page={args.later_page}"))
    found += [("search", "/search?q=Konferenz"), ("busiest entity", args.busiest),
              ("a conference", args.conference), ("a Land", args.land)]
    return found


def fetch(url: str, timeout: float) -> tuple[int | None, float, int]:
    start = time.monotonic()
    request = urllib.request.Request(url, headers={"Accept": "text/html", "Accept-Language": "de"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = reply.read()
            return reply.status, time.monotonic() - start, len(body)
    except urllib.error.HTTPError as e:
        return e.code, time.monotonic() - start, len(e.read())
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError):
        return None, time.monotonic() - start, 0


def wait_ready(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, _ = fetch(url + "/queries/", 5)
        if status == 200:
            return
        time.sleep(1)
    raise SystemExit(f"no answer from {url} within {seconds:g} s")


class Server:
    def __init__(self, command: str | None, url: str):
        self.command, self.url, self.proc = command, url, None

    def start(self) -> None:
        if self.command:
            self.proc = subprocess.Popen(shlex.split(self.command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        wait_ready(self.url)

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            self.proc = None


def size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8097")
    parser.add_argument("--serve", help="the command that starts the server (then restarted after a page that timed out)")
    parser.add_argument("--max-time", type=float, default=120.0, help="seconds to wait for a page")
    parser.add_argument("--later-page", type=int, default=3, help="0: none (code without pages ignores ?page=)")
    parser.add_argument("--busiest", default="/doc/topic/integration-courses")
    parser.add_argument("--conference", default="/doc/conference/synth-s00001-0002")
    parser.add_argument("--land", default="/doc/state/synth-be")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    server = Server(args.serve, url)
    server.start()
    print(f"| page ({args.label}) | path | status | first request | bytes |")
    print("|---|---|---|---:|---:|")
    try:
        for name, path in pages(args):
            status, seconds, length = fetch(url + path, args.max_time)
            if status is None:
                print(f"| {name} | `{path}` | none | > {args.max_time:g} s | – |", flush=True)
                if args.serve:
                    server.stop()
                    server.start()
                continue
            print(f"| {name} | `{path}` | {status} | {seconds:.2f} s | {size(length)} |", flush=True)
    finally:
        server.stop()
    sys.stdout.flush()


if __name__ == "__main__":
    main()

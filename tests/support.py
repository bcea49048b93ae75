"""Helpers the test modules (and the fault scenarios of bench/) share: a recording TCP listener, a free
port on loopback and a process's children."""

from __future__ import annotations

import socket
import threading
from pathlib import Path


class Listener:
    """A TCP port on loopback that records every connection (the first bytes sent on it).

    With `redirect_to`, each connection is answered with a 302 to that URL: a test that the server
    never follows a redirect to somewhere it must not fetch either.
    """

    def __init__(self, redirect_to: str | None = None):
        self.redirect_to = redirect_to
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.hits: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.hits.append(conn.recv(1000))
                    if self.redirect_to:
                        conn.sendall(f"HTTP/1.1 302 Found\r\nLocation: {self.redirect_to}\r\nContent-Length: 0\r\n"
                                     "Connection: close\r\n\r\n".encode())
                except OSError:
                    self.hits.append(b"")

    def close(self):
        self.sock.close()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    """Children of `pid`, their children and so on (a worker's fork server and its query processes)."""
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found

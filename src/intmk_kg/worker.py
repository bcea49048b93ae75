"""gunicorn's threaded worker with a time limit on each client's part of a request.

gunicorn waits up to 5 s for a new connection's first byte outside its threads, but after that it
reads the request head and body, and writes the answer, in a request thread with no time limit.
A client that sends a header byte a second (or a body byte a second) held a thread for as long as
it liked; 32 of them took every thread of a server without nginx in front (the security report
of 2026-12-01, finding 7). Here a request must arrive whole within CLIENT_TIMEOUT of its first
byte, and each write of the answer must make progress within CLIENT_TIMEOUT; a slower client is
disconnected. Behind nginx (docs/deploy.md), which buffers requests, neither limit is ever felt.
"""

from __future__ import annotations

import socket
import time

from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from .web.settings import DEFAULTS


class ClientTimedOut(NoMoreData):
    """The client did not send its request in time: gunicorn closes the connection quietly (as
    for a client that went away), and a route reading the body answers 400."""

    def __str__(self) -> str:
        return "The request did not arrive in time; the connection was closed."


class DeadlineSocket:
    """A client socket whose reads share one deadline per request and whose writes must progress."""

    __slots__ = ("_sock", "_limit", "_deadline", "_reading")

    def __init__(self, sock: socket.socket, limit: float):
        self._sock = sock
        self._limit = limit
        self._deadline: float | None = None
        self._reading = False

    def start_request(self) -> None:
        """A request thread takes the connection: the deadline starts with the request's first byte."""
        self._deadline, self._reading = None, True

    def end_request(self) -> None:
        """Back to gunicorn's main loop, which drains and closes with timeouts of its own."""
        self._reading = False

    def recv(self, size: int, flags: int = 0) -> bytes:
        if not self._reading:
            return self._sock.recv(size, flags)
        if self._deadline is None:  # gunicorn has seen a byte waiting: the first read returns at once
            left = self._limit
        else:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise ClientTimedOut
        self._sock.settimeout(left)
        try:
            data = self._sock.recv(size, flags)
        except TimeoutError:
            raise ClientTimedOut from None
        if self._deadline is None:
            self._deadline = time.monotonic() + self._limit
        return data

    def sendall(self, data) -> None:
        """sendall with a limit per step of progress (socket.sendall's timeout covers the whole
        answer, which would cut a large answer to a client on a slow link)."""
        self._sock.settimeout(self._limit)
        view = memoryview(data).cast("B")
        while view:
            view = view[self._sock.send(view):]

    def send(self, data, flags: int = 0) -> int:
        self._sock.settimeout(self._limit)
        return self._sock.send(data, flags)

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        self._sock.settimeout(self._limit)  # socket.sendfile waits at most this long for each step
        return self._sock.sendfile(file, offset, count)

    def setblocking(self, flag: bool) -> None:
        self._sock.setblocking(flag)

    def fileno(self) -> int:
        return self._sock.fileno()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class Worker(ThreadWorker):
    """gthread, with DeadlineSocket around every accepted connection."""

    def init_process(self):
        # the app's setting; an app without it (bench/flask_ceiling.py, the bare Flask app measured
        # with the same server set-up) gets the default
        config = getattr(self.app.application, "config", {})
        self.client_timeout = float(config.get("CLIENT_TIMEOUT", DEFAULTS["CLIENT_TIMEOUT"]))
        super().init_process()

    def handle(self, conn):
        sock = conn.sock
        if not isinstance(sock, DeadlineSocket):
            sock = conn.sock = DeadlineSocket(sock, self.client_timeout)
        sock.start_request()
        try:
            return super().handle(conn)
        finally:
            sock.end_request()

"""The inline lane: light queries (subset.py) run in the web worker's request thread, watched.

In the worker a query may produce at most INLINE_RESULT_BYTES; a larger answer is asked of a query
process instead (where --max-result-bytes and --query-memory-mb apply), so the client gets the
same answer and the worker's memory stays small. At most INLINE_SLOTS queries run inline at once;
while the lane is full a query goes to a query process rather than wait. A query can still run
past its time limit (a constant with millions of triples), so it is watched: past the limit the
request is answered 503 and the worker retires (the hooks: server.py stops accepting, finishes its
other requests and exits, and gunicorn starts a fresh one), because a thread inside the engine
cannot be stopped. Everything else goes to the query processes (processes.py).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable

from ..service import QueryOutcome, QueryTimeout
from . import Hooks

INLINE_RESULT_BYTES = 4 * 1024 * 1024  # larger answers are asked of a query process instead
INLINE_SLOTS = 2  # inline queries at once per worker; more go to a query process rather than wait


class Outgrown(Exception):
    """The answer grew past INLINE_RESULT_BYTES: a query process is asked instead."""


class InlineLane:
    """Runs subset queries in the request's own thread, watched by one thread per worker.

    Handing a query to another thread costs two GIL hand-overs, as much as the query itself, so
    the request thread runs it and only registers its deadline (a set insertion). The watchdog
    looks every WATCH_SECONDS; past a deadline it answers the request itself on the client's
    socket (503, Connection: close; gunicorn puts the socket in the WSGI environ), since the
    thread stuck in the engine never will, and retires the worker.
    """

    def __init__(self, run: Callable[[object], QueryOutcome], hooks: Hooks):
        self._run = run
        self.hooks = hooks
        self._overrunning: set[_Running] = set()  # answered by the watchdog and still in the engine
        self._running: set[_Running] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(INLINE_SLOTS)
        self._owner = 0

    def run(self, job, timeout: float) -> QueryOutcome | None:
        """The answer, or None when the lane is full or the answer outgrew it: ask a query process."""
        self._start()
        if not self._slots.acquire(blocking=False):
            return None
        entry = _Running(time.monotonic() + timeout, timeout, self.hooks.client_socket())
        with self._lock:
            self._running.add(entry)
        try:
            return self._run(job)
        except Outgrown:
            return None
        finally:
            with self._lock:
                self._running.discard(entry)
                answered = entry.answered
            self._overrunning.discard(entry)
            self._slots.release()  # a query stuck in the engine keeps its slot until the worker is gone
            if answered:  # too late: the client has its 503 and the connection is closed
                raise QueryTimeout(entry.message())

    def _start(self) -> None:
        """The watchdog of this process (a forked worker has none of its parent's threads)."""
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner != os.getpid():
                self._running, self._overrunning = set(), set()
                self._slots = threading.BoundedSemaphore(INLINE_SLOTS)
                threading.Thread(target=self._watch, name="inline-query-watchdog", daemon=True).start()
                self._owner = os.getpid()

    def _watch(self) -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            now = time.monotonic()
            with self._lock:
                late = [e for e in self._running if e.deadline <= now and not e.answered]
                for e in late:
                    e.answered = True
                    self._overrunning.add(e)
            for e in late:
                self._answer(e)
            if late:
                self.hooks.retire(f"a query in the web worker ran past its {late[0].timeout:g} s limit")

    def overrunning(self) -> int:
        """How many of this process's requests wait for a query the watchdog has given up on (server.py)."""
        return len(self._overrunning)

    def _answer(self, entry: "_Running") -> None:
        if entry.sock is None:
            return  # not under gunicorn (a test client): the request waits for its query
        try:
            entry.sock.sendall(self.hooks.overrun_answer(entry.message()))
            entry.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client has gone


WATCH_SECONDS = 0.2


class _Running:
    __slots__ = ("deadline", "timeout", "sock", "answered")

    def __init__(self, deadline: float, timeout: float, sock):
        self.deadline, self.timeout, self.sock, self.answered = deadline, timeout, sock, False

    def message(self) -> str:
        return f"The query ran longer than {self.timeout:g} s and was stopped; narrow it or add a LIMIT."


"""Which public queries may run inside the web worker, and the watchdog that ends them there.

A query process isolates a query completely, but each query pays for it: two pipe messages and
two context switches, as much CPU as Flask's whole request under load (docs/performance.md).
Queries of a small SPARQL subset need no such isolation:

- a prologue (PREFIX, BASE), then SELECT with `*` or plain variables, ASK, DESCRIBE, or
  CONSTRUCT with a template;
- at most one WHERE group of up to MAX_PATTERNS triple patterns whose terms are variables, IRIs, prefixed names,
  blank node labels, literals and `a`, joined by shared variables into one connected whole;
- LIMIT and OFFSET; no FROM, FILTER, OPTIONAL, UNION, GRAPH, VALUES, BIND, sub-queries,
  aggregates, ORDER BY, DISTINCT, property paths or function calls.

Such a query cannot name a URL to fetch (the grammar has no SERVICE, FROM or function) and is
evaluated as a stream of nested-loop joins (no hash table, no sort), so its memory stays small
while its result is capped in bytes. It can still take long (a cycle of patterns with no match),
so it runs under the same time limit, watched: past it, the request is answered 503 and
the worker retires (it stops accepting, finishes its other requests and exits, and gunicorn starts
a fresh one), because a thread inside the engine cannot be stopped. Everything else goes to the
query processes (executor.py).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from .guard import MEMO_MAX_CHARS, MEMO_TEXTS, Token, tokens
from .service import QueryOutcome, QueryTimeout

log = logging.getLogger(__name__)

FORMS = {"SELECT", "ASK", "DESCRIBE", "CONSTRUCT"}
END = Token("end", "")
MAX_PATTERNS = 32  # the engine's join planning grows fast with the patterns: longer groups go to a process


class _Outside(Exception):
    """The query is not of the subset."""


def inline_safe(text: str) -> bool:
    """True if the query belongs to the subset above (a query of doubtful syntax does not)."""
    return _remembered(text) if len(text) <= MEMO_MAX_CHARS else _classify(text)


def _classify(text: str) -> bool:
    try:
        return _Reader(tokens(text)).query()
    except _Outside:
        return False


_remembered = functools.lru_cache(maxsize=MEMO_TEXTS)(_classify)


class _Reader:
    def __init__(self, toks: tuple[Token, ...]):
        self.toks = toks
        self.i = 0

    def peek(self) -> Token:
        return self.toks[self.i] if self.i < len(self.toks) else END

    def word(self) -> str:
        tok = self.peek()
        return tok.text.upper() if tok.kind == "word" else ""

    def take(self, kind: str, text: str | None = None) -> Token:
        tok = self.peek()
        if tok.kind != kind or (text is not None and tok.text.upper() != text):
            raise _Outside
        self.i += 1
        return tok

    def query(self) -> bool:
        while self.word() in ("PREFIX", "BASE"):
            if self.take("word").text.upper() == "PREFIX":
                self.take("pname")
            self.take("iri")
        form = self.take("word").text.upper()
        if form not in FORMS:
            raise _Outside
        pattern: list[set[str]] | None = None
        if form == "SELECT":
            if self.peek().text == "*":
                self.i += 1
            else:
                self.take("var")
                while self.peek().kind == "var":
                    self.i += 1
            pattern = self.where(required=True)
        elif form == "ASK":
            pattern = self.where(required=True)
        elif form == "DESCRIBE":
            if self.peek().text == "*":
                self.i += 1
            else:
                self.term(("var", "iri", "pname"))
                while self.peek().kind in ("var", "iri", "pname"):
                    self.i += 1
            pattern = self.where(required=False)
        else:  # CONSTRUCT { template } WHERE { pattern }, or CONSTRUCT WHERE { pattern }
            if self.word() != "WHERE":
                self.group()
            pattern = self.where(required=True)
        while self.word() in ("LIMIT", "OFFSET"):
            self.i += 1
            self.take("number")
        if self.peek() is not END:
            raise _Outside
        return pattern is None or (len(pattern) <= MAX_PATTERNS and _connected(pattern))

    def where(self, required: bool) -> list[set[str]] | None:
        if self.word() == "WHERE":
            self.i += 1
        elif not required and self.peek().text != "{":
            return None
        return self.group()

    def group(self) -> list[set[str]]:
        """`{ triples }`: the variables of each triple pattern."""
        self.take("other", "{")
        triples: list[set[str]] = []
        while self.peek().text != "}":
            if self.peek() is END:
                raise _Outside
            subject = self.term(("var", "bnode", "iri", "pname"))
            while True:
                predicate = self.predicate()
                while True:
                    triples.append({v for v in (subject, predicate, self.object()) if v})
                    if self.peek().text != ",":
                        break
                    self.i += 1
                if self.peek().text != ";":
                    break
                while self.peek().text == ";":
                    self.i += 1
                if self.peek().text in (".", "}"):
                    break
            if self.peek().text == ".":
                self.i += 1
            elif self.peek().text != "}":
                raise _Outside
        self.i += 1
        return triples

    def term(self, kinds: tuple[str, ...]) -> str | None:
        """A variable's name (blank node labels act as variables), None for a constant."""
        tok = self.peek()
        if tok.kind not in kinds:
            raise _Outside
        self.i += 1
        return tok.text[1:] if tok.kind == "var" else tok.text if tok.kind == "bnode" else None

    def predicate(self) -> str | None:
        if self.peek().kind == "word" and self.peek().text == "a":
            self.i += 1
            return None
        return self.term(("var", "iri", "pname"))

    def object(self) -> str | None:
        tok = self.peek()
        if tok.kind == "string":
            self.i += 1
            if self.peek().kind == "langtag":
                self.i += 1
            elif self.peek().text == "^":
                self.take("other", "^")
                self.take("other", "^")
                self.term(("iri", "pname"))
            return None
        if tok.kind == "word" and tok.text.upper() in ("TRUE", "FALSE"):
            self.i += 1
            return None
        return self.term(("var", "bnode", "iri", "pname", "number"))


def _connected(triples: list[set[str]]) -> bool:
    """Do the patterns with variables form one group through shared variables?"""
    groups = [t for t in triples if t]
    if not groups:
        return True
    reached = set(groups[0])
    rest = groups[1:]
    grew = True
    while rest and grew:
        grew = False
        for t in list(rest):
            if t & reached:
                reached |= t
                rest.remove(t)
                grew = True
    return not rest


class InlineLane:
    """Runs subset queries in the request's own thread, watched by one thread per worker.

    Handing a query to another thread costs two GIL hand-overs, as much as the query itself, so
    the request thread runs it and only registers its deadline (a set insertion). The watchdog
    looks every WATCH_SECONDS; past a deadline it answers the request itself on the client's
    socket (503, Connection: close; gunicorn puts the socket in the WSGI environ), since the
    thread stuck in the engine never will, and retires the worker.
    """

    def __init__(self, run: Callable[[object], QueryOutcome], cors_origin: str | None = None):
        self._run = run
        self.cors_origin = cors_origin
        self._running: set[_Running] = set()
        self._lock = threading.Lock()
        self._owner = 0

    def run(self, job, timeout: float) -> QueryOutcome:
        self._start()
        entry = _Running(time.monotonic() + timeout, timeout, _client_socket())
        with self._lock:
            self._running.add(entry)
        try:
            return self._run(job)
        finally:
            with self._lock:
                self._running.discard(entry)
                answered = entry.answered
            if answered:  # too late: the client has its 503 and the connection is closed
                raise QueryTimeout(entry.message())

    def _start(self) -> None:
        """The watchdog of this process (a forked worker has none of its parent's threads)."""
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner != os.getpid():
                self._running = set()
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
            for e in late:
                self._answer(e)
            if late:
                retire(f"a query in the web worker ran past its {late[0].timeout:g} s limit")

    def _answer(self, entry: "_Running") -> None:
        if entry.sock is None:
            return  # not under gunicorn (a test client): the request waits for its query
        body = f"503 Service Unavailable\n{entry.message()}\n".encode()
        head = ["HTTP/1.1 503 Service Unavailable", "Content-Type: text/plain; charset=utf-8",
                f"Content-Length: {len(body)}", "Cache-Control: no-store", "X-Content-Type-Options: nosniff",
                "Connection: close"]
        if self.cors_origin:
            head.append(f"Access-Control-Allow-Origin: {self.cors_origin}")
        try:
            entry.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
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


client = threading.local()  # .socket: the client socket of this thread's request (set by direct.py)


def _client_socket():
    return getattr(client, "socket", None)


_retire: Callable[[], None] | None = None


def on_retire(callback: Callable[[], None] | None) -> None:
    """What this process does when a query in its lane overruns (server.py: end the worker)."""
    global _retire
    _retire = callback


def retire(reason: str) -> None:
    log.warning("retiring web worker %d: %s", os.getpid(), reason)
    if _retire is not None:
        _retire()

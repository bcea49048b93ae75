"""Which public queries may run inside the web worker, and the watchdog that ends them there.

A query process isolates a query completely, but each query pays for it: two pipe messages and
two context switches, as much CPU as Flask's whole request under load (docs/performance.md).
Queries of a small SPARQL subset need no such isolation:

- a prologue (PREFIX, BASE), then SELECT with `*` or plain variables, ASK, DESCRIBE, or
  CONSTRUCT with a template of at most MAX_PATTERNS triples;
- at most one WHERE group of triple patterns whose terms are variables, IRIs, prefixed names,
  blank node labels, literals and `a`, with no FROM, FILTER, OPTIONAL, UNION, GRAPH, VALUES, BIND,
  sub-queries, aggregates, ORDER BY, DISTINCT, property paths or function calls;
- LIMIT, and OFFSET up to MAX_OFFSET.

The group must be one whose work is bounded by what it touches, not by the product of what it
touches (a cross product, a cycle, a chain through hub nodes):

- either up to MAX_PATTERNS patterns that each have a constant subject or object, and whose
  variables in predicate position appear in no other pattern. Each pattern then holds at most one
  variable that can join, so a connected group is a star: facts about one node, each pattern
  matching no more triples than its constant has, and the engine looks each candidate up once;
- or, for SELECT and ASK, a single pattern with no repeated variable: each of its matches is a
  row that is sent (stopped by the result cap below) or skipped (by OFFSET, at most MAX_OFFSET).

So the label lookup, the trivial SELECT and DESCRIBE of an IRI stay here; a join of patterns with
no constants (the report of 2026-12-01, finding 4: 32 patterns sharing a predicate variable, with
an OFFSET of 10^12) goes to a query process, where it can be killed.

In the worker a query may produce at most INLINE_RESULT_BYTES; a larger answer is asked of a query
process instead (where --max-result-bytes and --query-memory-mb apply), so the client gets the
same answer and the worker's memory stays small. At most INLINE_SLOTS queries run inline at once;
while the lane is full a query goes to a query process rather than wait. A query can still run
past its time limit (a constant with millions of triples), so it is watched: past the limit the
request is answered 503 and the worker retires (server.py: it stops accepting, finishes its other
requests and exits, and gunicorn starts a fresh one), because a thread inside the engine cannot be
stopped. Everything else goes to the query processes (executor.py).
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from ..guard import MEMO_MAX_CHARS, MEMO_TEXTS, Token, tokens
from ..service import QueryOutcome, QueryTimeout

log = logging.getLogger(__name__)

FORMS = {"SELECT", "ASK", "DESCRIBE", "CONSTRUCT"}
END = Token("end", "")
MAX_PATTERNS = 8  # a star of facts about one node rarely needs more; more is a query process's work
MAX_OFFSET = 10_000  # rows skipped cost work without output: deeper pages go to a query process
INLINE_RESULT_BYTES = 4 * 1024 * 1024  # larger answers are asked of a query process instead
INLINE_SLOTS = 2  # inline queries at once per worker; more go to a query process rather than wait


class _Outside(Exception):
    """The query is not of the subset."""


class Outgrown(Exception):
    """The answer grew past INLINE_RESULT_BYTES: a query process is asked instead."""


def inline_safe(text: str) -> bool:
    """True if the query belongs to the subset above (a query of doubtful syntax does not)."""
    return _remembered(text) if len(text) <= MEMO_MAX_CHARS else _classify(text)


def _classify(text: str) -> bool:
    try:
        return _Reader(tokens(text)).query()
    except _Outside:
        return False


_remembered = functools.lru_cache(maxsize=MEMO_TEXTS)(_classify)


class _Pattern(NamedTuple):
    """A triple pattern: each term a variable's name, or None for a constant."""

    subject: str | None
    predicate: str | None
    object: str | None


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
        patterns: list[_Pattern] | None = None
        if form == "SELECT":
            if self.peek().text == "*":
                self.i += 1
            else:
                self.take("var")
                while self.peek().kind == "var":
                    self.i += 1
            patterns = self.where(required=True)
        elif form == "ASK":
            patterns = self.where(required=True)
        elif form == "DESCRIBE":
            if self.peek().text == "*":
                self.i += 1
            else:
                self.term(("var", "iri", "pname"))
                while self.peek().kind in ("var", "iri", "pname"):
                    self.i += 1
            patterns = self.where(required=False)
        else:  # CONSTRUCT { template } WHERE { pattern }, or CONSTRUCT WHERE { pattern }
            if self.word() != "WHERE" and len(self.group()) > MAX_PATTERNS:
                raise _Outside  # each solution builds every template triple
            patterns = self.where(required=True)
        while self.word() in ("LIMIT", "OFFSET"):
            offset = self.take("word").text.upper() == "OFFSET"
            number = self.take("number").text
            if offset and not (number.isdigit() and len(number) <= len(str(MAX_OFFSET)) and int(number) <= MAX_OFFSET):
                raise _Outside
        if self.peek() is not END:
            raise _Outside
        return patterns is None or _bounded(patterns, rows=form in ("SELECT", "ASK"))

    def where(self, required: bool) -> list[_Pattern] | None:
        if self.word() == "WHERE":
            self.i += 1
        elif not required and self.peek().text != "{":
            return None
        return self.group()

    def group(self) -> list[_Pattern]:
        """`{ triples }`: its triple patterns."""
        self.take("other", "{")
        triples: list[_Pattern] = []
        while self.peek().text != "}":
            if self.peek() is END:
                raise _Outside
            subject = self.term(("var", "bnode", "iri", "pname"))
            while True:
                predicate = self.predicate()
                while True:
                    triples.append(_Pattern(subject, predicate, self.object()))
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


def _bounded(patterns: list[_Pattern], rows: bool) -> bool:
    """Is the group's work bounded by what it touches (the module's docstring says how)?

    `rows`: every solution becomes a row of the answer (SELECT, ASK), so a single pattern is
    bounded by the result cap and MAX_OFFSET whatever it matches.
    """
    if len(patterns) > MAX_PATTERNS:
        return False
    if rows and len(patterns) == 1:
        names = [v for v in patterns[0] if v]
        if len(names) == len(set(names)):
            return True
    if any(p.subject and p.object for p in patterns):
        return False  # no constant subject or object: as many matches as the predicate has
    uses = Counter(v for p in patterns for v in set(p) if v)
    if any(p.predicate and uses[p.predicate] > 1 for p in patterns):
        return False  # a predicate variable that joins links any node to any other
    return _connected([{v for v in p if v} for p in patterns])


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
        self._slots = threading.BoundedSemaphore(INLINE_SLOTS)
        self._owner = 0

    def run(self, job, timeout: float) -> QueryOutcome | None:
        """The answer, or None when the lane is full or the answer outgrew it: ask a query process."""
        self._start()
        if not self._slots.acquire(blocking=False):
            return None
        entry = _Running(time.monotonic() + timeout, timeout, _client_socket())
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
            _overrunning.discard(entry)
            self._slots.release()  # a query stuck in the engine keeps its slot until the worker is gone
            if answered:  # too late: the client has its 503 and the connection is closed
                raise QueryTimeout(entry.message())

    def _start(self) -> None:
        """The watchdog of this process (a forked worker has none of its parent's threads)."""
        if self._owner == os.getpid():
            return
        with self._lock:
            if self._owner != os.getpid():
                self._running = set()
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
                    _overrunning.add(e)
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


_overrunning: set[_Running] = set()  # queries answered by the watchdog and still in the engine


def overrunning() -> int:
    """How many of this process's requests wait for a query the watchdog has given up on (server.py)."""
    return len(_overrunning)


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

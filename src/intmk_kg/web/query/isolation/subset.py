"""Which public queries may run inside the web worker: a SPARQL subset whose work is bounded.

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
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from ..guard import Token, tokens
from ..memo import remember_short

FORMS = {"SELECT", "ASK", "DESCRIBE", "CONSTRUCT"}
END = Token("end", "")
MAX_PATTERNS = 8  # a star of facts about one node rarely needs more; more is a query process's work
MAX_OFFSET = 10_000  # rows skipped cost work without output: deeper pages go to a query process


class _Outside(Exception):
    """The query is not of the subset."""


def _classify(text: str) -> bool:
    try:
        return _Reader(tokens(text)).query()
    except _Outside:
        return False


# True if the query belongs to the subset above (a query of doubtful syntax does not)
inline_safe = remember_short(_classify)


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

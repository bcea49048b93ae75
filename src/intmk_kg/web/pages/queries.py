"""The canned queries of `queries/*.rq`: each file's name, its question (the leading comment lines)
and text, as the query pages, the home page and the editor's tabs show them; and what a query's
page shows of its answer: a table (columns, rows of terms, or ASK's boolean), as HTML cells, as a
SPARQL JSON results document with the question beside it, or as CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import current_app

from ...project import Project
from .labels import Labels, TermView, view

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class CannedQuery:
    name: str
    question: str  # the first comment line
    notes: tuple[str, ...]  # further leading comment lines
    text: str

    @classmethod
    def read(cls, path: Path) -> "CannedQuery":
        text = path.read_text(encoding="utf-8")
        comments = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        comments = [c for c in comments if c]
        return cls(path.stem, comments[0] if comments else path.stem, tuple(comments[1:]), text)


def folder() -> Path:
    return Project.at(current_app.config.get("HOME")).queries_dir


def all_queries() -> list[CannedQuery]:
    return [CannedQuery.read(p) for p in sorted(folder().glob("*.rq")) if NAME.match(p.stem)]


def canned_tabs(where: Path) -> list[dict[str, str]]:
    """One YASGUI tab per queries/*.rq, named by the question in its leading comment lines."""
    return [{"name": " ".join((q.question, *q.notes)), "query": q.text}
            for q in (CannedQuery.read(p) for p in sorted(where.glob("*.rq")))]


# --- a query's answer ----------------------------------------------------------------------------

def table(outcome) -> tuple[list[str], list[list], bool | None]:
    """Columns, rows of pyoxigraph terms (None where unbound) and, for ASK, the answer."""
    if outcome.kind == "boolean":
        return [], [], bool(json.loads(outcome.body)["boolean"])
    if outcome.kind == "graph":
        triples = ox.parse(outcome.body, format=ox.RdfFormat.from_media_type(outcome.media_type))
        return ["subject", "predicate", "object"], [[q.subject, q.predicate, q.object] for q in triples], None
    data = json.loads(outcome.body)
    columns = data["head"]["vars"]
    rows = [[_term(b.get(c)) for c in columns] for b in data["results"]["bindings"]]
    return columns, rows, None


def _term(binding: dict | None):
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def json_body(query: CannedQuery, outcome, columns: list[str], rows: list[list]) -> dict:
    """A SPARQL JSON results document with the question beside it (a graph as subject, predicate, object)."""
    results = json.loads(outcome.body) if outcome.kind != "graph" else {
        "head": {"vars": columns}, "results": {"bindings": [
            {c: _json_term(t) for c, t in zip(columns, row, strict=True)} for row in rows
        ]}}
    return {"name": query.name, "question": query.question, "notes": list(query.notes), "query": query.text, **results}


def html_rows(rows: list[list]) -> list[list[TermView | None]]:
    """The rows as the page's cells: each term as itself (no labels are fetched), None where unbound."""
    empty = Labels()
    return [[view(t, empty, "en") if t is not None else None for t in row] for row in rows]


def _json_term(term) -> dict:
    """A term as in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def csv_text(columns: list[str], rows: list[list], boolean: bool | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if boolean is not None:
        writer.writerows([["boolean"], ["true" if boolean else "false"]])
        return out.getvalue()
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return out.getvalue()

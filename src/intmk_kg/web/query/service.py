"""The query-execution service every route family shares.

Routes never touch a store directly: internal lookups (entity pages, listings, reconciliation)
call `select`/`construct`/`ask`, which return pyoxigraph terms, and the public endpoint calls
`execute`, which returns serialized bytes and is subject to the time and size limits. A remote
SPARQL store can stand behind the same interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox


@dataclass(frozen=True)
class Dataset:
    """default-graph-uri / named-graph-uri of a request; empty means the whole dataset."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    body: bytes
    media_type: str
    kind: str  # "solutions", "boolean" or "graph"


class QueryError(Exception):
    """The query is wrong (HTTP 400); message carries the parser's position where known."""


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped (HTTP 503)."""


class QueryAborted(QueryTimeout):
    """The query was stopped for another limit (memory, result size) or its process died.

    A subclass of QueryTimeout because callers answer both alike (HTTP 503, try again or ask less).
    """


class QueryBusy(QueryAborted):
    """Refused before it ran: every query process is busy and enough queries wait (HTTP 503 at once)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after  # seconds, for the Retry-After header


class QueryService(Protocol):
    version: str

    def select(self, text: str) -> list[dict[str, ox.NamedNode | ox.Literal | ox.BlankNode]]: ...

    def construct(self, text: str) -> list[ox.Triple]: ...

    def ask(self, text: str) -> bool: ...

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome: ...

    def graph_names(self) -> list[str]: ...

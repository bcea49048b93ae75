"""The query service over an in-memory pyoxigraph store loaded from a release or RDF files."""

from __future__ import annotations

import io

import pyoxigraph as ox

from ... import formats
from ... import namespaces as ns
from .service import Dataset, QueryAborted, QueryError, QueryOutcome

SOLUTION_FORMATS = {f.key: (f.results, f.media_type) for f in formats.RESULTS}  # by the key of an offer
GRAPH_FORMATS = {f.key: (f.rdf, f.media_type) for f in formats.GRAPHS}


class EmbeddedService:
    """Internal lookups run in-process; they are our own bounded queries."""

    def __init__(self, store: ox.Store, version: str):
        self.store = store
        self.version = version

    def _query(self, text: str, dataset: Dataset = Dataset()):
        kwargs = {}
        if dataset.default_graphs:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
        if dataset.named_graphs:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
        try:
            # our prefixes and base are predeclared, as in `intmk-kg query`; a query's own win
            return self.store.query(text, prefixes=ns.prefixes_for(text), base_iri=ns.BASE, **kwargs)
        except SyntaxError as e:
            raise QueryError(str(e)) from None

    def select(self, text: str):
        result = self._query(text)
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def construct(self, text: str) -> list[ox.Triple]:
        return list(self._query(text))

    def ask(self, text: str) -> bool:
        return bool(self._query(text))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset(), limit: int | None = None) -> QueryOutcome:
        result = self._query(text, dataset)
        return serialize_result(result, result_format, limit)


class _CappedBuffer(io.RawIOBase):
    """Collects serialized bytes and stops the serializer once a result grows past `limit`."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        if self.limit is not None and len(self.data) + len(chunk) > self.limit:
            raise QueryAborted(
                f"The result is larger than {self.limit} bytes, the most this endpoint sends; "
                "ask for less (LIMIT, fewer variables) or download a dump from /dumps/."
            )
        self.data += chunk
        return len(chunk)


def serialize_result(result, result_format: str, limit: int | None = None) -> QueryOutcome:
    """Serialize a pyoxigraph result in the requested format key (json, xml, csv, tsv, ttl, nt, jsonld, rdf).

    With `limit`, serialization stops with QueryAborted as soon as the bytes exceed it.
    """
    out = _CappedBuffer(limit)
    if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
        fmt, media = SOLUTION_FORMATS.get(result_format, SOLUTION_FORMATS["json"])
        result.serialize(out, format=fmt)
        kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
        return QueryOutcome(bytes(out.data), media, kind)
    fmt, media = GRAPH_FORMATS.get(result_format, GRAPH_FORMATS["ttl"])
    prefixes = ns.PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    ox.serialize(result, out, format=fmt, prefixes=prefixes)
    return QueryOutcome(bytes(out.data), media, "graph")

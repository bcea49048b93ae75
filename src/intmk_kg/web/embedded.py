"""The query service over an in-memory pyoxigraph store loaded from a release or RDF files."""

from __future__ import annotations

import pyoxigraph as ox

from .. import namespaces as ns
from .service import Dataset, QueryError, QueryOutcome

SOLUTION_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}
GRAPH_FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdf": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}


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
            return self.store.query(text, **kwargs)
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

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome:
        result = self._query(text, dataset)
        return serialize_result(result, result_format)


def serialize_result(result, result_format: str) -> QueryOutcome:
    """Serialize a pyoxigraph result in the requested format key (json, xml, csv, tsv, ttl, nt, jsonld, rdf)."""
    if isinstance(result, ox.QueryBoolean):
        fmt, media = SOLUTION_FORMATS.get(result_format, SOLUTION_FORMATS["json"])
        return QueryOutcome(result.serialize(format=fmt), media, "boolean")
    if isinstance(result, ox.QuerySolutions):
        fmt, media = SOLUTION_FORMATS.get(result_format, SOLUTION_FORMATS["json"])
        return QueryOutcome(result.serialize(format=fmt), media, "solutions")
    fmt, media = GRAPH_FORMATS.get(result_format, GRAPH_FORMATS["ttl"])
    prefixes = ns.PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return QueryOutcome(ox.serialize(result, format=fmt, prefixes=prefixes), media, "graph")

"""The one registry of formats: media type, short name, file extension and engine format.

RDF and SPARQL results formats are built on pyoxigraph's `RdfFormat` and `QueryResultsFormat`,
which know each one's media type, extension and whether it holds named graphs (datasets); the
others (HTML, JSON, CSV of a listing, a .rq query file, plain text) are written here. Every table of
formats reads this one: content negotiation (`Format` is the web's `Offer`), the engine's
serialisers, the dumps, the loader's file suffixes, the OpenAPI description, the error bodies and
the Accept headers sent to a remote store. A new format (or a new dump format) starts here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    key: str  # short name: ?format=key, a page's suffix, the query service's result format
    media_type: str
    aliases: tuple[str, ...] = ()  # other names for ?format= (media types included)
    accepts: tuple[str, ...] = ()  # other media types of an Accept header it answers (labelled media_type)
    extension: str = ""  # of a file in this format, without the dot
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None

    def names(self) -> tuple[str, ...]:
        return (self.key, self.media_type, *self.aliases, *self.accepts)

    @property
    def datasets(self) -> bool:
        """Whether it holds named graphs (a dataset), not only one graph."""
        return self.rdf is not None and self.rdf.supports_datasets


def _rdf(fmt: ox.RdfFormat, aliases: tuple[str, ...] = (), accepts: tuple[str, ...] = ()) -> Format:
    return Format(fmt.file_extension, fmt.media_type, aliases, accepts, fmt.file_extension, rdf=fmt)


def _results(fmt: ox.QueryResultsFormat, key: str, aliases: tuple[str, ...] = ()) -> Format:
    return Format(key, fmt.media_type.split(";")[0], aliases, (), fmt.file_extension, results=fmt)


# Turtle is valid N3, and JSON-LD valid JSON: clients asking for N3 (rdflib's format="n3",
# SPARQLWrapper's N3) or plain JSON get them, labelled with their own media type.
N3_TYPES = ("text/n3", "application/n3", "text/rdf+n3", "application/x-turtle", "application/turtle")
TURTLE = _rdf(ox.RdfFormat.TURTLE, ("turtle", "n3"), N3_TYPES)
JSON_LD = _rdf(ox.RdfFormat.JSON_LD, ("json-ld", "json"), ("application/json",))
N_TRIPLES = _rdf(ox.RdfFormat.N_TRIPLES, ("ntriples", "n-triples"), ("text/plain",))  # N-Triples' first media type
RDF_XML = _rdf(ox.RdfFormat.RDF_XML, ("rdfxml", "rdf+xml", "xml"))
TRIG = _rdf(ox.RdfFormat.TRIG)
N_QUADS = _rdf(ox.RdfFormat.N_QUADS, ("nquads", "n-quads"))

RESULTS_JSON = _results(ox.QueryResultsFormat.JSON, "json", ("srj",))
RESULTS_XML = _results(ox.QueryResultsFormat.XML, "xml", ("srx",))
CSV = _results(ox.QueryResultsFormat.CSV, "csv")  # also a listing's table (canned queries, resolutions)
TSV = _results(ox.QueryResultsFormat.TSV, "tsv")

HTML = Format("html", "text/html", ("htm",), extension="html")
JSON = Format("json", "application/json", extension="json")
XML = Format("xml", "application/xml", extension="xml")
SPARQL_QUERY = Format("rq", "application/sparql-query", extension="rq")
TEXT = Format("txt", "text/plain", extension="txt")

GRAPHS = (TURTLE, JSON_LD, N_TRIPLES, RDF_XML)  # what a graph is offered as (CONSTRUCT, DESCRIBE, pages' RDF)
QUADS = (TRIG, N_QUADS)  # what a dataset is offered as besides JSON-LD (an entity's or a graph's quads)
RESULTS = (RESULTS_JSON, RESULTS_XML, CSV, TSV)  # what SELECT and ASK answers are written in
ALL = (*GRAPHS, *QUADS, *RESULTS, HTML, JSON, XML, SPARQL_QUERY, TEXT)


def by_extension(suffix: str) -> Format | None:
    """The RDF format of a file suffix (`.ttl` or `ttl`), None for another."""
    wanted = suffix.lstrip(".")
    return next((f for f in (*GRAPHS, *QUADS) if f.extension == wanted), None)


def media_types(formats) -> list[str]:
    return [f.media_type for f in formats]

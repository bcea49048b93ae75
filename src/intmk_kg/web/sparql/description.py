"""The SPARQL 1.1 Service Description of the endpoint: what /sparql answers without a query to an
RDF client (a browser gets the editor instead, routes/sparql.py)."""

from __future__ import annotations

import pyoxigraph as ox

from ... import formats
from ... import namespaces as ns
from ..http.conneg import Offer
from ..query.service import QueryService

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "rdf": ns.PREFIXES["rdf"]}
# the formats the endpoint answers in, by their names in the W3C's formats namespace (the registry's IRIs)
RESULT_FORMATS = [(f.results or f.rdf).iri.rsplit("/", 1)[1] for f in (
    *formats.RESULTS, formats.TURTLE, formats.N_TRIPLES, formats.JSON_LD, formats.RDF_XML)]


def service_description(endpoint_url: str, sizes: dict[str | None, int], named: bool, remote: bool) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint and the dataset it serves: `sizes` from
    `graph_sizes`, `named` when the dataset is a release's (it has an IRI), `remote` for a remote store."""
    counts = dict(sizes)
    rdf_type = ox.NamedNode(ns.PREFIXES["rdf"] + "type")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    me = ox.NamedNode(endpoint_url)
    triples = [
        ox.Triple(me, rdf_type, sd("Service")),
        ox.Triple(me, sd("endpoint"), me),
        ox.Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(me, ox.NamedNode(ns.PREFIXES["rdfs"] + "comment"), ox.Literal(
            "Read-only. Graphs are never fetched: a graph named by FROM, FROM NAMED, default-graph-uri or "
            "named-graph-uri that this endpoint does not hold is " + (
                "refused (400)." if remote else "an empty graph."), language="en")),
        *(ox.Triple(me, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS),
    ]
    # blank nodes with fixed labels: the same bytes for the same ETag (on every replica too)
    dataset = ox.NamedNode(ns.DATASET) if named else ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    triples += [
        ox.Triple(me, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(counts.pop(None, 0))),
    ]
    for number, (name, size) in enumerate(sorted(counts.items())):
        try:
            iri = ox.NamedNode(name)
        except ValueError:
            continue  # a graph named by a blank node (possible with --data) has no name to give
        entry, graph = ox.BlankNode(f"entry{number}"), ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), entry),
            ox.Triple(entry, rdf_type, sd("NamedGraph")),
            ox.Triple(entry, sd("name"), iri),
            ox.Triple(entry, sd("graph"), graph),
            ox.Triple(graph, rdf_type, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(size)),
        ]
    return triples


def graph_sizes(service: QueryService) -> dict[str | None, int]:
    """Triples per named graph and (key None) in the default graph (ServerState keeps them per release)."""
    sizes: dict[str | None, int] = {name: 0 for name in service.graph_names()}
    for row in service.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        sizes[row["g"].value] = int(row["n"].value)
    sizes[None] = int(service.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    return sizes


def serialize(triples: list[ox.Triple], offer: Offer) -> bytes:
    """The description in a graph format of the registry, with the description's prefixes where the syntax has them."""
    fmt = offer.rdf
    prefixes = SD_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)

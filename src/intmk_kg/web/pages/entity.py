"""What the store says about one resource: its facts in both directions, who states each, as RDF.

Every query reads the named graphs (GRAPH ?g), so each fact comes with the graphs that hold it (a
document's own graph, or a curation record compiled from several documents); the default graph is
their union, so a fact stated by three documents is one triple there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
import rdflib

from ... import formats
from ... import namespaces as ns
from ...dumps import jsonld_context
from ..http import paths
from ..query.service import QueryService

PROLOGUE = ns.sparql_prologue(["rdfs", "skos", "prov", "intmk"])
# Statements naming the resource as object read for its document: a topic or a Land may be named
# by thousands, and every one costs labels and rendering in the web worker. Past this the document
# shows these, says how many there are, and links the SPARQL query that lists them all.
MAX_INCOMING = 200


@dataclass
class Fact:
    direction: str  # "out": (resource, predicate, other); "in": (other, predicate, resource)
    predicate: ox.NamedNode
    other: ox.NamedNode | ox.Literal | ox.BlankNode
    graphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    graph: str
    document: str | None
    url: str | None
    documents: int = 1  # a curation record is compiled from several
    kinds: tuple[tuple[str, int], ...] = ()  # the registry's document kinds of its documents, with counts
    confidence: str | None = None  # the graph's intmk:confidence (a curation record's), else None
    issued: str | None = None  # the representative document's date, as the data gives it
    publisher: str | None = None  # its publisher (IRI), else the publisher's name as given
    publisher_name: str | None = None


def facts(service: QueryService, node: ox.NamedNode) -> list[Fact]:
    """The triples with the resource as subject, and up to MAX_INCOMING statements with it as
    object (see incoming_count), each with the graphs stating it."""
    rows = service.select(
        f"SELECT ?dir ?p ?x ?g WHERE {{ {{ GRAPH ?g {{ {node} ?p ?x }} BIND(\"out\" AS ?dir) }} "
        f"UNION {{ {{ SELECT ?x ?p ?g WHERE {{ GRAPH ?g {{ ?x ?p {node} }} }} LIMIT {MAX_INCOMING} }} "
        f"BIND(\"in\" AS ?dir) }} }}"
    )
    grouped: dict[tuple, Fact] = {}
    for row in rows:
        key = (row["dir"].value, row["p"], row["x"])
        fact = grouped.setdefault(key, Fact(row["dir"].value, row["p"], row["x"]))
        fact.graphs.append(row["g"].value)
    for fact in grouped.values():
        fact.graphs.sort()
    return sorted(grouped.values(), key=lambda f: (f.direction, f.predicate.value, str(f.other)))


def incoming_count(service: QueryService, node: ox.NamedNode) -> int:
    """How many triples name the resource as object (counted only when more than shown)."""
    rows = service.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x ?p {node} }}")
    return int(rows[0]["n"].value) if rows else 0


def incoming_query(node: ox.NamedNode) -> str:
    """The SPARQL query that lists every statement naming the resource, for the link past the cap."""
    return f"SELECT ?subject ?property ?graph WHERE {{ GRAPH ?graph {{ ?subject ?property {node} }} }}"


def sources(service: QueryService, graphs: set[str]) -> dict[str, Source]:
    """For each graph, the document it was derived from and that document's address.

    A curation record is derived from several documents: the first by IRI that has an address stands
    for them, so the answer does not change from one query to the next.
    """
    if not graphs:
        return {}
    values = " ".join(str(ox.NamedNode(g)) for g in sorted(graphs))
    rows = service.select(
        PROLOGUE + f"SELECT ?g ?doc ?url ?kind ?conf ?issued ?pub ?pubname WHERE {{ VALUES ?g {{ {values} }} "
        "OPTIONAL { GRAPH ?g { ?g intmk:confidence ?conf } } "
        "OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } OPTIONAL { ?doc intmk:url ?url } "
        "OPTIONAL { ?doc intmk:documentKind ?kind } OPTIONAL { ?doc intmk:issued ?issued } "
        "OPTIONAL { ?doc intmk:publisher ?pub } OPTIONAL { ?doc intmk:publisherName ?pubname } } }"
    )
    found: dict[str, Source] = {}
    docs: dict[str, set[str]] = {}
    kinds: dict[str, dict[str, str]] = {}  # graph -> document -> kind
    confidence: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: tuple(r[k].value if r.get(k) else "" for k in ("g", "doc", "url", "issued", "pub", "pubname"))):
        g = row["g"].value
        doc, url = row.get("doc"), row.get("url")
        if doc:
            docs.setdefault(g, set()).add(doc.value)
            if row.get("kind"):
                kinds.setdefault(g, {})[doc.value] = row["kind"].value
        if row.get("conf"):
            confidence[g] = row["conf"].value
        if g not in found or (found[g].url is None and url is not None):
            found[g] = Source(g, doc.value if doc else None, paths.web_link(url.value) if url else None,
                              issued=_text(row.get("issued")), publisher=_text(row.get("pub")),
                              publisher_name=_text(row.get("pubname")))
    return {g: replace(s, documents=len(docs.get(g, ())) or 1, kinds=_counted(kinds.get(g, {}).values()),
                       confidence=confidence.get(g))
            for g, s in found.items()}


def _text(term) -> str | None:
    return term.value if term is not None else None


def _counted(kinds) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return tuple(sorted(counts.items()))


def description(service: QueryService, node: ox.NamedNode) -> list[ox.Triple]:
    """The resource's triples (up to MAX_INCOMING naming it), plus the labels of the resources it links."""
    return service.construct(
        PROLOGUE
        + f"CONSTRUCT {{ {node} ?p ?o . ?o ?lp ?ol . ?s ?q {node} . ?s ?lq ?sl }} WHERE {{ "
        f"{{ {node} ?p ?o OPTIONAL {{ VALUES ?lp {{ rdfs:label skos:prefLabel }} ?o ?lp ?ol }} }} UNION "
        f"{{ {{ SELECT ?s ?q WHERE {{ ?s ?q {node} }} LIMIT {MAX_INCOMING} }} "
        f"OPTIONAL {{ VALUES ?lq {{ rdfs:label skos:prefLabel }} ?s ?lq ?sl }} }} }}"
    )


def stated_quads(service: QueryService, node: ox.NamedNode) -> list[ox.Quad]:
    """The resource's triples (up to MAX_INCOMING naming it) as each source graph states them, with
    each graph's provenance."""
    rows = service.select(
        PROLOGUE
        + f"SELECT ?g ?s ?p ?o WHERE {{ {{ GRAPH ?g {{ {node} ?p ?o }} BIND({node} AS ?s) }} UNION "
        f"{{ {{ SELECT ?g ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} LIMIT {MAX_INCOMING} }} BIND({node} AS ?o) }} }}"
    )
    quads = {ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}
    graphs = {q.graph_name for q in quads}
    if graphs:
        values = " ".join(str(g) for g in sorted(graphs, key=lambda n: n.value))
        rows = service.select(
            PROLOGUE + f"SELECT ?g ?doc WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g prov:wasDerivedFrom ?doc }} }}"
        )
        quads |= {ox.Quad(r["g"], ox.NamedNode(ns.PREFIXES["prov"] + "wasDerivedFrom"), r["doc"], r["g"]) for r in rows}
    return sorted(quads, key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))


def quad_document(service: QueryService, node: ox.NamedNode) -> list[ox.Quad]:
    """The entity document in a quad syntax: the description in the default graph, as the triple
    syntaxes give it, then each statement in the graph of its source. A client that reads only the
    default graph of what it fetched (Comunica asks for N-Quads first) sees the description; the
    named graphs still tell the sources."""
    stated = stated_quads(service, node)
    if not stated:
        return []
    naming = {(q.subject, q.predicate) for q in stated if q.object == node}  # the same bounded few as stated
    default = sorted({t for t in description(service, node) if t.object != node or (t.subject, t.predicate) in naming},
                     key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return [ox.Quad(t.subject, t.predicate, t.object) for t in default] + stated


def graph_quads(service: QueryService, graph: ox.NamedNode) -> list[ox.Quad]:
    rows = service.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    quads = [ox.Quad(r["s"], r["p"], r["o"], graph) for r in rows]
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


OX_FORMATS = {f.key: f.rdf for f in (*formats.GRAPHS, *formats.QUADS) if f is not formats.JSON_LD}  # JSON-LD: compacted


def serialize(items: list[ox.Triple] | list[ox.Quad], key: str) -> bytes:
    """Triples or quads in the syntax named by an offer key; quads lose their graph in triple syntaxes."""
    if key == "jsonld":
        return _compact_jsonld(items)
    fmt = OX_FORMATS[key]
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        data = [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in items]
    else:
        data = sorted({q.triple if isinstance(q, ox.Quad) else q for q in items}, key=str)
    prefixes = ns.PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(data, format=fmt, prefixes=prefixes)


def named_graph_jsonld(quads: list[ox.Quad], graph: ox.NamedNode) -> bytes:
    """A named graph as compact JSON-LD: the graph's IRI as `@id`, its triples as `@graph`."""
    document = json.loads(_compact_jsonld(quads))
    context = document.pop("@context", None)
    nodes = document.get("@graph", [document] if document else [])
    return json.dumps({"@context": context, "@id": graph.value, "@graph": nodes}, ensure_ascii=False, indent=1).encode("utf-8")


def _compact_jsonld(items) -> bytes:
    """Compact JSON-LD with our prefixes as an inline context, so no reader has to fetch one."""
    triples = sorted({q.triple if isinstance(q, ox.Quad) else q for q in items}, key=str)
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return graph.serialize(format="json-ld", context=jsonld_context()["@context"], indent=1).encode("utf-8")

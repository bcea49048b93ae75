"""Describe a release in VoID and DCAT 3: counts, partitions, named graphs, dumps, linkset.

The description is computed from the store with SPARQL, so the numbers are those of the
published graph, and each dump is listed with its byte size, media type and SHA-256. Triple
counts read the default graph, where the build keeps the union of the named graphs (each
triple once), so no query has to deduplicate the quads itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from . import namespaces as ns
from .quads import GraphWriter, integer, lit

DATASET = ns.DATASET
LINKSET = ns.DATASET + "/linkset/wikidata"
WIKIDATA_DATASET = "http://www.wikidata.org/"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
IANA = "https://www.iana.org/assignments/media-types/"
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"

UNION = ns.sparql_prologue(["rdf", "owl"])


@dataclass(frozen=True)
class FileInfo:
    name: str
    media_type: str
    encoding: str | None
    size: int
    sha256: str
    title: str
    dataset: bool


def _scalar(store: ox.Store, query: str) -> int:
    row = next(iter(store.query(UNION + query)))
    return int(row[0].value)


def statistics(store: ox.Store) -> dict[str, int]:
    """Counts of the release; triple counts come from the default graph, the union of all named graphs."""
    return {
        "triples": _scalar(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
        "quads": _scalar(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        "graphs": sum(1 for _ in store.named_graphs()),
        "entities": _scalar(
            store,
            f'SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s WHERE {{ ?s rdf:type ?c }} }} '
            f'FILTER STRSTARTS(STR(?s), "{ns.ID}") }}',
        ),
        "distinct_subjects": _scalar(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "distinct_objects": _scalar(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        "properties": _scalar(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        "classes": _scalar(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s rdf:type ?c }"),
        "wikidata_links": _scalar(
            store, f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s owl:sameAs ?o FILTER STRSTARTS(STR(?o), "{ns.WD}") }}'
        ),
    }


def describe(
    store: ox.Store, version: str, files: list[FileInfo], base: str = ns.BASE, stats: dict[str, int] | None = None
) -> list[ox.Quad]:
    """The VoID + DCAT description as triples (in the default graph); `stats` saves counting twice."""
    w = GraphWriter(DATASET)  # the graph name is dropped by the caller; Turtle has no graphs
    d = DATASET
    stats = stats or statistics(store)
    w.add(d, "rdf:type", "void:Dataset")
    w.add(d, "rdf:type", "dcat:Dataset")
    w.labels(d, "IntMK-Wissensgraph", "IntMK knowledge graph", "dcterms:title")
    w.labels(d, "IntMK-Wissensgraph", "IntMK knowledge graph", "rdfs:label")
    w.add(d, "dcterms:description", lit(
        "Konferenzen, Vorsitze, Beschlüsse, Forderungen und Zitate der Integrationsministerkonferenz der Länder, "
        "mit Provenienz zu den Quelldokumenten.", "de"))
    w.add(d, "dcterms:description", lit(
        "Conferences, chairs, resolutions, demands and quotes of the German Länder integration ministers' "
        "conference (IntMK), with provenance to the source documents.", "en"))
    w.add(d, "dcterms:license", ox.NamedNode(CC0))
    w.add(d, "dcat:version", lit(version))
    w.add(d, "owl:versionInfo", lit(version))
    w.add(d, "dcterms:language", ox.NamedNode("http://id.loc.gov/vocabulary/iso639-1/de"))
    w.add(d, "dcterms:language", ox.NamedNode("http://id.loc.gov/vocabulary/iso639-1/en"))
    w.add(d, "void:uriSpace", lit(ns.ID))
    w.add(d, "void:sparqlEndpoint", ox.NamedNode(base + "sparql"))
    w.add(d, "void:rootResource", ox.NamedNode(ns.entity("organisation", "intmk")))
    w.add(d, "void:exampleResource", ox.NamedNode(ns.entity("conference", "20")))
    w.add(d, "void:exampleResource", ox.NamedNode(ns.entity("state", "DE-NI")))
    w.add(d, "dcat:landingPage", ox.NamedNode(base))
    for vocab in ("ontology", "schema", "org", "prov", "skos", "dcterms", "owl", "rdfs"):
        uri = ns.ONTOLOGY if vocab == "ontology" else ns.PREFIXES[vocab]
        w.add(d, "void:vocabulary", ox.NamedNode(uri))
    for key, prop in [
        ("triples", "void:triples"), ("entities", "void:entities"), ("distinct_subjects", "void:distinctSubjects"),
        ("distinct_objects", "void:distinctObjects"), ("properties", "void:properties"), ("classes", "void:classes"),
    ]:
        w.add(d, prop, integer(stats[key]))

    _partitions(store, w, d)
    _graphs(store, w, d)
    _distributions(w, d, files, base)

    w.add(d, "void:subset", LINKSET)
    w.add(LINKSET, "rdf:type", "void:Linkset")
    w.labels(LINKSET, "Verknüpfungen mit Wikidata", "Links to Wikidata")
    w.add(LINKSET, "void:subjectsTarget", d)
    w.add(LINKSET, "void:objectsTarget", ox.NamedNode(WIKIDATA_DATASET))
    w.add(LINKSET, "void:linkPredicate", "owl:sameAs")
    w.add(LINKSET, "void:triples", integer(stats["wikidata_links"]))
    w.add(WIKIDATA_DATASET, "rdf:type", "void:Dataset")
    w.add(WIKIDATA_DATASET, "dcterms:title", lit("Wikidata", "en"))
    w.add(WIKIDATA_DATASET, "void:uriSpace", lit(ns.WD))
    return w.quads


def stable_bnode(*parts: str) -> ox.BlankNode:
    """A blank node named by what it stands for, so that the same input writes the same bytes
    (ox.BlankNode() draws a random id at every build)."""
    return ox.BlankNode("b" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24])


def _partitions(store: ox.Store, w: GraphWriter, d: str) -> None:
    classes = store.query(UNION + "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s rdf:type ?c } GROUP BY ?c ORDER BY ?c")
    for row in classes:
        node = stable_bnode("class", row["c"].value)
        w.add(d, "void:classPartition", node)
        w.add(node, "void:class", row["c"])
        w.add(node, "void:entities", integer(row["n"].value))
    props = store.query(UNION + "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")
    for row in props:
        node = stable_bnode("property", row["p"].value)
        w.add(d, "void:propertyPartition", node)
        w.add(node, "void:property", row["p"])
        w.add(node, "void:triples", integer(row["n"].value))


def _graphs(store: ox.Store, w: GraphWriter, d: str) -> None:
    """Each named graph as a VoID subset with its size and sources (sd:name is the graph IRI).

    A curation record is derived from several documents: each is listed, none stands for the others.
    """
    rows = store.query(
        ns.sparql_prologue(["prov"])
        + "SELECT ?g ?n ?source WHERE { "
        "{ SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g } "
        "OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?source } } } ORDER BY ?g ?source"
    )
    seen: set[str] = set()
    for row in rows:
        g = row["g"]
        if g.value not in seen:
            seen.add(g.value)
            w.add(d, "void:subset", g)
            w.add(g, "rdf:type", "void:Dataset")
            w.add(g, "rdf:type", SD + "NamedGraph")
            w.add(g, SD + "name", g)
            w.add(g, "void:triples", integer(row["n"].value))
        if row["source"] is not None:
            w.add(g, "prov:wasDerivedFrom", row["source"])


def _distributions(w: GraphWriter, d: str, files: list[FileInfo], base: str) -> None:
    for f in files:
        url = ox.NamedNode(f"{base}dumps/{f.name}")
        dist = ox.NamedNode(f"{DATASET}/distribution/{f.name}")
        if f.dataset or f.name.endswith((".ttl", ".nt.gz", ".rdf")):
            w.add(d, "void:dataDump", url)
        w.add(d, "dcat:distribution", dist)
        w.add(dist, "rdf:type", "dcat:Distribution")
        w.add(dist, "dcterms:title", lit(f.title, "en"))
        w.add(dist, "dcat:downloadURL", url)
        w.add(dist, "dcat:accessURL", url)
        w.add(dist, "dcat:mediaType", ox.NamedNode(IANA + f.media_type))
        if f.encoding == "gzip":
            w.add(dist, "dcat:compressFormat", ox.NamedNode(IANA + "application/gzip"))
        w.add(dist, "dcat:byteSize", lit(str(f.size), datatype="xsd:nonNegativeInteger"))
        w.add(dist, "dcterms:license", ox.NamedNode(CC0))
        checksum = stable_bnode("checksum", f.name)
        w.add(dist, SPDX + "checksum", checksum)
        w.add(checksum, "rdf:type", SPDX + "Checksum")
        w.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        w.add(checksum, SPDX + "checksumValue", lit(f.sha256, datatype="xsd:hexBinary"))


VOID_PREFIXES = {**ns.PREFIXES, "spdx": SPDX, "sd": SD}

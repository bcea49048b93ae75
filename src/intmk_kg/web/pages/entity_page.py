"""What the page of an entity shows (/doc/...): its facts out and in, grouped by property, each value
with the numbers of its sources, "unknown" where a reader expects a value no source gives, the
record sections, the sources themselves and the schema.org markup. routes/resources.py renders it."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

import pyoxigraph as ox

from ... import namespaces as ns
from ..query.service import QueryService
from . import entity, record, schemaorg
from .labels import Labels, TermView, iris_in, view

RDF_TYPE = ns.PREFIXES["rdf"] + "type"
RDFS_LABEL = ns.PREFIXES["rdfs"] + "label"
SAME_AS = ns.PREFIXES["owl"] + "sameAs"
HEADINGS = {
    "de": {"out": "Eigenschaften", "in": "Verweise auf diese Ressource", "sources": "Quellen",
           "formats": "Formate", "wikidata": "Wikidata", "iri": "IRI", "type": "Typ", "graph": "Graph",
           "value": "Wert", "property": "Eigenschaft", "source": "Quelle", "online": "online",
           "compiled": "zusammengestellt aus {} Dokumenten, darunter"},
    "en": {"out": "Properties", "in": "Referenced by", "sources": "Sources", "formats": "Formats",
           "wikidata": "Wikidata", "iri": "IRI", "type": "Type", "graph": "Graph", "value": "Value",
           "property": "Property", "source": "Source", "online": "online",
           "compiled": "compiled from {} documents, among them"},
}
MORE_INCOMING = {
    "de": "Die ersten {shown} von {total} Verweisen; alle liefert diese SPARQL-Abfrage:",
    "en": "The first {shown} of {total} references; this SPARQL query lists them all:",
}


# What a reader expects on a page of such a thing; where no source reports it, the page says
# "unknown" rather than leaving a gap that reads as "no" (not unanimous, still in office).
UNKNOWN_WHEN_ABSENT = {ns.ONT + "ConferenceItem": ns.ONT + "votingOutcome", ns.ONT + "Office": ns.ONT + "endDate"}
UNKNOWN = {"de": "unbekannt", "en": "unknown"}


def _unknown_rows(out: list[entity.Fact], labels: Labels, lang: str) -> list[dict]:
    types = {f.other.value for f in out if f.predicate.value == RDF_TYPE}
    present = {f.predicate.value for f in out}
    return [
        {"property": view(ox.NamedNode(p), labels, lang),
         "values": [{"term": TermView("literal", UNKNOWN[lang], "", lang=lang), "sources": []}]}
        for cls, p in UNKNOWN_WHEN_ABSENT.items() if cls in types and p not in present
    ]


def entity_view(service: QueryService, node: ox.NamedNode, lang: str, page_url: str, sparql_url: str) -> dict | None:
    """What the page of `node` shows (the template's values), None if nothing is known of it.
    `page_url`: the page's public URL (schema.org's), `sparql_url`: where the "all references" query goes."""
    facts = entity.facts(service, node)
    if not facts:
        return None
    sources = entity.sources(service, {gr for f in facts for gr in f.graphs})
    labels = Labels.fetch(
        service,
        {node.value} | {f.predicate.value for f in facts} | iris_in(f.other for f in facts)
        | {s.document for s in sources.values() if s.document} | set(UNKNOWN_WHEN_ABSENT.values())
        | {kind for s in sources.values() for kind, _ in s.kinds},
    )
    out = [f for f in facts if f.direction == "out"]
    incoming = [f for f in facts if f.direction == "in"]
    types = [f.other for f in out if f.predicate.value == RDF_TYPE]
    schema = schemaorg.mapping(service, iris_in(types) | {f.predicate.value for f in out})
    numbers = {gr: i for i, gr in enumerate(sorted(sources), start=1)}

    return dict(
        words=HEADINGS[lang],
        iri=node.value,
        title=labels.text(node.value, lang),
        **record.sections(service, node, {t.value for t in types}, lang),
        types=[view(t, labels, lang) for t in types],
        wikidata=[f.other.value for f in out if f.predicate.value == SAME_AS and f.other.value.startswith(ns.WD)],
        outgoing=_rows(out, labels, lang, numbers) + _unknown_rows(out, labels, lang),
        incoming=_rows(incoming, labels, lang, numbers),
        more_incoming=_more_incoming(service, node, incoming, lang, sparql_url),
        sources=[
            {"number": numbers[gr], "graph": view(ox.NamedNode(gr), labels, lang),
             "document": view(ox.NamedNode(s.document), labels, lang) if s.document else None, "url": s.url,
             "documents": s.documents,
             "kinds": [(view(ox.NamedNode(kind), labels, lang), n) for kind, n in s.kinds]}
            for gr, s in sorted(sources.items(), key=lambda item: numbers[item[0]])
        ],
        jsonld=schemaorg.script_text(schemaorg.entity(node.value, page_url, facts, labels, lang, schema)),
    )


def _more_incoming(service, node: ox.NamedNode, shown: list[entity.Fact], lang: str, sparql_url: str) -> dict | None:
    """When entity.facts stopped at MAX_INCOMING statements: how many there are, and the query for all."""
    if sum(len(f.graphs) for f in shown) < entity.MAX_INCOMING:
        return None
    total = entity.incoming_count(service, node)
    if total <= len(shown):
        return None
    query = entity.incoming_query(node)
    return {"text": MORE_INCOMING[lang].format(shown=len(shown), total=total), "query": query,
            "href": sparql_url + "?" + urlencode({"query": query})}


def _rows(facts: list[entity.Fact], labels: Labels, lang: str, numbers: dict[str, int]) -> list[dict]:
    """One row per property: the property and each value with the numbers of its sources."""
    by_property: dict[str, list[entity.Fact]] = defaultdict(list)
    for f in facts:
        by_property[f.predicate.value].append(f)
    first = {RDF_TYPE: 0, RDFS_LABEL: 1}

    def order(p: str) -> tuple:
        return (first.get(p, 2), labels.text(p, lang).casefold(), p)

    rows = []
    for p in sorted(by_property, key=order):
        values = [
            {"term": view(f.other, labels, lang), "sources": sorted(numbers[gr] for gr in f.graphs if gr in numbers)}
            for f in by_property[p]
        ]
        values.sort(key=lambda v: (v["term"].text.casefold(), v["term"].value))
        rows.append({"property": view(ox.NamedNode(p), labels, lang), "values": values})
    return rows

"""What the page of an entity (/doc/...) and the page of a named graph (/graph/...) show: the
template's values, from the query service, without Flask.

An entity's page: the summary by kind, its facts out and in as property tables (each value with the
numbers of its sources, "unknown" where a reader expects a value no source gives), the record
sections, the most specific types, the sources as footnotes and their kinds, the "more incoming"
note, schema.org. A graph's page: its triples grouped by subject. routes/resources.py negotiates,
renders and sets the headers.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

import pyoxigraph as ox

from ... import namespaces as ns
from ...readable import format_date, message
from ...release import Release
from ..http import paths
from ..query.service import QueryService
from . import entity, kinds, record, schemaorg, texts
from . import facts as fact_table
from .labels import Labels, TermView, iris_in, subject_sections, view

RDF_TYPE = ns.PREFIXES["rdf"] + "type"
SAME_AS = ns.PREFIXES["owl"] + "sameAs"
INFERRED = fact_table.INFERRED  # graph/inferred and graph/inferred-medium


def entity_view(service: QueryService, release: Release | None, node: ox.NamedNode, lang: str, *,
                base: str, page_url: str, sparql_url: str) -> dict | None:
    """What the page of `node` shows (the template's values), None if nothing is known of it.
    `base`: the page's path, `page_url`: its public URL (schema.org's), `sparql_url`: where the
    "all references" query goes; `release`: where a document's verbatim text is (None: no texts)."""
    facts = entity.facts(service, node)
    if not facts:
        return None
    sources = entity.sources(service, {gr for f in facts for gr in f.graphs})
    numbers = {gr: i for i, gr in enumerate(sorted(sources), start=1)}
    out = [f for f in facts if f.direction == "out"]
    incoming = [f for f in facts if f.direction == "in"]
    types = [f.other for f in out if f.predicate.value == RDF_TYPE]
    type_iris = {t.value for t in types}
    confidence = {gr: s.confidence for gr, s in sources.items()}
    summary = kinds.summary(service, node, facts, numbers, lang, confidence)
    if summary is not None and summary.kind == "document":
        summary.data["text"] = _source_text(release, node, summary.data["statements"])
    if summary is not None and summary.kind == "statement":
        summary.data["documents"] = [(d, _statement_anchor(service, release, node, d)) for d, _ in summary.data["documents"]]
    labels = Labels.fetch(
        service,
        {node.value} | {f.predicate.value for f in facts} | iris_in(f.other for f in facts)
        | {s.document for s in sources.values() if s.document} | set(fact_table.UNKNOWN_WHEN_ABSENT.values())
        | {kind for s in sources.values() for kind, _ in s.kinds}
        | {s.publisher for s in sources.values() if s.publisher} | (summary.iris if summary else set()),
    )
    schema = schemaorg.mapping(service, iris_in(types) | {f.predicate.value for f in out})

    outgoing = fact_table.table(out, type_iris, labels, lang, numbers, confidence)
    incoming_rows = fact_table.rows(incoming, type_iris, labels, lang, numbers, confidence, incoming=True)

    def name(iri: str) -> TermView:
        return view(ox.NamedNode(iri), labels, lang)

    return dict(
        lang=lang,
        base=base,
        name=name,
        anchor=kinds.text_anchor,
        iri=node.value,
        title=labels.text(node.value, lang),
        summary=summary,
        page_confidence=fact_table.page_confidence(facts, confidence),
        **record.sections(service, node, type_iris, lang),
        types=[view(t, labels, lang) for t in _most_specific(out)],
        wikidata=[f.other.value for f in out if f.predicate.value == SAME_AS and f.other.value.startswith(ns.WD)],
        outgoing=[r for r in outgoing if not r["aligned"]],
        aligned=[r for r in outgoing if r["aligned"]],
        incoming=[r for r in incoming_rows if not r["aligned"]],
        incoming_aligned=[r for r in incoming_rows if r["aligned"]],
        more_incoming=_more_incoming(service, node, incoming, lang, sparql_url),
        sources=[_source_view(gr, s, numbers[gr], labels, lang)
                 for gr, s in sorted(sources.items(), key=lambda item: numbers[item[0]])],
        source_kinds=_source_kinds(sources.values(), labels, lang),
        jsonld=schemaorg.script_text(schemaorg.entity(node.value, page_url, facts, labels, lang, schema)),
    )


def _most_specific(out: list[entity.Fact]) -> list[ox.NamedNode]:
    """The types a source states (a lead motion), not those only the inferred graphs add (also a
    resolution, a conference item, a creative work); all of them stay in the property table."""
    stated = [f.other for f in out if f.predicate.value == RDF_TYPE
              and any(not g.startswith(INFERRED) for g in f.graphs)]
    ours = [t for t in stated if t.value.startswith(ns.ONT)]
    return ours or stated or [f.other for f in out if f.predicate.value == RDF_TYPE]


def _source_view(graph: str, s: entity.Source, number: int, labels: Labels, lang: str) -> dict:
    """One footnote: the document by title, its publisher, date and kind, a link to it; the graph;
    a curation record's count of documents and its confidence when less than high."""
    issued = None
    if s.issued:
        try:
            issued = format_date(s.issued, lang)
        except ValueError:
            issued = s.issued
    return {
        "number": number, "graph": view(ox.NamedNode(graph), labels, lang),
        "document": fact_table.term_view(ox.NamedNode(s.document), labels, lang) if s.document else None, "url": s.url,
        "documents": s.documents, "issued": issued,
        "publisher": view(ox.NamedNode(s.publisher), labels, lang) if s.publisher else None,
        "publisher_name": s.publisher_name,
        "confidence": fact_table.CONFIDENCE.get(s.confidence or ""),
        "kinds": [(view(ox.NamedNode(kind), labels, lang), n) for kind, n in s.kinds],
    }


def _source_kinds(sources, labels: Labels, lang: str) -> list[tuple[str, int]]:
    """How many of the page's source documents are of each kind (official record, news, ...)."""
    counts: dict[str, int] = defaultdict(int)
    for s in sources:
        for kind, n in s.kinds:
            counts[kind] += n
    return sorted(((labels.text(k, lang), n) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0]))


def _source_text(release: Release | None, node: ox.NamedNode, statements: list[dict]):
    """The document's verbatim text from the release, with its statements marked (None without one)."""
    text = texts.of_document(release, node.value)
    if text is None:
        return None
    return texts.mark(text, [(s["iri"], s["text"]) for s in statements])


def _statement_anchor(service: QueryService, release: Release | None, node: ox.NamedNode, document: str) -> str:
    """Where a statement stands in its document's page: its mark (#s-{key}) where the document's text
    marks it (as _source_text does), else the text's section, else the page itself."""
    text = texts.of_document(release, document)
    if text is None:
        return ""
    rows = service.select(ns.sparql_prologue(["intmk"]) + f"SELECT ?x ?a WHERE {{ ?x intmk:statedIn {ox.NamedNode(document)} ; "
                          "intmk:text ?a }")
    statements = {r["x"].value: r["a"].value for r in rows}
    marked = texts.mark(text, sorted(statements.items())).marked
    return f"#{kinds.text_anchor(node.value)}" if node.value in marked else "#source-text"


def _more_incoming(service: QueryService, node: ox.NamedNode, shown: list[entity.Fact], lang: str,
                   sparql_url: str) -> dict | None:
    """When entity.facts stopped at MAX_INCOMING statements: how many there are, and the query for all."""
    if sum(len(f.graphs) for f in shown) < entity.MAX_INCOMING:
        return None
    total = entity.incoming_count(service, node)
    if total <= len(shown):
        return None
    query = entity.incoming_query(node)
    return {"text": message("entity.more_incoming", lang, shown=len(shown), total=total), "query": query,
            "href": sparql_url + "?" + urlencode({"query": query})}


# --- named graphs --------------------------------------------------------------------------------

def graph_list(service: QueryService) -> list[dict]:
    """Every named graph with its number of triples and, for a source graph, its document."""
    counts = {r["g"].value: int(r["n"].value) for r in service.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    sources = entity.sources(service, set(counts))
    return [
        {"graph": gr, "href": paths.local(gr), "triples": counts[gr],
         "document": sources[gr].document if gr in sources else None, "url": sources[gr].url if gr in sources else None,
         "documents": sources[gr].documents if gr in sources else 0}
        for gr in sorted(counts)
    ]


def graph_view(service: QueryService, node: ox.NamedNode, quads: list[ox.Quad], lang: str, *,
               base: str, max_triples: int) -> dict:
    """What the page of the named graph `node` shows: its first `max_triples` triples by subject."""
    shown = quads[:max_triples]
    source = entity.sources(service, {node.value}).get(node.value)
    labels = Labels.fetch(
        service,
        iris_in(t for q in shown for t in (q.subject, q.predicate, q.object))
        | ({source.document} if source and source.document else set()),
    )
    return dict(
        lang=lang,
        base=base,
        iri=node.value,
        title=paths.curie(node.value),
        document=view(ox.NamedNode(source.document), labels, lang) if source and source.document else None,
        url=source.url if source else None,
        count=len(quads),
        shown=len(shown),
        subjects=subject_sections([q.triple for q in shown], labels, lang),
    )

"""Dereferenceable IRIs: /id/... answers 303 See Other to /doc/..., the document about the thing.

/doc/... serves HTML or RDF by content negotiation (or a suffix: .html .ttl .jsonld .nt .rdf
.trig .nq); the quad syntaxes keep the source graph of each statement. /graph/... serves the
named graphs, one per source document.
"""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from ... import formats
from ... import namespaces as ns
from ...readable import format_date, message
from .. import state
from ..http import paths
from ..http.conneg import HTML_OFFER, RDF_OFFERS, Offer, localized, negotiate, page_language, split_suffix
from ..http.origin import public_url
from ..pages import entity, kinds, record, schemaorg, texts
from ..pages import facts as fact_table
from ..pages.labels import Labels, TermView, iris_in, subject_sections, view

bp = Blueprint("resources", __name__)

TRIG = formats.TRIG
NQUADS = formats.N_QUADS
JSON = formats.JSON
DOC_OFFERS = [HTML_OFFER, *RDF_OFFERS, TRIG, NQUADS]
GRAPH_OFFERS = [HTML_OFFER, TRIG, NQUADS, *(o for o in RDF_OFFERS if o.key in ("ttl", "nt"))]
MAX_HTML_TRIPLES = 5000
PARAMETERS = ("lang", "format")  # the only query parameters these pages read

RDF_TYPE = ns.PREFIXES["rdf"] + "type"
SAME_AS = ns.PREFIXES["owl"] + "sameAs"
INFERRED = ns.BASE + "graph/inferred"  # graph/inferred and graph/inferred-medium


def _service():
    return state.current().service


@bp.before_request
def known_parameters_only():
    """A parameter no page reads (`?x=1`) would make one more cache entry of the same page, and
    the page's work once more: send the client, once and for good, to the URL without it."""
    if all(name in PARAMETERS for name in request.args):
        return None
    kept = [(k, v) for k, v in request.args.items(multi=True) if k in PARAMETERS]
    target = quote(request.script_root + request.path, safe="/:@!$&'()*+,;=-._~")
    return redirect(target + ("?" + urlencode(kept) if kept else ""), 301)


def _alternates(response: Response, endpoint: str, name_arg: str, values: dict, offers: list[Offer], chosen: Offer) -> None:
    """Content-Location of the variant sent, a Link to every variant, and Vary: Accept."""
    def variant(offer: Offer) -> str:
        return url_for(endpoint, **{**values, name_arg: f"{values[name_arg]}.{offer.key}"})

    response.headers["Content-Location"] = variant(chosen)
    response.headers["Link"] = ", ".join(f'<{variant(o)}>; rel="alternate"; type="{o.media_type}"' for o in offers)
    response.vary.add("Accept")


def _negotiate(name: str, offers: list[Offer]) -> tuple[str, Offer]:
    name, suffix = split_suffix(name, offers)
    offer = negotiate(request, offers, suffix or request.args.get("format"))
    g.error_media = offer.media_type  # a 404 from here on comes in the format asked for
    return name, offer


@bp.get("/id/<kind>/<key>")
def identifier(kind: str, key: str):
    node = paths.checked_iri(paths.canonical(f"id/{kind}/{key}"))
    if not _service().ask(f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s ?p {node} }} }}"):
        abort(404, description=f"No resource has the IRI {node.value}")
    return redirect(url_for(".document", kind=kind, key=key), 303)


@bp.get("/doc/<kind>/<key>")
def document(kind: str, key: str):
    key, offer = _negotiate(key, DOC_OFFERS)
    node = paths.checked_iri(paths.canonical(f"id/{kind}/{key}"))
    if offer is HTML_OFFER:
        response = _entity_page(node, url_for(".document", kind=kind, key=key))
    else:
        items = entity.quad_document(_service(), node) if offer in (TRIG, NQUADS) else entity.description(_service(), node)
        if not items:
            abort(404, description=f"No resource has the IRI {node.value}")
        response = Response(entity.serialize(items, offer.key), mimetype=offer.media_type)
    _alternates(response, ".document", "key", {"kind": kind, "key": key}, DOC_OFFERS, offer)
    return response


def _entity_page(node: ox.NamedNode, base: str) -> Response:
    service = _service()
    lang = page_language()
    facts = entity.facts(service, node)
    if not facts:
        abort(404, description=f"No resource has the IRI {node.value}")
    sources = entity.sources(service, {gr for f in facts for gr in f.graphs})
    numbers = {gr: i for i, gr in enumerate(sorted(sources), start=1)}
    out = [f for f in facts if f.direction == "out"]
    incoming = [f for f in facts if f.direction == "in"]
    types = [f.other for f in out if f.predicate.value == RDF_TYPE]
    type_iris = {t.value for t in types}
    confidence = {gr: s.confidence for gr, s in sources.items()}
    summary = kinds.summary(service, node, facts, numbers, lang, confidence)
    if summary is not None and summary.kind == "document":
        summary.data["text"] = _source_text(node, summary.data["statements"])
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

    response = Response(render_template(
        "resource.html",
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
        more_incoming=_more_incoming(service, node, incoming, lang),
        sources=[_source_view(gr, s, numbers[gr], labels, lang)
                 for gr, s in sorted(sources.items(), key=lambda item: numbers[item[0]])],
        source_kinds=_source_kinds(sources.values(), labels, lang),
        formats=[o for o in DOC_OFFERS if o is not HTML_OFFER],
        jsonld=schemaorg.script_text(schemaorg.entity(node.value, public_url(base.removeprefix(request.script_root)), facts, labels, lang, schema)),
    ), mimetype="text/html")
    return localized(response, lang)


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


def _source_text(node: ox.NamedNode, statements: list[dict]):
    """The document's verbatim text from the release, with its statements marked (None without one)."""
    text = texts.of_document(state.current().release, node.value)
    if text is None:
        return None
    return texts.mark(text, [(s["iri"], s["text"]) for s in statements])


def _more_incoming(service, node: ox.NamedNode, shown: list[entity.Fact], lang: str) -> dict | None:
    """When entity.facts stopped at MAX_INCOMING statements: how many there are, and the query for all."""
    if sum(len(f.graphs) for f in shown) < entity.MAX_INCOMING:
        return None
    total = entity.incoming_count(service, node)
    if total <= len(shown):
        return None
    query = entity.incoming_query(node)
    return {"text": message("entity.more_incoming", lang, shown=len(shown), total=total), "query": query,
            "href": request.script_root + "/sparql?" + urlencode({"query": query})}


@bp.get("/graph/")
def graphs():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    service = _service()
    counts = {r["g"].value: int(r["n"].value) for r in service.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    sources = entity.sources(service, set(counts))
    items = [
        {"graph": gr, "href": paths.local(gr), "triples": counts[gr],
         "document": sources[gr].document if gr in sources else None, "url": sources[gr].url if gr in sources else None,
         "documents": sources[gr].documents if gr in sources else 0}
        for gr in sorted(counts)
    ]
    if offer is JSON:
        response = current_app.json.response({"graphs": items})
    else:
        response = Response(render_template("graphs.html", graphs=items), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/graph/<name>")
def graph(name: str):
    name, offer = _negotiate(name, GRAPH_OFFERS)
    service = _service()
    node = paths.checked_iri(paths.canonical(f"graph/{name}"))
    if node.value not in service.graph_names():
        abort(404, description=f"No named graph has the IRI {node.value}")
    quads = entity.graph_quads(service, node)
    if offer is HTML_OFFER:
        response = _graph_page(node, quads, url_for(".graph", name=name))
    else:
        response = Response(entity.serialize(quads, offer.key), mimetype=offer.media_type)
    _alternates(response, ".graph", "name", {"name": name}, GRAPH_OFFERS, offer)
    return response


def _graph_page(node: ox.NamedNode, quads: list[ox.Quad], base: str) -> Response:
    service = _service()
    lang = page_language()
    shown = quads[:MAX_HTML_TRIPLES]
    source = entity.sources(service, {node.value}).get(node.value)
    labels = Labels.fetch(
        service,
        iris_in(t for q in shown for t in (q.subject, q.predicate, q.object))
        | ({source.document} if source and source.document else set()),
    )
    response = Response(render_template(
        "graph.html",
        lang=lang,
        base=base,
        iri=node.value,
        title=paths.curie(node.value),
        document=view(ox.NamedNode(source.document), labels, lang) if source and source.document else None,
        url=source.url if source else None,
        count=len(quads),
        shown=len(shown),
        subjects=subject_sections([q.triple for q in shown], labels, lang),
        formats=[o for o in GRAPH_OFFERS if o is not HTML_OFFER],
    ), mimetype="text/html")
    return localized(response, lang)

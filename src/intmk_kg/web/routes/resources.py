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
from .. import state
from ..http import paths
from ..http.conneg import HTML_OFFER, RDF_OFFERS, Offer, localized, negotiate, page_language, split_suffix
from ..http.origin import public_url
from ..pages import entity, record, schemaorg
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

    response = Response(render_template(
        "resource.html",
        lang=lang,
        base=base,
        words=HEADINGS[lang],
        iri=node.value,
        title=labels.text(node.value, lang),
        **record.sections(service, node, {t.value for t in types}, lang),
        types=[view(t, labels, lang) for t in types],
        wikidata=[f.other.value for f in out if f.predicate.value == SAME_AS and f.other.value.startswith(ns.WD)],
        outgoing=_rows(out, labels, lang, numbers) + _unknown_rows(out, labels, lang),
        incoming=_rows(incoming, labels, lang, numbers),
        more_incoming=_more_incoming(service, node, incoming, lang),
        sources=[
            {"number": numbers[gr], "graph": view(ox.NamedNode(gr), labels, lang),
             "document": view(ox.NamedNode(s.document), labels, lang) if s.document else None, "url": s.url,
             "documents": s.documents,
             "kinds": [(view(ox.NamedNode(kind), labels, lang), n) for kind, n in s.kinds]}
            for gr, s in sorted(sources.items(), key=lambda item: numbers[item[0]])
        ],
        formats=[o for o in DOC_OFFERS if o is not HTML_OFFER],
        jsonld=schemaorg.script_text(schemaorg.entity(node.value, public_url(base.removeprefix(request.script_root)), facts, labels, lang, schema)),
    ), mimetype="text/html")
    return localized(response, lang)


def _more_incoming(service, node: ox.NamedNode, shown: list[entity.Fact], lang: str) -> dict | None:
    """When entity.facts stopped at MAX_INCOMING statements: how many there are, and the query for all."""
    if sum(len(f.graphs) for f in shown) < entity.MAX_INCOMING:
        return None
    total = entity.incoming_count(service, node)
    if total <= len(shown):
        return None
    query = entity.incoming_query(node)
    return {"text": MORE_INCOMING[lang].format(shown=len(shown), total=total), "query": query,
            "href": request.script_root + "/sparql?" + urlencode({"query": query})}


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

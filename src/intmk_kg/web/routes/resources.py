"""Dereferenceable IRIs: /id/... answers 303 See Other to /doc/..., the document about the thing.

/doc/... serves HTML or RDF by content negotiation (or a suffix: .html .ttl .jsonld .nt .rdf
.trig .nq); the quad syntaxes keep the source graph of each statement. /graph/... serves the
named graphs, one per source document.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for

from ... import formats
from ...readable import message
from .. import state
from ..http import paths
from ..http.conneg import (
    HTML_OFFER,
    RDF_OFFERS,
    Offer,
    localized,
    negotiate,
    page_language,
    preferred_language,
    split_suffix,
)
from ..http.origin import public_url
from ..pages import entity, entity_page

bp = Blueprint("resources", __name__)

TRIG = formats.TRIG
NQUADS = formats.N_QUADS
JSON = formats.JSON
DOC_OFFERS = [HTML_OFFER, *RDF_OFFERS, TRIG, NQUADS]
GRAPH_OFFERS = [HTML_OFFER, TRIG, NQUADS, *(o for o in RDF_OFFERS if o.key in ("ttl", "jsonld", "nt"))]
MAX_HTML_TRIPLES = 5000
PARAMETERS = ("lang", "format")  # the only query parameters these pages read


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
        abort(404, description=message("error.no_resource", preferred_language(), iri=node.value))
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
            abort(404, description=message("error.no_resource", preferred_language(), iri=node.value))
        response = Response(entity.serialize(items, offer.key), mimetype=offer.media_type)
    _alternates(response, ".document", "key", {"kind": kind, "key": key}, DOC_OFFERS, offer)
    return response


def _entity_page(node: ox.NamedNode, base: str) -> Response:
    lang = page_language()
    page = entity_page.entity_view(
        _service(), state.current().release, node, lang, base=base,
        page_url=public_url(base.removeprefix(request.script_root)), sparql_url=request.script_root + "/sparql")
    if page is None:
        abort(404, description=message("error.no_resource", preferred_language(), iri=node.value))
    html = render_template("resource.html", **page, formats=[o for o in DOC_OFFERS if o is not HTML_OFFER])
    return localized(Response(html, mimetype="text/html"), lang)


@bp.get("/graph/")
def graphs():
    page_language()  # a ?lang other than de or en is 400, as on every page
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    items = entity_page.graph_list(_service())
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
        abort(404, description=message("error.no_graph", preferred_language(), iri=node.value))
    quads = entity.graph_quads(service, node)
    if offer is HTML_OFFER:
        response = _graph_page(node, quads, url_for(".graph", name=name))
    elif offer.key == "jsonld":
        response = Response(entity.named_graph_jsonld(quads, node), mimetype=offer.media_type)
    else:
        response = Response(entity.serialize(quads, offer.key), mimetype=offer.media_type)
    _alternates(response, ".graph", "name", {"name": name}, GRAPH_OFFERS, offer)
    return response


def _graph_page(node: ox.NamedNode, quads: list[ox.Quad], base: str) -> Response:
    lang = page_language()
    page = entity_page.graph_view(_service(), node, quads, lang, base=base, max_triples=MAX_HTML_TRIPLES)
    html = render_template("graph.html", **page, formats=[o for o in GRAPH_OFFERS if o is not HTML_OFFER])
    return localized(Response(html, mimetype="text/html"), lang)

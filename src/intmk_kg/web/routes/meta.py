"""The vocabulary and the dataset description: /ontology, /shapes and /.well-known/void.

Each is a file of the release, served as it is (Turtle), converted (other RDF syntaxes) or
documented (HTML). Hash IRIs such as `.../ontology#Conference` reach /ontology; the fragment
stays in the client and the HTML has an anchor for every term.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from .. import state
from ..http.conneg import HTML_OFFER, RDF_OFFERS, localized, negotiate, page_language
from ..pages import entity, vocabulary

bp = Blueprint("meta", __name__)

OFFERS = [HTML_OFFER, *RDF_OFFERS]


def _release():
    release = state.current().release
    if release is None:
        abort(404, description="This server serves RDF files without a release; it has no ontology, shapes or VoID file.")
    return release


def _cache() -> dict:
    """Documents derived from the release, made once per process (the release never changes)."""
    return current_app.extensions.setdefault("intmk.meta", {})


def _serve(filename: str, base: str, suffix: str | None, html) -> Response:
    """A Turtle file of the release in the negotiated syntax, or `html()` for browsers."""
    offer = negotiate(request, OFFERS, suffix or request.args.get("format"))
    release = _release()
    if offer is HTML_OFFER:
        response = html()
    elif offer.key == "ttl":
        response = Response(release.file(filename).read_bytes(), mimetype=offer.media_type)
    else:
        key = (filename, release.version, offer.key)
        cache = _cache()
        if key not in cache:
            triples = [q.triple for q in ox.parse(path=str(release.file(filename)), format=ox.RdfFormat.TURTLE)]
            cache[key] = entity.serialize(triples, offer.key)
        response = Response(cache[key], mimetype=offer.media_type)
    response.vary.add("Accept")
    response.headers["Content-Location"] = f"{base}.{offer.key}"
    response.headers["Link"] = ", ".join(f'<{base}.{o.key}>; rel="alternate"; type="{o.media_type}"' for o in OFFERS)
    return response


# --- ontology ------------------------------------------------------------------------------------

@bp.get("/ontology", defaults={"suffix": None})
@bp.get("/ontology.<suffix>")
def ontology(suffix: str | None):
    return _serve("ontology.ttl", "/ontology", suffix, _ontology_page)


def _ontology_page() -> Response:
    lang = page_language()
    key = ("ontology.html", _release().version, lang)
    cache = _cache()
    if key not in cache:
        cache[key] = vocabulary.ontology_html(_release().file("ontology.ttl"), lang)
    return localized(Response(cache[key], mimetype="text/html"), lang)


# --- shapes --------------------------------------------------------------------------------------

@bp.get("/shapes", defaults={"suffix": None})
@bp.get("/shapes.<suffix>")
def shapes(suffix: str | None):
    return _serve("shapes.ttl", "/shapes", suffix, _shapes_page)


def _shapes_page() -> Response:
    listing, title = vocabulary.shapes_listing(_release().file("shapes.ttl"))
    return Response(render_template("shapes.html", shapes=listing, title=title), mimetype="text/html")


# --- VoID ----------------------------------------------------------------------------------------

@bp.get("/void", defaults={"suffix": None})
@bp.get("/void.<suffix>")
def void(suffix: str | None):
    return _serve("void.ttl", "/void", suffix, _void_page)


@bp.get("/.well-known/void")
def well_known_void():
    """The well-known address of the description (RFC 8615, VoID section 7)."""
    return void(None)


def _void_page() -> Response:
    lang = page_language()
    sections = vocabulary.void_sections(_release().file("void.ttl"), state.current().service, lang)
    return localized(Response(render_template("void.html", lang=lang, sections=sections), mimetype="text/html"), lang)


@bp.get("/dataset")
@bp.get("/dataset/<path:rest>")
def dataset(rest: str | None = None):
    """The dataset's IRI and its parts (distributions, linkset) are described in the VoID file."""
    return redirect(url_for(".void"), 303)

"""The vocabulary and the dataset description: /ontology, /shapes and /.well-known/void.

Each is a file of the release, served as it is (Turtle), converted (other RDF syntaxes) or
documented (HTML). Hash IRIs such as `.../ontology#Conference` reach /ontology; the fragment
stays in the client and the HTML has an anchor for every term.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from ... import namespaces as ns
from .. import state
from ..http import paths
from ..http.conneg import HTML_OFFER, RDF_OFFERS, localized, negotiate, page_language
from ..pages import entity
from ..pages.labels import Labels, subject_sections

bp = Blueprint("meta", __name__)

OFFERS = [HTML_OFFER, *RDF_OFFERS]
INTMK = rdflib.Namespace(ns.ONT)


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
        cache[key] = _pylode_page(lang)
    return localized(Response(cache[key], mimetype="text/html"), lang)


def _pylode_page(lang: str) -> str:
    """pyLODE's documentation of the OWL terms in one language, with an anchor per local name."""
    graph = rdflib.Graph()
    graph.parse(_release().file("ontology.ttl"), format="turtle")
    not_owl = set(graph.subjects(RDF.type, SKOS.ConceptScheme)) | set(graph.subjects(RDF.type, INTMK.Topic))
    for s, p, o in list(graph):
        if s in not_owl or (isinstance(o, rdflib.Literal) and o.language not in (None, lang)):
            graph.remove((s, p, o))
    with _logging_kept():
        from pylode import OntPub

        html = OntPub(graph).make_html()
    return _site_header(_local_name_anchors(html), lang)


@contextmanager
def _logging_kept():
    """pyLODE calls logging.basicConfig(DEBUG) when it loads a module; keep the server's logging."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


ENTITY_DIV = re.compile(r'<div class="[^"]*\bentity\b[^"]*" id="([^"]+)">.*?<code>' + re.escape(ns.ONT) + r'([^<]+)</code>', re.S)
ANCHOR = re.compile(r'(id="|href="#)([^"]+)"')


def _local_name_anchors(html: str) -> str:
    """pyLODE names sections after labels; rename them after local names so `#Conference` lands."""
    renames = {old: new for old, new in ENTITY_DIV.findall(html) if old != new}
    return ANCHOR.sub(lambda m: m.group(1) + renames.get(m.group(2), m.group(2)) + '"', html)


def _site_header(html: str, lang: str) -> str:
    other = "en" if lang == "de" else "de"
    names = {"de": "Deutsch", "en": "English"}
    header = (
        '<nav aria-label="Site" style="padding:.5rem 1rem;border-bottom:1px solid #ccc">'
        '<a href="/">IntMK knowledge graph</a> · '
        f'<a href="/ontology?lang={other}" hreflang="{other}" lang="{other}">{names[other]}</a> · '
        '<a href="/ontology.ttl" type="text/turtle">Turtle</a> · <a href="/shapes">SHACL shapes</a></nav>'
    )
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    return html.replace("<body>", "<body>\n" + header, 1)


# --- shapes --------------------------------------------------------------------------------------

@bp.get("/shapes", defaults={"suffix": None})
@bp.get("/shapes.<suffix>")
def shapes(suffix: str | None):
    return _serve("shapes.ttl", "/shapes", suffix, _shapes_page)


def _shapes_page() -> Response:
    graph = rdflib.Graph()
    graph.parse(_release().file("shapes.ttl"), format="turtle")
    listing = []
    for shape in sorted(set(graph.subjects(RDF.type, SH.NodeShape)), key=str):
        targets = [
            f"{_short(p)} {_text(graph, o)}"
            for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
            for o in sorted(graph.objects(shape, p), key=str)
        ]
        properties = []
        for prop in graph.objects(shape, SH.property):
            path = graph.value(prop, SH.path)
            rules = [
                f"{_short(p)} {_text(graph, o)}"
                for p, o in sorted(graph.predicate_objects(prop), key=lambda po: (str(po[0]), str(po[1])))
                if p not in (SH.path, SH.message)
            ]
            properties.append({"path": _text(graph, path) if path is not None else "", "rules": rules,
                               "message": graph.value(prop, SH.message)})
        properties.sort(key=lambda p: (p["path"], p["rules"]))
        listing.append({
            "name": str(shape).rsplit("#", 1)[-1],
            "iri": str(shape),
            "anchor": str(shape).rsplit("#", 1)[-1],
            "comment": graph.value(shape, RDFS.comment),
            "targets": targets,
            "properties": properties,
            "sparql": [str(graph.value(c, SH.select)) for c in graph.objects(shape, SH.sparql) if graph.value(c, SH.select)],
        })
    return Response(render_template("shapes.html", shapes=listing, title=graph.value(rdflib.URIRef(ns.SHAPES), RDFS.label)),
                    mimetype="text/html")


def _short(term) -> str:
    return paths.curie(str(term)) if isinstance(term, rdflib.URIRef) else str(term)


def _text(graph: rdflib.Graph, term) -> str:
    """A Turtle-like one-line rendering of a constraint value, nested nodes included."""
    if isinstance(term, rdflib.URIRef):
        return _short(term)
    if isinstance(term, rdflib.Literal):
        if term.language:
            return f'"{term}"@{term.language}'
        if term.datatype is None or term.datatype == XSD.string:
            return f'"{term}"'
        return str(term) if term.datatype in (XSD.integer, XSD.decimal, XSD.boolean) else f'"{term}"^^{_short(term.datatype)}'
    if graph.value(term, RDF.first) is not None:
        return "( " + " ".join(_text(graph, item) for item in Collection(graph, term)) + " )"
    inner = " ; ".join(f"{_short(p)} {_text(graph, o)}" for p, o in sorted(graph.predicate_objects(term)))
    return f"[ {inner} ]"


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
    triples = [q.triple for q in ox.parse(path=str(_release().file("void.ttl")), format=ox.RdfFormat.TURTLE)]
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    labels = Labels.fetch(state.current().service, iris)
    sections = subject_sections(triples, labels, lang)
    sections.sort(key=lambda s: s["subject"].value != ns.DATASET)  # the dataset first, the rest as they were
    return localized(Response(render_template("void.html", lang=lang, sections=sections), mimetype="text/html"), lang)


@bp.get("/dataset")
@bp.get("/dataset/<path:rest>")
def dataset(rest: str | None = None):
    """The dataset's IRI and its parts (distributions, linkset) are described in the VoID file."""
    return redirect(url_for(".void"), 303)

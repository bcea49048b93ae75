"""What the pages of the vocabulary and the dataset description show: the ontology documented by
pyLODE (an anchor per local name, our header), the SHACL shapes as a listing, the VoID file as
sections. routes/meta.py serves them and their RDF."""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from ... import namespaces as ns
from ..http import paths
from ..query.service import QueryService
from .labels import Labels, subject_sections

INTMK = rdflib.Namespace(ns.ONT)


def ontology_html(ontology_ttl: Path, lang: str) -> str:
    """pyLODE's documentation of the OWL terms in one language, with an anchor per local name."""
    graph = rdflib.Graph()
    graph.parse(ontology_ttl, format="turtle")
    not_owl = set(graph.subjects(RDF.type, SKOS.ConceptScheme)) | set(graph.subjects(RDF.type, INTMK.Topic))
    for s, p, o in list(graph):
        if s in not_owl or (isinstance(o, rdflib.Literal) and o.language not in (None, lang)):
            graph.remove((s, p, o))
    with _logging_kept():
        from pylode import OntPub  # here, inside _logging_kept: importing it reconfigures logging

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
    html = html.replace("</head>", '<link rel="stylesheet" href="/static/ontology.css">\n</head>', 1)
    return html.replace("<body>", "<body>\n" + header, 1)


def shapes_listing(shapes_ttl: Path) -> tuple[list[dict], str | None]:
    """Each node shape with its targets, property rules and SPARQL constraints; and the shapes' title."""
    graph = rdflib.Graph()
    graph.parse(shapes_ttl, format="turtle")
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
    return listing, graph.value(rdflib.URIRef(ns.SHAPES), RDFS.label)


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


def void_sections(void_ttl: Path, service: QueryService, lang: str) -> list[dict]:
    """The VoID file's triples by subject, the dataset first, labelled in `lang`."""
    triples = [q.triple for q in ox.parse(path=str(void_ttl), format=ox.RdfFormat.TURTLE)]
    iris = {t.value for tr in triples for t in (tr.subject, tr.predicate, tr.object) if isinstance(t, ox.NamedNode)}
    sections = subject_sections(triples, Labels.fetch(service, iris), lang)
    sections.sort(key=lambda s: s["subject"].value != ns.DATASET)  # the dataset first, the rest as they were
    return sections

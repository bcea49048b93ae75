"""A small builder for quads in one named graph, so mapping code reads like Turtle."""

from __future__ import annotations

import pyoxigraph as ox

from . import namespaces as ns

XSD = ns.PREFIXES["xsd"]


def iri(value: str) -> ox.NamedNode:
    """Expand 'prefix:local' or take a full IRI."""
    if "://" not in value and ":" in value:
        prefix, local = value.split(":", 1)
        if prefix in ns.PREFIXES:
            return ox.NamedNode(ns.PREFIXES[prefix] + local)
    return ox.NamedNode(value)


def lit(value: str, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=iri(datatype))
    return ox.Literal(value)


def date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def integer(value: int | str) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))


class GraphWriter:
    """Collects quads for one named graph."""

    def __init__(self, graph_iri: str):
        self.graph = ox.NamedNode(graph_iri)
        self.quads: list[ox.Quad] = []

    def add(self, s: str | ox.NamedNode, p: str, o: str | ox.NamedNode | ox.Literal) -> None:
        subject = s if isinstance(s, (ox.NamedNode, ox.BlankNode)) else iri(s)
        obj = o if isinstance(o, (ox.NamedNode, ox.BlankNode, ox.Literal)) else iri(o)
        self.quads.append(ox.Quad(subject, iri(p), obj, self.graph))

    def labels(self, s: str, de: str, en: str, prop: str = "rdfs:label") -> None:
        self.add(s, prop, lit(de, "de"))
        self.add(s, prop, lit(en, "en"))

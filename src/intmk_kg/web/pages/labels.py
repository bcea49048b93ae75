"""Labels for every term on a page, fetched in one query, and how a term shows on a page.

A page with a hundred links asks the store once for all their labels; asking per link would
make page time grow with the number of links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ... import namespaces as ns
from ..http import paths
from ..http.conneg import LANGUAGES
from ..query.service import QueryService

LABEL_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX intmk: <https://w3id.org/intmk/ontology#>
SELECT ?s ?label ?rank WHERE {
  { VALUES ?s { %(values)s } ?s skos:prefLabel ?label BIND(1 AS ?rank) }
  UNION { VALUES ?s { %(values)s } ?s rdfs:label ?label BIND(2 AS ?rank) }
  UNION { VALUES ?s { %(values)s } ?s intmk:inverseLabel ?label BIND(3 AS ?rank) }
  UNION { VALUES ?s { %(values)s } ?s owl:inverseOf|^owl:inverseOf ?inverse . ?inverse rdfs:label ?label BIND(4 AS ?rank) }
}"""
# VALUES inside each branch: one VALUES outside the UNION made the engine (pyoxigraph 0.4) read every
# label of the store once per IRI asked for (181 s for the 207 IRIs of a topic's page at 1M triples).
INVERSE_RANKS = (3, 4)  # intmk:inverseLabel, else the label of the owl:inverseOf property


class Labels:
    """Labels by IRI and language tag ("" for plain strings); for properties also the name of the
    link read from its object (`intmk:inverseLabel`, else the label of its `owl:inverseOf`)."""

    def __init__(self, by_iri: dict[str, dict[str, str]] | None = None,
                 inverse_by_iri: dict[str, dict[str, str]] | None = None):
        self.by_iri = by_iri or {}
        self.inverse_by_iri = inverse_by_iri or {}

    @classmethod
    def fetch(cls, service: QueryService, iris: Iterable[str]) -> "Labels":
        wanted = sorted(set(iris))
        if not wanted:
            return cls()
        values = " ".join(str(ox.NamedNode(i)) for i in wanted)
        best: dict[tuple[str, str], tuple[int, str]] = {}
        inverse: dict[tuple[str, str], tuple[int, str]] = {}
        for row in service.select(LABEL_QUERY % {"values": values}):
            label = row["label"]
            if isinstance(label, ox.Literal):
                key = (row["s"].value, label.language or "")
                candidate = (int(row["rank"].value), label.value)  # skos:prefLabel first, then the smallest
                chosen = inverse if candidate[0] in INVERSE_RANKS else best
                chosen[key] = min(chosen.get(key, candidate), candidate)
        return cls(_by_iri(best), _by_iri(inverse))

    def get(self, iri: str, lang: str) -> str | None:
        """The label in `lang`, else in the other language, else untagged, else any."""
        found = self.by_iri.get(iri)
        if not found:
            return None
        for tag in (lang, *(t for t in LANGUAGES if t != lang), ""):
            if tag in found:
                return found[tag]
        return next(iter(found.values()))

    def text(self, iri: str, lang: str) -> str:
        return self.get(iri, lang) or paths.curie(iri)

    def inverse(self, iri: str, lang: str) -> str | None:
        """How a page names a link of this property from its object's side, in `lang` if it can."""
        found = self.inverse_by_iri.get(iri, {})
        for tag in (lang, *(t for t in LANGUAGES if t != lang), ""):
            if tag in found:
                return found[tag]
        return None


def _by_iri(best: dict[tuple[str, str], tuple[int, str]]) -> dict[str, dict[str, str]]:
    by_iri: dict[str, dict[str, str]] = {}
    for (iri, tag), (_, text) in sorted(best.items()):
        by_iri.setdefault(iri, {})[tag] = text
    return by_iri


@dataclass(frozen=True)
class TermView:
    """What a template needs to show one RDF term; templates escape every field."""

    kind: str  # "iri", "literal" or "bnode"
    text: str
    value: str  # the IRI, the literal's lexical form or the blank node id
    href: str | None = None
    external: bool = False
    lang: str | None = None
    datatype: str | None = None


def iris_in(terms: Iterable[object]) -> set[str]:
    return {t.value for t in terms if isinstance(t, ox.NamedNode)}


def view(term, labels: Labels, lang: str) -> TermView:
    if isinstance(term, ox.NamedNode):
        href = paths.href(term.value)
        return TermView("iri", labels.text(term.value, lang), term.value, href or paths.web_link(term.value), href is None)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown = None if datatype in (ns.PREFIXES["xsd"] + "string", ns.PREFIXES["rdf"] + "langString") else paths.curie(datatype)
        return TermView("literal", term.value, term.value, lang=term.language, datatype=shown)
    return TermView("bnode", f"_:{term.value}", term.value, href=f"#b-{term.value}")


RDF_TYPE = ns.PREFIXES["rdf"] + "type"


def subject_sections(triples: list[ox.Triple], labels: Labels, lang: str) -> list[dict]:
    """Triples grouped by subject, then property; a blank node is shown inside the row that names it."""
    grouped: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        grouped[t.subject][t.predicate.value].append(t.object)
    referenced = {t.object for t in triples if isinstance(t.object, ox.BlankNode)}

    def rows(subject, seen: frozenset) -> list[dict]:
        props = grouped.get(subject, {})
        return [
            {"property": view(ox.NamedNode(p), labels, lang),
             "values": [value(o, seen | {subject}) for o in sorted(props[p], key=str)]}
            for p in sorted(props, key=lambda p: (p != RDF_TYPE, p))
        ]

    def value(o, seen: frozenset) -> dict:
        nested = isinstance(o, ox.BlankNode) and o in grouped and o not in seen
        return {"term": view(o, labels, lang), "nested": rows(o, seen) if nested else None}

    top = [s for s in grouped if s not in referenced]
    return [
        {"subject": view(s, labels, lang), "anchor": f"b-{s.value}" if isinstance(s, ox.BlankNode) else None,
         "rows": rows(s, frozenset())}
        for s in sorted(top, key=lambda s: (isinstance(s, ox.BlankNode), str(s)))
    ]

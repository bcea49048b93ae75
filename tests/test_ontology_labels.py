"""Labels of the ontology for the reader pages: every term in German and English, and every object
property with an inverse label (intmk:inverseLabel), so that a page names its incoming links from its
own point of view ("Andreas Philippi — führte den Vorsitz — ...")."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parents[1]
INTMK = rdflib.Namespace("https://w3id.org/intmk/ontology#")
INVERSE = INTMK.inverseLabel


def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        g.parse(path)
    return g


def by_lang(g: rdflib.Graph, s, p) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in g.objects(s, p):
        out.setdefault(o.language, []).append(str(o))
    return out


def test_every_object_property_has_one_inverse_label_per_language():
    g = ontology()
    properties = set(g.subjects(RDF.type, OWL.ObjectProperty))
    assert len(properties) > 60
    for p in properties:
        labels, inverse = by_lang(g, p, RDFS.label), by_lang(g, p, INVERSE)
        assert set(inverse) == {"de", "en"} and all(len(v) == 1 and v[0].strip() for v in inverse.values()), p
        for lang in ("de", "en"):
            assert inverse[lang] != labels[lang], (p, lang)  # read from the other end, it says something else


def test_an_inverse_label_is_the_label_of_the_inverse_property():
    g = ontology()
    pairs = [(p, q) for p, q in g.subject_objects(OWL.inverseOf)]
    assert len(pairs) >= 10
    for p, q in pairs:
        assert by_lang(g, p, INVERSE) == by_lang(g, q, RDFS.label), (p, q)
        assert by_lang(g, q, INVERSE) == by_lang(g, p, RDFS.label), (q, p)


def test_inverse_label_is_a_declared_annotation_property():
    g = ontology()
    assert (INVERSE, RDF.type, OWL.AnnotationProperty) in g
    assert set(by_lang(g, INVERSE, RDFS.label)) == {"de", "en"} and set(by_lang(g, INVERSE, RDFS.comment)) == {"de", "en"}
    assert not set(g.subjects(RDF.type, OWL.ObjectProperty)) & set(g.subjects(RDF.type, OWL.AnnotationProperty))


def test_every_term_has_a_german_and_an_english_label():
    g = ontology()
    missing = []
    for s in set(g.subjects(RDF.type, None)):
        if not isinstance(s, rdflib.URIRef) or not str(s).startswith(("https://w3id.org/intmk/ontology#",
                                                                       "https://w3id.org/intmk/id/")):
            continue
        langs = set(by_lang(g, s, RDFS.label)) | set(by_lang(g, s, SKOS.prefLabel))
        if not {"de", "en"} <= langs:
            missing.append((str(s), sorted(filter(None, langs))))
    assert not missing


INCOMING = """
PREFIX intmk: <https://w3id.org/intmk/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?p ?label WHERE {
  ?s ?p <https://w3id.org/intmk/id/person/andreas-philippi> .
  ?p a owl:ObjectProperty ; intmk:inverseLabel ?label . FILTER (LANG(?label) = "de")
} ORDER BY ?p
"""

USED = """
PREFIX intmk: <https://w3id.org/intmk/ontology#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?p WHERE {
  { SELECT DISTINCT ?p WHERE { ?s ?p ?o FILTER isIRI(?o) } }
  ?p a owl:ObjectProperty .
  FILTER NOT EXISTS { ?p intmk:inverseLabel ?de FILTER (LANG(?de) = "de") ?p intmk:inverseLabel ?en FILTER (LANG(?en) = "en") }
}
"""


def test_the_release_names_incoming_links_from_the_object(store):
    labels = {r["p"].value.rsplit("#", 1)[1]: r["label"].value for r in store.query(INCOMING)}
    assert labels["chairPerson"] == "führte den Vorsitz"
    assert not list(store.query(USED))  # every object property in use has both inverse labels

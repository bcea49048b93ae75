"""/ontology, /shapes and /.well-known/void: the release's files as Turtle, other syntaxes and HTML."""

from __future__ import annotations

import re

import rdflib
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.compare import isomorphic

ONT = rdflib.Namespace("https://w3id.org/intmk/ontology#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
DATASET = URIRef("https://w3id.org/intmk/dataset")
CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")  # the form licence IRIs take in RDF


def graph_of(response, fmt: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=response.data, format=fmt)
    return g


def test_ontology_as_turtle_by_suffix_and_accept(client, release):
    for response in (client.get("/ontology.ttl"), client.get("/ontology", headers={"Accept": "text/turtle"})):
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        assert response.data == release.file("ontology.ttl").read_bytes()
    g = graph_of(client.get("/ontology.ttl"), "turtle")
    assert (ONT.Conference, RDF.type, OWL.Class) in g
    assert (ONT.Conference, RDFS.subClassOf, URIRef("https://schema.org/Event")) in g


def test_ontology_in_other_syntaxes(client):
    for suffix, fmt in [("jsonld", "json-ld"), ("nt", "nt"), ("rdf", "xml")]:
        g = graph_of(client.get(f"/ontology.{suffix}"), fmt)
        assert (ONT.Conference, RDFS.label, rdflib.Literal("Konferenz", lang="de")) in g, suffix


def test_ontology_html_by_pylode_with_an_anchor_per_term(client):
    response = client.get("/ontology?lang=en", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert 'id="Conference"' in page  # so https://w3id.org/intmk/ontology#Conference lands on its section
    assert 'id="location"' in page
    assert "https://w3id.org/intmk/ontology#Conference" in page
    assert 'href="/"' in page  # our way back to the site
    german = client.get("/ontology?lang=de").get_data(as_text=True)
    assert "Konferenz" in german and "conference series" not in german


def test_ontology_html_loads_nothing_from_elsewhere(client):
    page = client.get("/ontology").get_data(as_text=True)
    assert not re.search(r'<script[^>]+src=', page)
    assert not re.search(r'<link[^>]+rel="stylesheet"[^>]+href="https?:', page)


def test_shapes_as_turtle_and_html(client):
    g = graph_of(client.get("/shapes", headers={"Accept": "text/turtle"}), "turtle")
    chairmanship = URIRef("https://w3id.org/intmk/shapes#Chairmanship")
    assert (chairmanship, RDF.type, SH.NodeShape) in g
    assert (chairmanship, SH.targetClass, ONT.Chairmanship) in g
    page = client.get("/shapes").get_data(as_text=True)
    assert 'id="Chairmanship"' in page
    assert "intmk:chairState" in page
    assert "a chair period must start before it ends" in page  # a sh:message of the shapes file


def test_void_at_the_well_known_address(client):
    for path in ("/.well-known/void", "/void", "/void.ttl"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200 and response.mimetype == "text/turtle", path
    g = graph_of(client.get("/.well-known/void", headers={"Accept": "text/turtle"}), "turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in g
    assert (DATASET, DCTERMS.license, CC0) in g
    assert (DATASET, VOID.dataDump, URIRef("https://w3id.org/intmk/dumps/intmk-kg.nq.gz")) in g
    assert (DATASET, VOID.sparqlEndpoint, URIRef("https://w3id.org/intmk/sparql")) in g


def test_void_as_json_ld_is_the_same_graph(client):
    turtle = graph_of(client.get("/void.ttl"), "turtle")
    jsonld = graph_of(client.get("/.well-known/void", headers={"Accept": "application/ld+json"}), "json-ld")
    assert isomorphic(turtle, jsonld)


def test_void_html(client):
    page = client.get("/.well-known/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "IntMK knowledge graph" in page
    assert "https://w3id.org/intmk/dumps/intmk-kg.nq.gz" in page


def test_dataset_iri_leads_to_its_description(client):
    response = client.get("/dataset")
    assert response.status_code == 303 and response.headers["Location"] == "/void"
    assert client.get("/dataset/distribution/intmk-kg.ttl").status_code == 303


def test_unknown_syntax_is_400_and_unacceptable_is_406(client):
    assert client.get("/ontology.pdf").status_code == 400
    assert client.get("/shapes", headers={"Accept": "application/pdf"}).status_code == 406


def test_void_lists_every_document_a_curation_record_is_derived_from(release):
    import rdflib

    void = rdflib.Graph().parse(release.file("void.ttl"), format="turtle")
    record = rdflib.URIRef("https://w3id.org/intmk/graph/curation-states-DE-NI")
    prov = rdflib.Namespace("http://www.w3.org/ns/prov#")
    # states.csv row DE-NI: two GitHub files (registry keys github, github-2) and the Wikidata item Q1197
    assert {str(o).rsplit("/", 1)[1] for o in void.objects(record, prov.wasDerivedFrom)} == {
        "github", "github-2", "wikidata-q1197"}

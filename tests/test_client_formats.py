"""Formats as the clients people use name them: media types in `format=`, N3 and JSON aliases in
Accept, SPARQLWrapper's return formats, rdflib's `parse(url, format=...)`, and UTF-8 bodies only.

Expected facts come from the press release (data/ms-ni-2025-068.trig) and the Länder table:
Niedersachsen is Lower Saxony, ISO 3166-2 code DE-NI.
"""

from __future__ import annotations

import json

import pytest
import rdflib
from SPARQLWrapper import JSON, N3, RDFXML, TURTLE, SPARQLWrapper

NI = "https://w3id.org/intmk/id/state/DE-NI"
ISO = rdflib.URIRef("https://w3id.org/intmk/ontology#isoCode")
DESCRIBE_NI = f"CONSTRUCT {{ <{NI}> ?p ?o }} WHERE {{ <{NI}> ?p ?o }}"


def _iso_of(graph: rdflib.Graph) -> set[str]:
    return {str(o) for o in graph.objects(rdflib.URIRef(NI), ISO)}


@pytest.mark.parametrize("fmt", [N3, RDFXML, TURTLE])
def test_sparqlwrapper_construct_in_each_return_format(live_server, fmt):
    """SPARQLWrapper sends format=n3 / rdf+xml besides its Accept header (without setOnlyConneg)."""
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(DESCRIBE_NI)
    client.setReturnFormat(fmt)
    graph = client.queryAndConvert()
    if not isinstance(graph, rdflib.Graph):  # N3 and Turtle come back as bytes
        graph = rdflib.Graph().parse(data=graph, format="turtle")
    assert _iso_of(graph) == {"DE-NI"}


def test_sparqlwrapper_select_as_json(live_server):
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(f"SELECT ?code WHERE {{ <{NI}> <{ISO}> ?code }}")
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["code"]["value"] for r in rows] == ["DE-NI"]


@pytest.mark.parametrize("fmt", ["n3", "turtle", "xml", "json-ld", "nt"])
def test_rdflib_parses_an_entity_iri_in_each_format(live_server, fmt):
    """rdflib asks with the Accept header of the format it was told; the IRI redirects (303) to RDF."""
    graph = rdflib.Graph().parse(live_server.url + "id/state/DE-NI", format=fmt)
    assert _iso_of(graph) == {"DE-NI"}


@pytest.mark.parametrize("accept", ["text/n3", "application/x-turtle", "text/rdf+n3", "application/n3"])
def test_n3_names_get_turtle(client, accept):
    for path in ("/doc/state/DE-NI", "/sparql?query=" + DESCRIBE_NI.replace(" ", "+")):
        response = client.get(path, headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == "text/turtle", path
        assert _iso_of(rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")) == {"DE-NI"}


def test_plain_json_on_an_entity_is_json_ld(client):
    response = client.get("/doc/state/DE-NI", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert _iso_of(rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")) == {"DE-NI"}


@pytest.mark.parametrize("fmt,media", [("application/sparql-results+json", "application/sparql-results+json"),
                                       ("text/csv", "text/csv"), ("application/sparql-results+xml; charset=utf-8",
                                                                  "application/sparql-results+xml")])
def test_format_takes_a_media_type_for_results(client, fmt, media):
    response = client.get("/sparql", query_string={"query": f"SELECT ?c WHERE {{ <{NI}> <{ISO}> ?c }}", "format": fmt})
    assert response.status_code == 200 and response.mimetype == media
    assert "DE-NI" in response.get_data(as_text=True)


@pytest.mark.parametrize("fmt,media", [("text/turtle", "text/turtle"), ("application/rdf+xml", "application/rdf+xml"),
                                       ("n3", "text/turtle"), ("rdf+xml", "application/rdf+xml")])
def test_format_takes_a_media_type_for_graphs(client, fmt, media):
    response = client.get("/sparql", query_string={"query": DESCRIBE_NI, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media


def test_an_unknown_format_lists_each_known_one_once(client):
    response = client.get("/sparql", query_string={"query": "ASK {}", "format": "yaml"})
    assert response.status_code == 400
    listed = response.get_data(as_text=True).split("use one of: ")[1].split(" (")[0].split(", ")
    assert sorted(listed) == ["csv", "html", "json", "tsv", "xml"]


@pytest.mark.parametrize("content_type", ["application/sparql-query; charset=UTF-16",
                                          "application/x-www-form-urlencoded; charset=latin-1"])
def test_a_body_in_another_charset_than_utf8_is_refused(client, content_type):
    body = "ASK {}".encode("utf-16") if "16" in content_type else b"query=ASK+%7B%7D"
    response = client.post("/sparql", data=body, headers={"Content-Type": content_type})
    assert response.status_code == 415 and "UTF-8" in response.get_data(as_text=True)


@pytest.mark.parametrize("content_type", ["application/sparql-query; charset=utf-8", "application/sparql-query; charset=US-ASCII",
                                          "application/sparql-query"])
def test_utf8_and_ascii_bodies_are_answered(client, content_type):
    response = client.post("/sparql", data="ASK {}".encode(), headers={"Content-Type": content_type,
                                                                      "Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and json.loads(response.get_data())["boolean"] is True


def test_each_route_gets_its_own_offer_back(client):
    """Two routes with equal offers (JSON on /dumps/ and on the home page) share the remembered choice,
    yet each gets its own Offer object (routes compare with `is`)."""
    for path in ("/dumps/", "/", "/queries/", "/"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.mimetype == "application/json", path

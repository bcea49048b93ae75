"""/openapi.json: a valid OpenAPI 3.1 document that names every route, and only routes that exist.

The fuzzing against it is in test_fuzz.py; here the description itself is checked: against the
OpenAPI 3.1 meta-schema (the copy schemathesis carries), against the app's URL map, against the
formats the routes offer, and by its own examples, which must reach real things.
"""

from __future__ import annotations

import json
import re

import pytest
import schemathesis

from intmk_kg.web.http.conneg import HTML_OFFER, RDF_OFFERS
from intmk_kg.web.routes import canned, resources
from intmk_kg.web.sparql import protocol

IMPLICIT = {"HEAD", "OPTIONS"}  # Flask adds them to every GET route; not described per route


@pytest.fixture(scope="module")
def document(app) -> dict:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.data)


def _described(document: dict) -> dict[str, set[str]]:
    return {path: {m.upper() for m in item} for path, item in document["paths"].items()}


def _routes(app) -> dict[str, set[str]]:
    """Flask rules as OpenAPI paths: <path:name> and <name> become {name}."""
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":  # vendored YASGUI and style sheets, not part of the API
            continue
        path = re.sub(r"<(?:[a-z]+:)?([A-Za-z_]+)>", r"{\1}", rule.rule)
        routes.setdefault(path, set()).update(rule.methods - IMPLICIT)
    return routes


def test_it_is_openapi_3_1_of_this_release(document, release):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["version"] == release.version
    assert document["servers"] == [{"url": "/"}]  # the same paths on any host
    schemathesis.openapi.from_dict(document).validate()  # raises on any violation of the 3.1 meta-schema


def test_the_validator_would_notice_a_broken_document(document):
    broken = {**document, "paths": {"/x": {"get": {"responses": {"200": {"content": "not an object"}}}}}}
    with pytest.raises(Exception):
        schemathesis.openapi.from_dict(broken).validate()


def test_every_route_is_described_with_its_methods(app, document):
    assert _described(document) == _routes(app)


def test_the_issue_names_these_routes(document):
    for path in ["/sparql", "/id/{kind}/{key}", "/doc/{kind}/{key}", "/dumps/", "/dumps/{name}",
                 "/.well-known/void", "/queries/", "/queries/{name}", "/reconcile"]:
        assert path in document["paths"], path
    assert set(document["paths"]["/sparql"]) == {"get", "post"}
    assert set(document["paths"]["/sparql"]["post"]["requestBody"]["content"]) == {
        "application/x-www-form-urlencoded", "application/sparql-query"}


def _format_enum(document: dict, path: str, method: str = "get") -> list[str]:
    params = document["paths"][path][method]["parameters"]
    return next(p["schema"]["enum"] for p in params if p["name"] == "format")


def _keys(offers) -> list[str]:
    return list(dict.fromkeys(o.key for o in offers))


def test_format_names_are_the_routes_offers(document):
    assert _format_enum(document, "/doc/{kind}/{key}") == _keys(resources.DOC_OFFERS)
    assert _format_enum(document, "/graph/{name}") == _keys(resources.GRAPH_OFFERS)
    assert _format_enum(document, "/queries/{name}") == _keys(canned.OFFERS)
    assert _format_enum(document, "/sparql") == _keys([*protocol.SOLUTION_OFFERS, *RDF_OFFERS, HTML_OFFER])
    assert _format_enum(document, "/ontology") == _keys([HTML_OFFER, *RDF_OFFERS])


def test_media_types_of_documents_are_the_routes_offers(document):
    doc_types = set(document["paths"]["/doc/{kind}/{key}"]["get"]["responses"]["200"]["content"])
    assert doc_types == {o.media_type for o in resources.DOC_OFFERS}
    sparql_types = set(document["paths"]["/sparql"]["get"]["responses"]["200"]["content"])
    assert sparql_types == {o.media_type for o in [*protocol.SOLUTION_OFFERS, *RDF_OFFERS, HTML_OFFER]}


def test_every_unknown_format_is_documented_as_400(client, document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if "format" in names:
                assert "400" in operation["responses"], f"{method} {path}"


def test_examples_reach_real_things(client, document):
    """Each operation called with its parameters' examples answers with a documented success."""
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        params = operation.get("parameters", [])
        path_params = {p["name"]: p for p in params if p["in"] == "path"}
        if any("example" not in p for p in path_params.values()) and path_params:
            continue  # /dataset/{rest} and the suffix routes: any value, described by enum
        url = path.format(**{name: p["example"] for name, p in path_params.items()})
        query = {p["name"]: p["example"] for p in params if p["in"] == "query" and "example" in p}
        response = client.get(url, query_string=query)
        assert str(response.status_code) in operation["responses"], f"{url}: {response.status_code}"
        assert response.status_code < 400, f"{url} {query}: {response.status_code}"


def test_served_on_the_live_server(live_server, release):
    reply = live_server.request(path="openapi.json")
    assert reply.status == 200
    assert reply.headers.get_content_type() == "application/json"
    assert json.loads(reply.body)["info"]["version"] == release.version

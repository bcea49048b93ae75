"""The query operation of the SPARQL 1.1 Protocol (W3C Recommendation, 2013), point by point,
against a real server: the three ways to send a query, the dataset parameters, content
negotiation and the status codes. Test names follow the protocol's own test suite
(`protocol/manifest.ttl` of the SPARQL 1.1 tests) where it has one.

Facts come from the press release (data/ms-ni-2025-068.trig): the 20th IntMK was held in Göttingen.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import quote, urlencode, urlsplit

import pytest

PRESS = "https://w3id.org/intmk/graph/ms-ni-2025-068"
CONF20 = "https://w3id.org/intmk/id/conference/20"
LOCATED = f"<{CONF20}> <https://w3id.org/intmk/ontology#location> <https://w3id.org/intmk/id/place/goettingen>"
ASK_LOCATED = f"ASK {{ {LOCATED} }}"
RESULTS_JSON = "application/sparql-results+json"


def raw(server, method: str, target: str, body: bytes | None = None, headers: dict | None = None):
    """One request exactly as given (urllib would add or change headers)."""
    parts = urlsplit(server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        conn.close()


def boolean(body: bytes) -> bool:
    return json.loads(body)["boolean"]


# --- 2.1.1-2.1.3: query via GET, via URL-encoded POST, via POST directly ----------------------------


def test_query_get(live_server):
    status, ctype, body = raw(live_server, "GET", "/sparql?query=" + quote(ASK_LOCATED), headers={"Accept": RESULTS_JSON})
    assert status == 200 and ctype.startswith(RESULTS_JSON) and boolean(body) is True


def test_query_post_form(live_server):
    status, _, body = raw(live_server, "POST", "/sparql", urlencode({"query": ASK_LOCATED}).encode(),
                          {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_JSON})
    assert status == 200 and boolean(body) is True


def test_query_post_direct(live_server):
    status, _, body = raw(live_server, "POST", "/sparql", ASK_LOCATED.encode(),
                          {"Content-Type": "application/sparql-query", "Accept": RESULTS_JSON})
    assert status == 200 and boolean(body) is True


# --- 2.1.4: the dataset: default-graph-uri and named-graph-uri, in each of the three ---------------


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_dataset_default_graph(live_server, how):
    """default-graph-uri makes that graph the default graph: the press release states the place."""
    for graph, expected in ((PRESS, True), ("https://w3id.org/intmk/graph/ontology", False)):
        params = {"default-graph-uri": graph}
        if how == "get":
            status, _, body = raw(live_server, "GET", "/sparql?" + urlencode({"query": ASK_LOCATED, **params}),
                                  headers={"Accept": RESULTS_JSON})
        elif how == "form":
            status, _, body = raw(live_server, "POST", "/sparql", urlencode({"query": ASK_LOCATED, **params}).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_JSON})
        else:  # the dataset parameters go in the URL when the body is the query
            status, _, body = raw(live_server, "POST", "/sparql?" + urlencode(params), ASK_LOCATED.encode(),
                                  {"Content-Type": "application/sparql-query", "Accept": RESULTS_JSON})
        assert status == 200 and boolean(body) is expected, (how, graph)


def test_query_multiple_dataset(live_server):
    """Several named-graph-uri parameters: each is a named graph of the dataset, and only those."""
    query = "SELECT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
    params = [("query", query), ("named-graph-uri", PRESS), ("named-graph-uri", "https://w3id.org/intmk/graph/ontology")]
    status, _, body = raw(live_server, "GET", "/sparql?" + urlencode(params), headers={"Accept": RESULTS_JSON})
    rows = [b["g"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert status == 200 and rows == sorted([PRESS, "https://w3id.org/intmk/graph/ontology"])


def test_the_protocol_dataset_overrides_from(live_server):
    """2.1.4: a dataset given in the protocol takes precedence over FROM in the query."""
    query = f"ASK FROM <https://w3id.org/intmk/graph/ontology> {{ {LOCATED} }}"
    status, _, body = raw(live_server, "GET", "/sparql?" + urlencode({"query": query, "default-graph-uri": PRESS}),
                          headers={"Accept": RESULTS_JSON})
    assert status == 200 and boolean(body) is True


# --- 2.1.5-2.1.6: responses in the media type asked for ---------------------------------------------


@pytest.mark.parametrize("query,accept,media", [
    (f"SELECT ?place WHERE {{ <{CONF20}> <https://w3id.org/intmk/ontology#location> ?place }}", RESULTS_JSON, RESULTS_JSON),
    (f"SELECT ?place WHERE {{ <{CONF20}> <https://w3id.org/intmk/ontology#location> ?place }}",
     "application/sparql-results+xml", "application/sparql-results+xml"),
    (f"SELECT ?place WHERE {{ <{CONF20}> <https://w3id.org/intmk/ontology#location> ?place }}", "text/csv", "text/csv"),
    (f"SELECT ?place WHERE {{ <{CONF20}> <https://w3id.org/intmk/ontology#location> ?place }}",
     "text/tab-separated-values", "text/tab-separated-values"),
    (ASK_LOCATED, "application/sparql-results+xml", "application/sparql-results+xml"),
    (f"DESCRIBE <{CONF20}>", "text/turtle", "text/turtle"),
    (f"CONSTRUCT WHERE {{ {LOCATED} }}", "application/rdf+xml", "application/rdf+xml"),
    (f"CONSTRUCT WHERE {{ {LOCATED} }}", "application/n-triples", "application/n-triples"),
])
def test_query_content_type(live_server, query, accept, media):
    status, ctype, body = raw(live_server, "GET", "/sparql?query=" + quote(query), headers={"Accept": accept})
    assert status == 200 and ctype.split(";")[0] == media
    assert b"goettingen" in body or b"true" in body


# --- 2.1.7 and the protocol's "bad" tests: the status codes --------------------------------------


@pytest.mark.parametrize("name,method,target,body,headers,status", [
    ("bad_query_method", "PUT", "/sparql?query=" + quote(ASK_LOCATED), None, {}, 405),
    ("bad_multiple_queries", "GET", "/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")]), None, {}, 400),
    ("bad_query_wrong_media_type", "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415),
    ("bad_query_missing_form_type", "POST", "/sparql", b"query=ASK%20%7B%7D", {}, 415),
    ("bad_query_missing_direct_type", "POST", "/sparql", b"ASK {}", {}, 415),
    ("bad_query_non_utf8", "POST", "/sparql", "ASK {}".encode("utf-16"),
     {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415),
    ("bad_query_syntax", "GET", "/sparql?query=" + quote("ASK {"), None, {}, 400),
    ("update_in_query", "GET", "/sparql?query=" + quote("CLEAR ALL"), None, {}, 403),  # read-only, said as such
    ("update_refused", "POST", "/sparql", b"update=CLEAR%20ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 403),
    ("form_without_query", "POST", "/sparql", b"default-graph-uri=x", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
    ("query_twice_direct", "POST", "/sparql?query=ASK%7B%7D", b"ASK {}", {"Content-Type": "application/sparql-query"}, 400),
])
def test_status_codes(live_server, name, method, target, body, headers, status):
    got, ctype, reply = raw(live_server, method, target, body, headers)
    assert got == status, (name, reply[:300])
    assert reply.strip(), "an error says what went wrong"


def test_query_with_no_acceptable_format_is_406(live_server):
    status, _, body = raw(live_server, "GET", "/sparql?query=" + quote(ASK_LOCATED), headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


def test_head_answers_like_get_without_a_body(live_server):
    target = "/sparql?query=" + quote(ASK_LOCATED)
    get = raw(live_server, "GET", target, headers={"Accept": RESULTS_JSON})
    head = raw(live_server, "HEAD", target, headers={"Accept": RESULTS_JSON})
    assert head[0] == get[0] == 200 and head[1] == get[1] and head[2] == b""

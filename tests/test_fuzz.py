"""Fuzzing the running server: schemathesis against /openapi.json, and hypothesis properties of
query parameters, Accept headers, paths and form bodies.

Whatever comes in, the answer is never a 500, never carries a traceback, and never holds the bytes
of a file outside the release. The runs are bounded (a fixed number of examples, no deadline), so
the default test run stays short; FUZZ_EXAMPLES=500 in the environment runs longer.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import string
from urllib.parse import quote, urlencode, urlsplit

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from intmk_kg.web.routes.openapi import description

pytestmark = pytest.mark.slow  # schemathesis and hypothesis against a real server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])
WIRE = settings(FUZZ, max_examples=4 * EXAMPLES)  # one cheap request per example
# Text that would show a leak: Python or gunicorn tracebacks, and files beside or above the release.
LEAKS = [b"Traceback (most recent call last)", b'File "/', b"[build-system]", b"root:x:0:0", b"PRIVATE KEY"]


@schemathesis.serializer("application/sparql-query")
def _sparql_query_body(ctx, value):
    return value.encode("utf-8") if isinstance(value, str) else json.dumps(value).encode("utf-8")


def assert_no_leak(status: int, body: bytes, where: str) -> None:
    assert status < 500 or status == 503, f"{where}: {status}\n{body[:500]!r}"
    for leak in LEAKS:
        assert leak not in body, f"{where}: the body holds {leak!r}"


@schemathesis.check
def no_traceback_or_foreign_file(ctx, response, case):
    """No stack trace and no file from outside the release in any answer."""
    for leak in LEAKS:
        if leak in response.content:
            raise AssertionError(f"the response holds {leak!r}")
    return True


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, no_traceback_or_foreign_file]


@pytest.fixture(scope="session")
def api(live_server):
    """The description as the running server serves it."""
    schema = schemathesis.openapi.from_url(live_server.url + "openapi.json")
    schema.config.update(base_url=live_server.url.rstrip("/"))
    return schema


# One test per operation. (schemathesis' own pytest loader does not work with this pytest yet, so
# each operation's strategy is drawn with hypothesis directly, which is what that loader does too.)
DESCRIBED = description("")["paths"]


def _negatable(operation: dict) -> bool:
    """Whether the description rules out any request at all (an enum, a pattern, a number, a
    required parameter or body); an operation taking any string anywhere has no wrong input."""
    if "requestBody" in operation:
        return True
    for p in operation.get("parameters", []):
        schema = p["schema"]
        if (p["in"] == "query" and p.get("required")) or set(schema) - {"type", "items"} or schema["type"] != "string":
            return True
    return False


CASES = [(path, method, mode) for path, item in DESCRIBED.items() for method, operation in item.items()
         for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
         if mode is GenerationMode.POSITIVE or _negatable(operation)]


@pytest.mark.parametrize(("path", "method", "mode"), CASES,
                         ids=[f"{m.upper()} {p} {mode.value}" for p, m, mode in CASES])
def test_the_api_as_described(api, path, method, mode):
    """schemathesis: described (and, negatively, wrong) parameters and bodies give described answers."""
    operation = api[path][method.upper()]

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CHECKS, timeout=60)

    run()


# --- hypothesis: properties over the wire -----------------------------------------------------------

ROUTES = ["/", "/sparql", "/doc/state/DE-NI", "/id/state/DE-NI", "/graph/", "/graph/ms-ni-2025-068", "/dumps/",
          "/queries/", "/queries/chair-of-21st", "/ontology", "/shapes", "/.well-known/void", "/reconcile",
          "/reconcile/suggest/entity", "/reconcile/preview", "/reconcile/propose_properties", "/wikidata/",
          "/wikidata/Q1197", "/openapi.json"]
PARAMS = ["format", "lang", "query", "callback", "prefix", "id", "queries", "extend", "limit", "cursor", "type",
          "default-graph-uri", "named-graph-uri", "update"]
HOSTILE = ["../../pyproject.toml", "/etc/passwd", "<script>alert(1)</script>", "\r\nSet-Cookie: x=1", "\x00",
           "%00", "json\r\nX-Injected: 1", "😀", "\ud7ff", "ttl;q=0", "*/*", "'\"", "${jndi:ldap://127.0.0.1/}",
           "file:///etc/passwd", "SELECT * WHERE { ?s ?p ?o }", "{}", "[]", "9" * 400, "-1", "NaN"]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                   st.text(alphabet=string.printable, max_size=30))
MEDIA = ["text/html", "application/json", "text/turtle", "application/ld+json", "application/n-triples",
         "application/rdf+xml", "application/trig", "application/n-quads", "text/csv", "text/plain",
         "application/sparql-results+json", "application/sparql-results+xml", "image/png", "*/*", "text/*",
         "application/*", "application/xhtml+xml"]
accept_item = st.builds(
    lambda media, q: media + (f";q={q}" if q is not None else ""),
    st.one_of(st.sampled_from(MEDIA), st.text(alphabet=string.ascii_letters + "/+*-.;=", max_size=25)),
    st.one_of(st.none(), st.sampled_from(["0", "0.5", "1", "1.0", "2", "-1", "abc", ""])),
)
accept = st.lists(accept_item, max_size=6).map(", ".join)


class Wire:
    """Raw HTTP/1.1 to the live server: the path is sent exactly as written, nothing re-encoded."""

    def __init__(self, url: str):
        address = urlsplit(url)
        self.host, self.port = address.hostname, address.port

    def send(self, method: str, target: str, headers: dict | None = None, body: bytes | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.putrequest(method, target, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="session")
def wire(live_server) -> Wire:
    return Wire(live_server.url)


@pytest.fixture(scope="session")
def release_bytes(release) -> set[str]:
    return {f["sha256"] for f in release.files}


@WIRE
@given(route=st.sampled_from(ROUTES), params=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=4))
def test_query_parameters(wire, route, params):
    target = route + "?" + urlencode(params)
    status, headers, body = wire.send("GET", target)
    assert_no_leak(status, body, target)
    assert "\n" not in "".join(headers.values()) and "X-Injected" not in headers and "Set-Cookie" not in headers


@WIRE
@given(route=st.sampled_from(ROUTES), header=accept, language=st.sampled_from(["", "en", "de;q=0.1, en", "xx", "*"]))
def test_accept_headers(wire, route, header, language):
    status, headers, body = wire.send("GET", route, {"Accept": header, "Accept-Language": language})
    assert_no_leak(status, body, f"{route} Accept: {header}")
    if status == 200:
        assert headers["Content-Type"], route
    assert status != 406 or headers.get_content_type() in ("text/plain", "application/json"), route


SEGMENTS = ["..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2f", "%2F", "%5c", "..%2f", "..%5c", "%252e%252e", "%00",
            "pyproject.toml", "release.json", "SHA256SUMS", "etc", "passwd", "intmk-kg.ttl", "current", "releases",
            "ü", "%C3%BC", "%FF", "%c0%ae", "😀", "~", "", "id", "state", "DE-NI", ";", "%3B", "?x=1", "#frag"]
PREFIXES = ["/dumps/", "/doc/", "/id/", "/graph/", "/queries/", "/static/", "/ontology", "/wikidata/", "/",
            "/static/yasgui/", "/reconcile/"]


@WIRE
@given(prefix=st.sampled_from(PREFIXES),
       segments=st.lists(st.one_of(st.sampled_from(SEGMENTS), st.text(min_size=1, max_size=12)), max_size=6))
def test_paths(wire, release_bytes, prefix, segments):
    """Traversal, encoded slashes and Unicode: a file is served only if it is a file of the release
    (or a static asset of the package), never one from beyond."""
    target = prefix + "/".join(quote(s, safe="%/.;?#~") if not s.isascii() else s for s in segments)
    target = "".join(ch if 0x20 < ord(ch) < 0x7f else quote(ch) for ch in target)
    status, headers, body = wire.send("GET", target)
    assert_no_leak(status, body, target)
    path = urlsplit(target).path
    if status == 200 and path.startswith("/dumps/") and path.rstrip("/") != "/dumps":  # a file, not the listing
        assert hashlib.sha256(body).hexdigest() in release_bytes, target


def test_traversal_spellings_are_refused(wire, release_bytes):
    """The spellings of the issue, sent verbatim (no client normalises the dots away)."""
    for target in ["/dumps/../pyproject.toml", "/dumps/..%2fpyproject.toml", "/dumps/%2e%2e/pyproject.toml",
                   "/dumps/%2e%2e%2fpyproject.toml", "/dumps/..%5cpyproject.toml", "/dumps/....//pyproject.toml",
                   "/dumps/%252e%252e%252fpyproject.toml", "/dumps/../../../../etc/passwd",
                   "/dumps/../release.json", "/dumps/release.json", "/dumps/SHA256SUMS", "/static/../../../pyproject.toml",
                   "/static/..%2f..%2f..%2fpyproject.toml", "/dumps//etc/passwd", "/dumps/intmk-kg.ttl%00.txt",
                   "/queries/..%2f..%2fpyproject", "/queries/../pyproject.toml.rq"]:
        status, headers, body = wire.send("GET", target)
        if status == 308:  # werkzeug merges a double slash: to the same host, where the file is unknown too
            location = urlsplit(headers["Location"])
            assert location.netloc in ("", f"{wire.host}:{wire.port}") and "//" not in location.path, target
            status, _, body = wire.send("GET", location.path)
        assert status in (400, 404), f"{target}: {status}"
        assert_no_leak(status, body, target)


@WIRE
@given(fields=st.lists(st.tuples(st.sampled_from(PARAMS), values), max_size=5),
       content_type=st.sampled_from(["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
                                     "application/sparql-query", "multipart/form-data; boundary=x", "application/json",
                                     "text/plain", ""]),
       route=st.sampled_from(["/sparql", "/reconcile", "/reconcile/draft/reconcile"]),
       raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_form_bodies(wire, fields, content_type, route, raw):
    body = raw if raw is not None else urlencode(fields).encode("utf-8")
    headers = {"Content-Type": content_type} if content_type else {}
    status, _, reply = wire.send("POST", route, headers, body)
    assert_no_leak(status, reply, f"POST {route} {content_type} {body[:80]!r}")
    assert status != 200 or raw is None or route != "/sparql" or content_type == "application/sparql-query"

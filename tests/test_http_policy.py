"""The response policy every route shares: CORS, ETag/304, caching, gzip, security headers, errors."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from browser import launch_chromium

from intmk_kg.web import create_app


def test_cors_on_pages_data_and_errors(client):
    for path in ["/", "/doc/state/DE-NI", "/doc/state/DE-NI.ttl", "/dumps/", "/no-such-page", "/queries/"]:
        assert client.get(path).headers.get("Access-Control-Allow-Origin") == "*", path


def test_cors_preflight(client):
    response = client.options("/doc/state/DE-NI", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "Accept",
    })
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "Accept" in response.headers["Access-Control-Allow-Headers"]
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_cors_origin_comes_from_the_setting(release_dir):
    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "CORS_ORIGIN": "https://example.org"})
    assert app.test_client().get("/").headers["Access-Control-Allow-Origin"] == "https://example.org"


def test_etag_is_the_release_version_per_variant(client, release):
    turtle = client.get("/doc/state/DE-NI.ttl")
    html = client.get("/doc/state/DE-NI.html?lang=en")
    assert turtle.headers["ETag"].startswith(f'"{release.version}-')
    assert html.headers["ETag"].startswith(f'"{release.version}-')
    assert turtle.headers["ETag"] != html.headers["ETag"]
    assert html.headers["ETag"] != client.get("/doc/state/DE-NI.html?lang=de").headers["ETag"]


def test_if_none_match_gives_304_without_body(client):
    first = client.get("/doc/state/DE-NI", headers={"Accept": "text/turtle"})
    again = client.get("/doc/state/DE-NI", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get("/doc/state/DE-NI", headers={"Accept": "application/n-triples", "If-None-Match": first.headers["ETag"]})
    assert other.status_code == 200  # another variant, another tag


def test_cache_control(client):
    assert client.get("/doc/state/DE-NI").headers["Cache-Control"].startswith("public, max-age=")
    assert "max-age" in client.get("/no-such-page").headers["Cache-Control"]


def test_gzip_when_accepted_and_worth_it(client):
    plain = client.get("/doc/conference/20?lang=en")
    packed = client.get("/doc/conference/20?lang=en", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] == "W/" + plain.headers["ETag"]  # same content, other bytes
    revalidated = client.get("/doc/conference/20?lang=en", headers={
        "Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert revalidated.status_code == 304


def test_no_gzip_for_small_responses_or_gzip_files(client, release):
    redirect = client.get("/id/state/DE-NI", headers={"Accept-Encoding": "gzip"})
    assert redirect.status_code == 303 and "Content-Encoding" not in redirect.headers  # a few bytes: not worth it
    nq = client.get("/dumps/intmk-kg.nq.gz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in nq.headers
    expected = next(f["sha256"] for f in release.files if f["name"] == "intmk-kg.nq.gz")
    assert hashlib.sha256(nq.data).hexdigest() == expected
    error = client.get("/doc/state/DE-XX", headers={"Accept-Encoding": "gzip", "Accept": "text/plain"})
    assert "Content-Encoding" not in error.headers


def test_security_headers_on_html(client):
    headers = client.get("/doc/state/DE-NI").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no inline or foreign scripts
    assert policy["object-src"] == "'none'"
    assert "'self'" in policy["style-src"] and "http" not in policy["style-src"]


@pytest.mark.parametrize("accept, media", [
    ("text/html", "text/html"), ("application/json", "application/json"), ("text/plain", "text/plain"),
    ("application/sparql-results+json", "application/sparql-results+json"),
])
def test_404_in_the_negotiated_format(client, accept, media):
    response = client.get("/no-such-page", headers={"Accept": accept, "Accept-Language": "en"})
    assert response.status_code == 404
    assert response.mimetype == media
    # an HTML page says it in the page's language (the catalogue's title), the others as HTTP names it
    assert (b"Page not found" if media == "text/html" else b"Not Found") in response.data


def test_html_error_page_in_the_page_language(client):
    german = client.get("/no-such-page", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="de">' in german and "Seite nicht gefunden" in german and "Not Found" not in german
    english = client.get("/no-such-page?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Page not found" in english and "Zur Startseite" not in english


def test_405_names_the_allowed_methods(client):
    response = client.post("/doc/state/DE-NI", headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert json.loads(response.data)["error"]["status"] == 405


def test_500_is_readable_and_has_no_traceback(release_dir):
    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir)})

    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken", view_func=broken)
    client = app.test_client()
    for accept in ("text/html", "application/json", "text/plain"):
        response = client.get("/broken", headers={"Accept": accept, "Accept-Language": "en"})
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "secret internal detail" not in body
        # an HTML page in the page's language (the catalogue's title), the others as HTTP names it
        assert ("Internal error" if accept == "text/html" else "Internal Server Error") in body
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.browser
def test_pages_keep_to_the_content_security_policy_in_a_browser(release_dir):
    """Chromium loads our pages (answered by the app itself) and reports every CSP violation.

    A probe page with an inline script shows that the policy is enforced in this set-up; YASGUI
    on /sparql, pyLODE on /ontology and our own pages must then load without any violation.
    """
    from urllib.parse import urlsplit

    from playwright.sync_api import sync_playwright

    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir)})
    app.add_url_rule("/probe", view_func=lambda: '<!doctype html><script>console.log("inline ran")</script>')
    client = app.test_client()

    def answer(route):
        request = route.request
        url = urlsplit(request.url)
        response = client.open(
            url.path + (f"?{url.query}" if url.query else ""), method=request.method,
            headers={k: v for k, v in request.headers.items() if k.lower() in ("accept", "content-type")},
            data=request.post_data_buffer,
        )
        route.fulfill(status=response.status_code, headers=dict(response.headers), body=response.data)

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            messages: list[str] = []
            page.on("console", lambda m: messages.append(m.text))
            page.route("http://intmk.test/**", answer)

            page.goto("http://intmk.test/probe")
            assert any("Content Security Policy" in m for m in messages)
            assert "inline ran" not in messages
            for path in ["/", "/doc/conference/20", "/ontology", "/sparql", "/queries/", "/dumps/"]:
                messages.clear()
                page.goto("http://intmk.test" + path)
                page.wait_for_load_state("networkidle")
                assert not [m for m in messages if "Content Security Policy" in m], path
        finally:
            browser.close()


def test_the_policy_is_one_function_of_status_method_and_media():
    """headers() is what Flask's after_request, the fast path and the watchdog's 503 all write."""
    from intmk_kg.web.http.policy import CACHE_SECONDS, ERROR_CACHE_SECONDS, RouteCors, headers

    html = dict(headers(200, "GET", "text/html", None))
    assert html["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in html
    assert html["Cache-Control"] == f"public, max-age={CACHE_SECONDS}" and "Access-Control-Allow-Origin" not in html
    assert dict(headers(404, "GET", "text/plain", "*"))["Cache-Control"] == f"public, max-age={ERROR_CACHE_SECONDS}"
    assert dict(headers(503, "HEAD", "text/plain", None))["Cache-Control"] == "no-store"
    assert "Cache-Control" not in dict(headers(200, "POST", "application/json", None))
    assert "Content-Security-Policy" not in dict(headers(200, "GET", "text/html", None, present={"content-security-policy"}))
    # a route family with CORS of its own (the reconciliation API): any origin, its own preflight
    preflight = dict(headers(200, "OPTIONS", "text/html", None, RouteCors("GET, POST, OPTIONS", "Content-Type")))
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    # CORS_ORIGIN set for the server wins, with the methods of the URL
    chosen = dict(headers(200, "OPTIONS", None, "https://a.example", RouteCors("GET"), allow={"GET", "HEAD"}))
    assert chosen["Access-Control-Allow-Origin"] == "https://a.example"
    assert chosen["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_the_watchdogs_503_carries_the_policy():
    from intmk_kg.web.http.policy import overrun_answer

    raw = overrun_answer("https://a.example")("The query ran longer than 2 s.")
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    fields = dict(line.split(": ", 1) for line in lines[1:])
    assert fields["Connection"] == "close" and fields["Cache-Control"] == "no-store"
    assert fields["X-Content-Type-Options"] == "nosniff"
    assert fields["Access-Control-Allow-Origin"] == "https://a.example"
    assert int(fields["Content-Length"]) == len(body) and body.startswith(b"503 Service Unavailable\n")

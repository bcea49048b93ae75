"""The hostile-input catalogue, each item a test against a real `intmk-kg serve`.

test_sparql_security.py already proves that SERVICE, FROM, FROM NAMED, the graph parameters and
LOAD aimed at a loopback listener are refused and fetch nothing; test_http_policy.py checks the
headers and the 500 page of the app. Here: the other SSRF targets (link-local metadata address,
file:, loopback spelled otherwise, a redirecting listener), CRLF and markup in echoed parameters,
markup and javascript: IRIs in the data on every page that shows data, deeply nested and enormous
queries and JSON, and the security headers of every HTML page.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from browser import launch_chromium
from support import Listener, children

SCRIPT = "<script>alert(1)</script>"
SMALL = "ASK { ?s ?p ?o }"


@pytest.fixture()
def redirect_chain():
    """A listener that redirects to a second one: a fetch that followed redirects would reach both."""
    target = Listener()
    first = Listener(redirect_to=target.url + "landed")
    yield first, target
    first.close()
    target.close()


def test_the_redirect_chain_is_heard_when_followed(redirect_chain):
    """The control: an ordinary client following the redirect reaches both listeners."""
    first, target = redirect_chain
    with pytest.raises(OSError):
        urllib.request.urlopen(first.url, timeout=5)  # the second listener never answers
    assert first.hits and target.hits and target.hits[0].startswith(b"GET /landed")


def ssrf_targets(listener_url: str) -> list[str]:
    port = urlsplit(listener_url).port
    return [
        listener_url, f"http://localhost:{port}/", f"http://127.1:{port}/", f"http://2130706433:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/", "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/",
        "file:///etc/passwd", "file:///proc/self/environ", "ftp://127.0.0.1/", "gopher://127.0.0.1:6379/_INFO",
    ]


def test_service_to_any_target_is_refused(live_server, redirect_chain):
    first, target = redirect_chain
    for url in ssrf_targets(first.url):
        for query in (f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
                      f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"):
            reply = live_server.request("POST", body=query.encode(), headers={"Content-Type": "application/sparql-query"})
            assert reply.status == 400 and "SERVICE" in reply.text, (url, reply.status)
    assert first.hits == [] and target.hits == []


def test_graphs_named_by_url_are_never_fetched(live_server, redirect_chain):
    first, target = redirect_chain
    for url in ssrf_targets(first.url):
        for params in ({"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"},
                       {"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
                       {"query": SMALL, "default-graph-uri": url},
                       {"query": SMALL, "named-graph-uri": url}):
            reply = live_server.request(params=params, headers={"Accept": "application/sparql-results+json"})
            # an empty graph (or 400 for what is no IRI), never fetched; with named graphs only, the
            # default graph stays the union
            assert reply.status in (200, 400), (url, params, reply.status)
            if reply.status == 200 and "named-graph-uri" not in params:
                body = reply.body.replace(b" ", b"")
                assert b'"bindings":[]' in body or b'"boolean":false' in body, (url, params)
    assert first.hits == [] and target.hits == []


def test_load_of_files_and_urls_is_refused(live_server, redirect_chain):
    first, target = redirect_chain
    for url in ssrf_targets(first.url):
        update = f"LOAD <{url}>"
        for reply in (live_server.request(params={"query": update}),
                      live_server.request("POST", body=update.encode(),
                                          headers={"Content-Type": "application/sparql-update"})):
            assert reply.status == 403, (url, reply.status)
    assert first.hits == [] and target.hits == []


def test_iris_in_ordinary_positions_are_data_not_addresses(live_server, redirect_chain):
    """DESCRIBE, IRI(), datatypes and VALUES name URLs without anything fetching them."""
    first, target = redirect_chain
    for query in (f"DESCRIBE <{first.url}>", f"SELECT (IRI(\"{first.url}\") AS ?x) WHERE {{}}",
                  f"SELECT * WHERE {{ VALUES ?u {{ <{first.url}> <file:///etc/passwd> }} ?u ?p ?o }}",
                  f"ASK {{ ?s ?p \"1\"^^<{first.url}> }}"):
        reply = live_server.request(params={"query": query}, headers={"Accept": "*/*"})
        assert reply.status == 200, (query, reply.text)
        assert b"root:" not in reply.body
    assert first.hits == [] and target.hits == []


def test_no_redirect_leaves_the_host(live_server):
    """Every redirect we send is relative or to the host asked; none can be steered elsewhere."""
    host = urlsplit(live_server.url).netloc
    address = urlsplit(live_server.url)
    for target in ["/id/state/DE-NI", "/dataset", "/dataset/x", "//evil.example/", "/dumps//evil.example/x",
                   "/reconcile/view?id=//evil.example", "/reconcile/view?id=state/DE-NI", "/wikidata/Q1197",
                   "/wikidata//evil.example", "/id//evil.example/x", "/id/state/%2F%2Fevil.example",
                   "/reconcile/view?id=" + quote("https://evil.example/"), "/doc/state/DE-NI/..//evil.example"]:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request("GET", target)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        assert response.status < 500, target
        if 300 <= response.status < 400:
            location = urlsplit(urljoin(live_server.url, response.getheader("Location")))
            assert location.netloc == host and not location.path.startswith("//"), (target, response.getheader("Location"))


# --- echoed parameters ------------------------------------------------------------------------------

PAYLOADS = [SCRIPT, f'"><svg onload=alert(1)>{SCRIPT}', "json\r\nX-Injected: yes", "x\r\n\r\n<html>" + SCRIPT,
            "%0d%0aX-Injected:%20yes", "javascript:alert(1)", "\u2028\u2029" + SCRIPT]
ECHO_POINTS = [
    ("sparql", "format"), ("sparql", "query"), ("sparql", "default-graph-uri"), ("doc/state/DE-NI", "format"),
    ("doc/state/DE-NI", "lang"), ("", "format"), ("", "lang"), ("dumps/", "format"), ("queries/", "format"),
    ("queries/chair-of-21st", "format"), ("graph/", "format"), ("ontology", "format"), ("ontology", "lang"),
    ("reconcile", "callback"), ("reconcile", "queries"), ("reconcile", "lang"), ("reconcile/preview", "id"),
    ("reconcile/view", "id"), ("reconcile/suggest/entity", "prefix"), ("reconcile/suggest/entity", "type"),
    ("wikidata/Q1197", "callback"), ("void", "format"),
]
ECHO_PATHS = ["doc/state/{}", "id/state/{}", "graph/{}", "queries/{}", "dumps/{}", "wikidata/{}", "ontology.{}"]


def _check_echo(reply, where: str) -> None:
    assert reply.status < 500, f"{where}: {reply.status}"
    names = {name.lower() for name in reply.headers.keys()}
    assert "x-injected" not in names, where
    assert all("\r" not in v and "\n" not in v for v in reply.headers.values()), where
    assert reply.headers["X-Content-Type-Options"] == "nosniff", where
    media = reply.headers.get_content_type()
    if media == "text/html":
        assert SCRIPT not in reply.text and "<svg onload" not in reply.text, where
        assert "<html>" + SCRIPT not in reply.text, where
    elif media == "application/json":
        json.loads(reply.body)  # still JSON: the payload stayed inside a string
    elif media == "application/javascript":
        assert re.fullmatch(r"/\*\*/[A-Za-z_$][\w$.]*\(.*\);", reply.text, re.S), where


@pytest.mark.parametrize("accept", ["text/html", "application/json", "*/*"])
def test_markup_and_crlf_in_parameters_are_inert(live_server, accept):
    for path, name in ECHO_POINTS:
        for payload in PAYLOADS:
            reply = live_server.request(path=path, params={name: payload}, headers={"Accept": accept})
            _check_echo(reply, f"{path}?{name}={payload!r} Accept: {accept}")


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_markup_in_paths_is_inert(live_server, accept):
    for template in ECHO_PATHS:
        for payload in PAYLOADS:
            path = template.format(quote(payload, safe=""))
            reply = live_server.request(path=path, headers={"Accept": accept})
            _check_echo(reply, f"{path} Accept: {accept}")


def test_crlf_cannot_split_a_response(live_server):
    """Raw CR LF in the request line is refused by the server before any route sees it."""
    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as s:
        s.sendall(b"GET /sparql?format=json\r\nX-Injected: yes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0]
    assert b"X-Injected" not in head
    assert int(head.split()[1]) < 500


# --- markup in the data, on every page that shows data ------------------------------------------------

EVIL = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>'
EVIL_TRIG = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix intmk: <https://w3id.org/intmk/ontology#> .
<https://w3id.org/intmk/graph/evil> {{
  <https://w3id.org/intmk/graph/evil> prov:wasDerivedFrom <https://w3id.org/intmk/id/document/evil> .
  <https://w3id.org/intmk/id/document/evil> rdfs:label {json.dumps(EVIL)}@de, {json.dumps(EVIL)}@en ; intmk:url "javascript:window.__pwned=3" .
  <https://w3id.org/intmk/id/person/evil> a intmk:Person ; rdfs:label {json.dumps(EVIL)}@de, {json.dumps(EVIL)}@en ;
      intmk:name {json.dumps(EVIL)} ; rdfs:seeAlso <javascript:window.__pwned=4> , <data:text/html,{quote(SCRIPT)}> ;
      owl:sameAs <http://www.wikidata.org/entity/Q1> ; intmk:memberOf <https://w3id.org/intmk/id/state/evil> ;
      rdfs:comment {json.dumps(EVIL)}^^<https://example.org/{quote(EVIL, safe='')}> .
  <https://w3id.org/intmk/id/state/evil> a intmk:State ; rdfs:label {json.dumps(EVIL)}@de, {json.dumps(EVIL)}@en .
  <https://w3id.org/intmk/id/topic/evil> a skos:Concept ; skos:prefLabel {json.dumps(EVIL)}@de .
  intmk:Person rdfs:label {json.dumps(EVIL)}@en .
}}
"""


@pytest.fixture(scope="module")
def evil_server(start_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.trig").write_text(EVIL_TRIG, encoding="utf-8")
    return start_server("--data", str(folder / "evil.trig"), release=False)


def _crawl(server, starts: list[str], limit: int = 200) -> dict[str, object]:
    """Every local HTML page reachable from `starts` (in both languages), fetched once."""
    seen: dict[str, object] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        reply = server.request(path=path.lstrip("/"), headers={"Accept": "text/html"})
        seen[path] = reply
        if reply.headers.get_content_type() != "text/html":
            continue
        for href in re.findall(r'href="([^"#]*)', reply.text):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith(("//", "/static/", "/dumps/intmk")) and href not in seen:
                queue.append(href)
    return seen


def test_markup_in_the_data_is_escaped_on_every_page(evil_server):
    pages = _crawl(evil_server, ["/", "/?lang=en", "/doc/person/evil", "/doc/person/evil?lang=en", "/graph/",
                                 "/queries/", "/sparql", "/reconcile/preview?id=person/evil",
                                 "/reconcile/preview?id=state/evil&lang=en", "/doc/topic/evil", "/graph/evil"])
    html = {path: reply for path, reply in pages.items() if reply.headers.get_content_type() == "text/html"}
    shown = [path for path, reply in html.items() if "&lt;img src=x" in reply.text]
    # the pages that show the evil labels are among those crawled, so the checks below mean something
    assert {"/doc/person/evil", "/graph/evil", "/reconcile/preview?id=person/evil"} <= set(shown)
    assert any(p.startswith("/queries/") and p != "/queries/" for p in html)
    assert len(shown) >= 8, sorted(shown)
    for path, reply in html.items():
        assert reply.status < 500, path
        assert "<script>window" not in reply.text and "<img src=x" not in reply.text, path
        links = re.findall(r"""(?:href|src|action)\s*=\s*["']?\s*([a-z]+:[^"' >]*)""", reply.text, re.I)
        assert not [u for u in links if u.lower().startswith(("javascript:", "vbscript:", "data:text"))], path


@pytest.mark.browser
def test_the_escaped_pages_run_nothing_in_a_browser(evil_server):
    """Chromium opens the data pages from the server itself, with its headers; no injected script runs."""

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page()
            for path in ["doc/person/evil?lang=en", "graph/evil", "reconcile/preview?id=person/evil", "graph/", "",
                         "doc/state/evil"]:
                page.goto(evil_server.url + path)
                for link in page.locator("a").all():
                    if (link.get_attribute("href") or "").lower().startswith(("javascript:", "data:")):
                        link.click()
                assert page.evaluate("window.__pwned") is None, path
        finally:
            browser.close()


def test_every_html_page_has_the_security_headers(live_server):
    pages = _crawl(live_server, ["/", "/?lang=en", "/sparql", "/ontology", "/shapes", "/void", "/graph/", "/queries/",
                                 "/dumps/", "/no-such-page", "/doc/state/DE-XX", "/reconcile/preview?id=state/DE-NI"],
                   limit=120)
    html = {p: r for p, r in pages.items() if r.headers.get_content_type() == "text/html"}
    assert len(html) >= 60
    for path, reply in pages.items():
        assert reply.headers["X-Content-Type-Options"] == "nosniff", path
    for path, reply in html.items():
        policy = dict(part.strip().split(" ", 1) for part in reply.headers["Content-Security-Policy"].split(";"))
        if path.startswith("/reconcile/preview"):  # framed by other sites; nothing may run in it
            assert policy["default-src"] == "'none'" and "script-src" not in policy, path
            continue
        assert policy["script-src"] == "'self'", path  # no inline script, nothing from elsewhere
        assert policy["connect-src"] == "'self'", path  # YASGUI posts its queries to this server only
        assert policy["object-src"] == "'none'" and policy["base-uri"] == "'self'", path
        assert reply.headers["X-Frame-Options"] == "SAMEORIGIN", path


# --- deeply nested and enormous input -----------------------------------------------------------------


def _workers(server) -> set[int]:
    """PIDs of the gunicorn workers (children of the master)."""
    found = set()
    for pid in children(server.process.pid):
        try:
            if "intmk-kg" in (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace"):
                found.add(pid)
        except OSError:
            continue
    return found


def _post_query(server, text: str):
    return server.request("POST", body=text.encode(), headers={"Content-Type": "application/sparql-query"},
                          timeout=120)


UNION_10K = "SELECT * WHERE { " + " UNION ".join(f"{{ ?s ?p {i} }}" for i in range(10_000)) + " }"
NESTED_10K = "SELECT * WHERE " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000
PARENS_50K = "ASK { FILTER(" + "(" * 50_000 + "1" + ")" * 50_000 + ") }"
LITERAL_1MB = 'ASK { ?s ?p "' + "a" * 1_000_000 + '" }'


def test_enormous_queries_are_413_by_default(live_server):
    for text in (UNION_10K, PARENS_50K, LITERAL_1MB):  # 209, 100 and 1,000 kB; NESTED_10K has 40 kB
        reply = _post_query(live_server, text)
        assert reply.status == 413 and "100000" in reply.text, reply.status
        form = live_server.request("POST", body=urlencode({"query": text}).encode(),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=120)
        assert form.status == 413
    get = live_server.request(params={"query": LITERAL_1MB[:20_000]})
    assert get.status == 414  # a request line longer than 8 KB: send it by POST


@pytest.fixture(scope="module")
def roomy_server(start_server):
    """A server that accepts queries of 5 MB, so the engine itself meets the monsters."""
    return start_server("--max-query-bytes", "5000000", "--timeout", "20", "--workers", "1", "--query-processes", "2")


@pytest.mark.parametrize("name", ["UNION_10K", "NESTED_10K", "PARENS_50K", "LITERAL_1MB"])
def test_monster_queries_end_in_an_answer_and_the_worker_lives(roomy_server, name):
    workers = _workers(roomy_server)
    assert len(workers) == 1
    reply = _post_query(roomy_server, globals()[name])
    # an answer (the literal matches nothing), a refusal, or a stopped query process; never a dead worker
    assert reply.status in (200, 400, 413, 503), reply.status
    if reply.status == 503:
        assert "stopped" in reply.text or "longer than" in reply.text
    if name == "LITERAL_1MB":
        assert reply.status == 200 and json.loads(reply.body)["boolean"] is False
    assert "Traceback" not in reply.text
    assert _workers(roomy_server) == workers
    after = roomy_server.request(params={"query": SMALL})
    assert after.status == 200 and json.loads(after.body)["boolean"] is True


@pytest.mark.parametrize("body, content_type, path", [
    (urlencode({"queries": "[" * 100_000 + "]" * 100_000}), "application/x-www-form-urlencoded", "reconcile"),
    ("[" * 100_000 + "]" * 100_000, "application/json", "reconcile/draft/reconcile"),
    ('{"queries": ' + "[" * 100_000 + "]" * 100_000 + "}", "application/json", "reconcile/draft/reconcile"),
    (urlencode({"queries": json.dumps({"q0": {"query": "Niedersachsen " * 70_000}})}),
     "application/x-www-form-urlencoded", "reconcile"),
])
def test_nested_or_enormous_json_is_a_client_error_or_an_answer(live_server, body, content_type, path):
    """Regression: JSON nested 100,000 deep made json raise RecursionError, which was a 500."""
    started = time.monotonic()
    reply = live_server.request("POST", path=path, body=body.encode(), headers={"Content-Type": content_type})
    assert reply.status in (200, 400, 413), reply.status
    if reply.status == 400:
        assert "nested too deeply" in reply.text or "POST a JSON body" in reply.text
    assert time.monotonic() - started < 60  # generous: answered, not hung

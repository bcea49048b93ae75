"""The plain GET /sparql?query=... answered beneath Flask, the rest handed to it.

Most traffic on a SPARQL endpoint is the same shape: a GET with one `query` parameter, an Accept
header a client library always sends, no body, no conditional or Range header. For a light query Flask's
request and response machinery (contexts, URL matching, header objects, hooks) costs as much CPU
as the engine (docs/performance.md), so this WSGI layer answers that shape itself with the same
pieces the route uses: the guard, content negotiation, the query service and the response policy
of http.py, writing the same status, headers and bytes (tests/test_direct.py compares both ways
request by request). Anything else, and every error, goes to the Flask app: a query this layer
already ran and that failed is handed over with its exception, so it is answered, not run again.
"""

from __future__ import annotations

import functools
import gzip
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.datastructures import Accept
from werkzeug.http import parse_accept_header

from ... import namespaces as ns
from .. import state
from ..query.guard import MEMO_MAX_CHARS, MEMO_TEXTS, forget, inspect
from ..query.isolation import inline
from ..query.service import Dataset
from ..routes.sparql import FAILED, SOLUTION_OFFERS, answer_media, etag_parts, with_charset
from .conneg import HTML_OFFER, RDF_OFFERS, Offer, choose
from .policy import (
    CACHE_SECONDS,
    COMPRESSIBLE,
    CONDITIONAL,
    CORS_EXPOSE_HEADERS,
    GZIP_MAX_BYTES,
    GZIP_MIN_BYTES,
    tag_of,
    variant,
)

PATH = "/sparql"
_HOST_KEYS = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME")  # what routing reads
_GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")


class DirectSparql:
    """WSGI middleware in front of the Flask app (`app.wsgi_app`)."""

    def __init__(self, app: Flask, inner):
        self.app = app
        self.inner = inner
        self._routed = functools.lru_cache(maxsize=64)(self._routes_to_endpoint)

    def __call__(self, environ, start_response):
        inline.client.socket = environ.get("gunicorn.socket")  # for the watchdog of a query run in this thread
        try:
            return self._answer(environ, start_response)
        finally:
            forget()  # the tokens of a long query, kept while this request needed them (guard.tokens)

    def _answer(self, environ, start_response):
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_TYPE")
                or not CONDITIONAL.isdisjoint(environ) or not self._routed(*(environ.get(k) for k in _HOST_KEYS))):
            return self.inner(environ, start_response)
        config = self.app.config
        plan = _plan(environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""), config["MAX_QUERY_BYTES"])
        if plan is None:
            return self.inner(environ, start_response)
        text, offer = plan
        service = state.of(self.app).service
        try:
            outcome = service.execute(text, offer.key, Dataset())
        except Exception as e:  # noqa: BLE001 - the route answers it as it answers its own
            environ[FAILED] = e
            return self.inner(environ, start_response)
        media = answer_media(offer, outcome)
        body = outcome.body
        etag = f"{service.version}-{variant(media)}-{tag_of(*etag_parts(text, offer, Dataset()))}"
        vary = "Accept"
        encoded = False
        if COMPRESSIBLE.match(media) and GZIP_MIN_BYTES <= len(body) <= GZIP_MAX_BYTES:
            vary = "Accept, Accept-Encoding"
            if _gzip_accepted(environ.get("HTTP_ACCEPT_ENCODING", "")):
                body, encoded = gzip.compress(body, compresslevel=6, mtime=0), True
        headers = [("Content-Type", with_charset(media)), ("Content-Length", str(len(body))), ("Vary", vary)]
        origin = config.get("CORS_ORIGIN")
        if origin:
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS)]
        headers += [("X-Content-Type-Options", "nosniff"), ("Cache-Control", f"public, max-age={CACHE_SECONDS}")]
        if encoded:
            headers += [("ETag", f'W/"{etag}"'), ("Content-Encoding", "gzip")]
        else:
            headers.append(("ETag", f'"{etag}"'))
        start_response("200 OK", headers)
        return [body]

    def _routes_to_endpoint(self, *host: str | None) -> bool:
        """Would Flask route a GET /sparql with these host variables to the endpoint? Not for a Host
        outside TRUSTED_HOSTS or one werkzeug cannot encode (the route answers 400)."""
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": PATH, **{k: v for k, v in zip(_HOST_KEYS, host) if v is not None}}
        try:
            adapter = self.app.create_url_adapter(self.app.request_class(environ))
            endpoint, _ = adapter.match(PATH, method="GET")
        except Exception:  # noqa: BLE001 - whatever Flask would refuse, it refuses itself
            return False
        return endpoint == "sparql.endpoint"


@functools.lru_cache(maxsize=MEMO_TEXTS)
def _remembered_plan(query_string: str, accept: str, max_bytes: int) -> tuple[str, Offer] | None:
    return _plan_of(query_string, accept, max_bytes)


def _plan(query_string: str, accept: str, max_bytes: int) -> tuple[str, Offer] | None:
    if len(query_string) + len(accept) <= MEMO_MAX_CHARS:
        return _remembered_plan(query_string, accept, max_bytes)
    return _plan_of(query_string, accept, max_bytes)


def _plan_of(query_string: str, accept: str, max_bytes: int) -> tuple[str, Offer] | None:
    """The query text and the offer this layer would answer with, or None for the Flask route.

    None for everything but one well-formed `query` parameter of a query the guard accepts, without
    FROM, asked for in a format it has (not the editor's HTML).
    """
    if not query_string.isascii():
        return None
    try:
        params = parse_qsl(query_string, keep_blank_values=True, errors="strict")
    except ValueError:  # percent-encoded bytes that are not UTF-8: werkzeug keeps them encoded
        return None
    if len(params) != 1 or params[0][0] != "query":
        return None
    text = params[0][1]
    if not text.strip() or len(text.encode("utf-8")) > max_bytes:
        return None
    try:
        shape = inspect(text, ns.BASE, ns.prefixes_for(text))
    except Exception:  # noqa: BLE001 - refused or malformed: the route says why
        return None
    if shape.from_graphs or shape.from_named_graphs:
        return None
    offers = RDF_OFFERS if shape.form in _GRAPH_FORMS else SOLUTION_OFFERS
    chosen = choose(accept, (*offers, HTML_OFFER))
    return None if chosen is None or chosen is HTML_OFFER else (text, chosen)  # None: 406 or the editor


@functools.lru_cache(maxsize=64)
def _gzip_accepted(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding, Accept)["gzip"] > 0

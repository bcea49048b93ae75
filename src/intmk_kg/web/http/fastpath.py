"""The plain GET /sparql?query=... answered beneath Flask, the rest handed to it.

Most traffic on a SPARQL endpoint is the same shape: a GET with one `query` parameter, an Accept
header a client library always sends, no body, no conditional or Range header. For a light query Flask's
request and response machinery (contexts, URL matching, header objects, hooks) costs as much CPU
as the engine (docs/performance.md), so this WSGI layer answers that shape itself. It is a thin
adapter: the checks, formats and answer are the protocol's (sparql/protocol.py), the headers,
ETag and gzip the response policy's (policy.py), as for the Flask route, so both write the same
status, headers and bytes (tests/test_direct.py compares both ways request by request). Anything
else, and every error, goes to the Flask app: a query this layer already ran and that failed is
handed over with its exception, so it is answered, not run again.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qsl

from flask import Flask

from .. import state
from ..query.guard import forget
from ..query.memo import remember_short
from ..query.service import Dataset
from ..sparql import protocol
from . import policy
from .conneg import HTML_OFFER, Offer, choose

PATH = "/sparql"
FAILED = "intmk.fastpath.failed"  # environ key: the exception of a query this layer ran, for the route
_HOST_KEYS = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME")  # what routing reads


class DirectSparql:
    """WSGI middleware in front of the Flask app (`app.wsgi_app`)."""

    def __init__(self, app: Flask, inner):
        self.app = app
        self.inner = inner
        self._routed = functools.lru_cache(maxsize=64)(self._routes_to_endpoint)

    def __call__(self, environ, start_response):
        try:
            return self._answer(environ, start_response)
        finally:
            forget()  # the tokens of a long query, kept while this request needed them (guard.tokens)

    def _answer(self, environ, start_response):
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_TYPE")
                or not policy.CONDITIONAL.isdisjoint(environ) or not self._routed(*(environ.get(k) for k in _HOST_KEYS))):
            return self.inner(environ, start_response)
        config = self.app.config
        plan = _plan(environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""), config["MAX_QUERY_BYTES"])
        if plan is None:
            return self.inner(environ, start_response)
        text, offer = plan
        service = state.of(self.app).service
        try:
            answer = protocol.answer(service, text, offer, Dataset())
        except Exception as e:  # noqa: BLE001 - the route answers it as it answers its own
            environ[FAILED] = e
            return self.inner(environ, start_response)
        media, body = answer.media, answer.body
        tag = policy.etag(service.version, media, extra=policy.tag_of(*answer.etag_parts))
        vary, encoded = "Accept", False
        if policy.gzip_worth(200, media, len(body)):
            vary = "Accept, Accept-Encoding"
            if policy.accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
                body, encoded = policy.gzipped(body), True
        headers = [("Content-Type", protocol.with_charset(media)), ("Content-Length", str(len(body))), ("Vary", vary),
                   *policy.answer_headers(media, config.get("CORS_ORIGIN"))]
        if encoded:
            headers += [("ETag", f'W/"{tag}"'), ("Content-Encoding", "gzip")]
        else:
            headers.append(("ETag", f'"{tag}"'))
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


def _plan_of(query_string: str, accept: str, max_bytes: int) -> tuple[str, Offer] | None:
    """The query text and the offer this layer would answer with, or None for the Flask route.

    None for everything but one well-formed `query` parameter of a query the protocol accepts,
    without FROM, asked for in a format it has (not the editor's HTML).
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
    try:
        shape = protocol.inspect_query(text, max_bytes)
    except Exception:  # noqa: BLE001 - refused or malformed: the route says why
        return None
    if shape.from_graphs or shape.from_named_graphs:
        return None
    chosen = choose(accept, protocol.offers_for(shape))
    return None if chosen is None or chosen is HTML_OFFER else (text, chosen)  # None: 406 or the editor


_plan = remember_short(_plan_of, measure=lambda query_string, accept, _: len(query_string) + len(accept))

"""The response policy every route shares: CORS, caching, compression, security headers, errors.

Routes only produce representations; this module decides how they travel. A page is tagged
with the release version plus its variant (media type, language), since a release never
changes, and clients revalidate with If-None-Match for a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from functools import lru_cache

from flask import Flask, Response, current_app, g, render_template, request
from flask.globals import request_ctx
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from .. import state
from ..query.guard import MEMO_MAX_CHARS, MEMO_TEXTS
from ..query.service import QueryTimeout

try:  # the errors gunicorn raises while the app reads a malformed body (bad chunk sizes, a body cut short)
    from gunicorn.http.errors import NoMoreData, ParseException
    BODY_ERRORS: tuple[type[Exception], ...] = (ParseException, NoMoreData)
except ImportError:  # another WSGI server
    BODY_ERRORS = ()

CACHE_SECONDS = 3600
ERROR_CACHE_SECONDS = 60
GZIP_MIN_BYTES = 1024
GZIP_MAX_BYTES = 32 * 1024 * 1024  # larger answers are sent as they are
MAX_BODY_BYTES = 1024 * 1024  # any request body (a reconciliation batch, a form); /sparql's own limit may be larger
# of a refused body read and dropped, so that a client still sending sees the 413 rather than a broken
# pipe (a larger body is cut off: the connection closes); reading costs no memory, 64 KiB at a time
DRAIN_BYTES = 32 * 1024 * 1024

# Scripts only from this server (YASGUI is vendored under /static/yasgui/); inline styles are
# allowed because YASGUI's editor and pyLODE's pages set them. JSON-LD data blocks are not scripts.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])
CORS_ALLOW_HEADERS = "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since, If-Range, Range"
CORS_EXPOSE_HEADERS = "ETag, Link, Content-Location, Content-Range, Content-Disposition, Vary"
COMPRESSIBLE = re.compile(
    r"^(text/.*|application/(json|ld\+json|sparql-results\+(json|xml)|n-triples|n-quads|trig|rdf\+xml|xml|javascript)"
    r"|image/svg\+xml)$"
)
ERROR_FORMATS = [
    "text/html", "application/json", "application/ld+json", "application/sparql-results+json",
    "text/turtle", "application/n-triples", "application/n-quads", "application/trig",
    "application/rdf+xml", "text/plain", "text/csv",
]


CONDITIONAL = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                         "HTTP_RANGE", "HTTP_IF_RANGE"})  # the headers that make_conditional answers


def register(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = body_limit(app.config)  # also bounds chunked bodies as they are read
    app.before_request(_refuse_large_body)
    app.after_request(_policy)
    app.register_error_handler(HTTPException, _http_error)
    for error in BODY_ERRORS:
        app.register_error_handler(error, _malformed_body)
    app.register_error_handler(QueryTimeout, _unavailable)
    app.register_error_handler(Exception, _unexpected)
    app.context_processor(lambda: {"release_version": state.current().version})


def body_limit(config) -> int:
    """MAX_BODY_BYTES, or more where /sparql reads a larger form (three bytes per byte of the query
    percent-encoded, and room for other parameters: see sparql._limit_body)."""
    return max(MAX_BODY_BYTES, 3 * int(config["MAX_QUERY_BYTES"]) + 64 * 1024)


def drain(stream, most: int) -> None:
    """Read and drop a refused body (up to `most` bytes), so the client, still sending, gets the 413
    instead of a broken pipe when we close the connection."""
    while stream is not None and most > 0:
        chunk = stream.read(min(65536, most))
        if not chunk:
            return
        most -= len(chunk)


def _refuse_large_body() -> None:
    """A body declared larger than the limit is refused before anything parses it (Flask would read
    a form or JSON of any size whole into memory). A chunked body, of unknown length, is read up to
    the limit first: werkzeug would cut it there silently, and a cut body is no valid one."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        if len(request.get_data(cache=True)) >= limit:  # kept for the route: forms and JSON parse these bytes
            raise RequestEntityTooLarge(f"The request body has more than {limit - 1} bytes; this server reads at "
                                        f"most {limit - 1} bytes.")
        return
    length = request.content_length or 0
    if length > limit:
        drain(request.environ.get("wsgi.input"), min(DRAIN_BYTES, length))
        raise RequestEntityTooLarge(f"The request body has {request.content_length} bytes; this server reads at "
                                    f"most {limit} bytes.")


def _malformed_body(error: Exception) -> Response:
    """A body the client framed wrongly (a chunk size of -1, a body cut short) is its error, not ours."""
    bad = BadRequest(f"The request body is malformed and was not read: {str(error)[:200]}")
    return current_app.handle_http_exception(bad)  # through the route family's own handler (JSON APIs)


def tag(*parts: str) -> None:
    """Add something the page depends on besides the release (a query file's text) to its ETag."""
    g.etag_extra = g.get("etag_extra", "") + tag_of(*parts)


def tag_of(*parts: str) -> str:
    """The ETag part `tag` adds, for a response made outside Flask (direct.py)."""
    text = "\n".join(parts)
    return _remembered_digest(text) if len(text) <= MEMO_MAX_CHARS else _digest(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


_remembered_digest = lru_cache(maxsize=MEMO_TEXTS)(_digest)


def _policy(response: Response) -> Response:
    # Header names present, read once: a missing name costs werkzeug an exception per lookup, and
    # a header known to be absent is appended (`add`) instead of set (which searches and replaces).
    present = {name.lower() for name in response.headers.keys()}
    method = request.method
    _cors(response, method, present)
    _security(response, present)
    _cache(response, method, present)
    if response.status_code == 200 and method in ("GET", "HEAD") and "etag" not in present:
        response.set_etag(_etag(response, present))
        if not CONDITIONAL.isdisjoint(request.environ):
            response.make_conditional(request)
    _compress(response)
    return response


def _etag(response: Response, present: set[str]) -> str:
    parts = [state.current().version, variant(response.mimetype)]
    if "content-language" in present:
        parts.append(response.headers["Content-Language"])
    extra = g.get("etag_extra")
    if extra:
        parts.append(extra)
    return "-".join(parts)


@lru_cache(maxsize=256)
def variant(mimetype: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9.+]+", "-", mimetype or "none")


def _put(response: Response, present: set[str], name: str, value: str) -> None:
    if name.lower() in present:
        response.headers[name] = value
    else:
        response.headers.add(name, value)


def _cors(response: Response, method: str, present: set[str]) -> None:
    origin = current_app.config.get("CORS_ORIGIN")
    if not origin:
        return
    _put(response, present, "Access-Control-Allow-Origin", origin)
    _put(response, present, "Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS)
    if method == "OPTIONS":
        _put(response, present, "Access-Control-Allow-Methods", ", ".join(sorted(response.allow)) or "GET, HEAD, OPTIONS")
        _put(response, present, "Access-Control-Allow-Headers", CORS_ALLOW_HEADERS)
        _put(response, present, "Access-Control-Max-Age", "86400")


def _security(response: Response, present: set[str]) -> None:
    _put(response, present, "X-Content-Type-Options", "nosniff")
    if response.mimetype == "text/html":
        if "referrer-policy" not in present:
            response.headers.add("Referrer-Policy", "strict-origin-when-cross-origin")
        if "content-security-policy" not in present:  # a route with its own policy decides its framing too
            response.headers.add("Content-Security-Policy", CSP)
            _put(response, present, "X-Frame-Options", "SAMEORIGIN")


def _cache(response: Response, method: str, present: set[str]) -> None:
    if "cache-control" in present or method not in ("GET", "HEAD"):
        return
    if response.status_code >= 500:
        response.headers.add("Cache-Control", "no-store")
    elif response.status_code >= 400:
        response.headers.add("Cache-Control", f"public, max-age={ERROR_CACHE_SECONDS}")
    else:
        response.headers.add("Cache-Control", f"public, max-age={CACHE_SECONDS}")


def _compress(response: Response) -> None:
    """Gzip what is worth it; a Range request keeps the identity bytes its range refers to.

    Downloads are never compressed here: /dumps/ sends the gzip copy the build wrote (web/routes/dumps.py).
    """
    if g.get("encoding_chosen"):
        return
    if response.status_code in (204, 206, 304) or response.status_code < 200 or "Content-Encoding" in response.headers:
        return
    if not COMPRESSIBLE.match(response.mimetype or ""):
        return
    if response.is_streamed and not response.direct_passthrough:
        return  # a generator of unknown length: leave it streaming
    length = response.content_length
    if (length or 0) > GZIP_MAX_BYTES:
        return
    if length is not None and length < GZIP_MIN_BYTES and not response.direct_passthrough:
        return  # never compressed, so the same bytes for every client: no Vary either
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0 or request.range is not None:
        return
    response.direct_passthrough = False  # a file from send_file is read here, once
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)  # same content, other bytes: a weak validator (as nginx does)


def _http_error(error: HTTPException) -> Response:
    # werkzeug's own English description says nothing the page's catalogue does not say in its language
    stock = error.description in (None, "", type(error).description)
    response = error_response(error.code, error.name, error.description or error.name, stock=stock)
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if getattr(error, "retry_after", None) is not None:  # a query refused while every query process is busy
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _unavailable(error: QueryTimeout) -> Response:
    """A lookup the query service could not answer (a remote store down or too slow): try again later."""
    return error_response(503, "Service Unavailable", str(error), stock=True)


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(500, "Internal Server Error", "The server could not answer this request; the error has been logged.",
                          stock=True)


def error_response(status: int, title: str, message: str, stock: bool = False) -> Response:
    """The error in the format the client asked for (the route's chosen format if it picked one).

    An HTML page is in the page's language: its title and, where `message` is only the stock text of
    the status (`stock`), its text come from the message catalogue."""
    media = g.get("error_media") if g.get("error_media") in ERROR_FORMATS else None
    if media is None:
        media = request.accept_mimetypes.best_match(ERROR_FORMATS, default="text/plain") if request.accept_mimetypes else "text/html"
    if media == "text/html" and request_ctx.url_adapter is None:
        media = "text/plain"  # an untrusted Host: no URLs can be built, so no page (its links need them)
    if media == "text/html":
        body = render_template("error.html", status=status, title=title, message=message, stock=stock)
    elif media.endswith("json"):
        body = json.dumps({"error": {"status": status, "title": title, "message": message}}, ensure_ascii=False, indent=1) + "\n"
    elif media in ("text/turtle", "application/n-triples", "application/n-quads", "application/trig"):
        body = "".join(f"# {line}\n" for line in [f"{status} {title}", *message.splitlines()])  # an empty graph
    elif media == "application/rdf+xml":
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>\n<!-- {_xml_comment(f"{status} {title}: {message}")} -->\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n'
        )
    else:
        media = "text/plain"
        body = f"{status} {title}\n{message}\n"
    response = Response(body, status, mimetype=media)
    response.vary.add("Accept")
    return response


def _xml_comment(text: str) -> str:
    return re.sub(r"-{2,}", "-", text).strip("-")

"""The response policy every route shares: CORS, caching, compression, security headers, errors.

Routes only produce representations; this module decides how they travel. A page is tagged
with the release version plus its variant (media type, language), since a release never
changes, and clients revalidate with If-None-Match for a 304.

The decisions are pure functions, written once: `headers` (from status, method, media type,
the settings and the route family's CORS), `etag`, and `gzip_worth` with `accepts_gzip`. Flask's
`after_request` (`_policy`), the fast path beneath Flask (fastpath.py) and the 503 the inline
lane's watchdog writes on a client's socket (`overrun_answer`) all use them. A new header goes
into `headers`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, Response, current_app, g, render_template, request
from flask.globals import request_ctx
from werkzeug.datastructures import Accept
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_accept_header

from ... import formats
from .. import state
from ..query.memo import remember_short
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
# what an error is written in (error_response), the first the client accepts
ERROR_FORMATS = formats.media_types([formats.HTML, formats.JSON, formats.JSON_LD, formats.RESULTS_JSON, formats.TURTLE,
                                     formats.N_TRIPLES, formats.N_QUADS, formats.TRIG, formats.RDF_XML, formats.TEXT,
                                     formats.CSV])
COMMENTED = formats.media_types([formats.TURTLE, formats.N_TRIPLES, formats.N_QUADS, formats.TRIG])  # "# " lines


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
    """The ETag part `tag` adds, for a response made outside Flask (fastpath.py)."""
    return _digest("\n".join(parts))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


_digest = remember_short(_sha)


@dataclass(frozen=True)
class RouteCors:
    """A route family whose API requires CORS even when CORS_ORIGIN is empty (the reconciliation
    spec, QID lookups): then any origin may read it, and a preflight gets `methods` and `headers`
    (none: no preflight answer). A CORS_ORIGIN set for the whole server wins."""

    methods: str | None = None
    headers: str | None = None


ROUTE_CORS: dict[str, RouteCors] = {}  # by blueprint name, from `cors_always`


def cors_always(blueprint_name: str, methods: str | None = None, allow_headers: str | None = None) -> None:
    """Declare a route family's own CORS (see RouteCors); its module calls this once."""
    ROUTE_CORS[blueprint_name] = RouteCors(methods, allow_headers)


def headers(status: int, method: str, media: str | None, cors_origin: str | None, route_cors: RouteCors | None = None,
            allow: Iterable[str] = (), present: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, str]]:
    """The headers the policy gives an answer, in order: CORS, security, caching.

    `cors_origin` is the CORS_ORIGIN setting, `allow` the methods of the URL (for a preflight),
    `present` the (lower-case) names of headers the route set itself, which it decides: a route with
    its own Content-Security-Policy decides its framing too, and its own Cache-Control stays.
    """
    out: list[tuple[str, str]] = []
    origin = cors_origin or ("*" if route_cors is not None else None)
    if origin:
        out.append(("Access-Control-Allow-Origin", origin))
        if cors_origin:
            out.append(("Access-Control-Expose-Headers", CORS_EXPOSE_HEADERS))
        if method == "OPTIONS":
            if cors_origin:
                methods, allowed = ", ".join(sorted(allow)) or "GET, HEAD, OPTIONS", CORS_ALLOW_HEADERS
            else:
                methods, allowed = route_cors.methods, route_cors.headers
            if methods:
                out += [("Access-Control-Allow-Methods", methods), ("Access-Control-Allow-Headers", allowed or ""),
                        ("Access-Control-Max-Age", "86400")]
    out.append(("X-Content-Type-Options", "nosniff"))
    if media == "text/html":
        if "referrer-policy" not in present:
            out.append(("Referrer-Policy", "strict-origin-when-cross-origin"))
        if "content-security-policy" not in present:
            out += [("Content-Security-Policy", CSP), ("X-Frame-Options", "SAMEORIGIN")]
    if "cache-control" not in present and method in ("GET", "HEAD"):
        out.append(("Cache-Control", "no-store" if status >= 500 else f"public, max-age={ERROR_CACHE_SECONDS}"
                    if status >= 400 else f"public, max-age={CACHE_SECONDS}"))
    return out


@lru_cache(maxsize=64)
def answer_headers(media: str, cors_origin: str | None) -> tuple[tuple[str, str], ...]:
    """`headers` of a 200 to a GET that the route left to the policy, remembered: the fast path's."""
    return tuple(headers(200, "GET", media, cors_origin))


def etag(version: str, media: str | None, language: str | None = None, extra: str | None = None) -> str:
    """The entity tag of an answer: the release, its variant (media type, language) and what else
    it depends on (`tag`)."""
    return "-".join(p for p in (version, variant(media), language, extra) if p)


def gzip_worth(status: int, media: str | None, length: int | None, passthrough: bool = False) -> bool:
    """Whether an answer may be sent gzipped, and so varies on Accept-Encoding: not one too small
    to gain or too large to compress in memory; a file (`passthrough`) is judged again when read.
    (A stream of unknown length is the caller's to leave alone.)"""
    if status in (204, 206, 304) or status < 200 or not COMPRESSIBLE.match(media or ""):
        return False
    if (length or 0) > GZIP_MAX_BYTES:
        return False
    return passthrough or length is None or length >= GZIP_MIN_BYTES


@lru_cache(maxsize=64)
def accepts_gzip(accept_encoding: str) -> bool:
    return parse_accept_header(accept_encoding, Accept)["gzip"] > 0


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def overrun_answer(cors_origin: str | None):
    """The watchdog's answer on the socket of a request whose inline query ran past its limit:
    a whole HTTP/1.1 503, with the policy's headers, closing the connection."""
    def answer(message: str) -> bytes:
        body = f"503 Service Unavailable\n{message}\n".encode()
        head = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                ("Connection", "close"), *headers(503, "GET", "text/plain", cors_origin)]
        lines = ["HTTP/1.1 503 Service Unavailable", *(f"{name}: {value}" for name, value in head)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    return answer


def _policy(response: Response) -> Response:
    # Header names present, read once: a missing name costs werkzeug an exception per lookup, and
    # a header known to be absent is appended (`add`) instead of set (which searches and replaces).
    present = {name.lower() for name in response.headers.keys()}
    method = request.method
    status = response.status_code
    for name, value in headers(status, method, response.mimetype, current_app.config.get("CORS_ORIGIN"),
                               ROUTE_CORS.get(request.blueprint or ""), response.allow, present):
        _put(response, present, name, value)
    if status == 200 and method in ("GET", "HEAD") and "etag" not in present:
        language = response.headers["Content-Language"] if "content-language" in present else None
        response.set_etag(etag(state.current().version, response.mimetype, language, g.get("etag_extra")))
        if not CONDITIONAL.isdisjoint(request.environ):
            response.make_conditional(request)
    _compress(response)
    return response


@lru_cache(maxsize=256)
def variant(mimetype: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9.+]+", "-", mimetype or "none")


def _put(response: Response, present: set[str], name: str, value: str) -> None:
    if name.lower() in present:
        response.headers[name] = value
    else:
        response.headers.add(name, value)


def _compress(response: Response) -> None:
    """Gzip what is worth it; a Range request keeps the identity bytes its range refers to.

    Downloads are never compressed here: /dumps/ sends the gzip copy the build wrote (web/routes/dumps.py).
    """
    if g.get("encoding_chosen") or "Content-Encoding" in response.headers:
        return
    if response.is_streamed and not response.direct_passthrough:
        return  # a generator of unknown length: leave it streaming
    if not gzip_worth(response.status_code, response.mimetype, response.content_length, response.direct_passthrough):
        return  # never compressed, so the same bytes for every client: no Vary either
    response.vary.add("Accept-Encoding")
    if not accepts_gzip(request.environ.get("HTTP_ACCEPT_ENCODING", "")) or request.range is not None:
        return
    response.direct_passthrough = False  # a file from send_file is read here, once
    data = response.get_data()
    if len(data) < GZIP_MIN_BYTES:
        return
    response.set_data(gzipped(data))
    response.headers["Content-Encoding"] = "gzip"
    tag, weak = response.get_etag()
    if tag and not weak:
        response.set_etag(tag, weak=True)  # same content, other bytes: a weak validator (as nginx does)


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
    elif media in COMMENTED:
        body = "".join(f"# {line}\n" for line in [f"{status} {title}", *message.splitlines()])  # an empty graph
    elif media == formats.RDF_XML.media_type:
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

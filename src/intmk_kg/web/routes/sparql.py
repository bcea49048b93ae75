"""/sparql: the SPARQL 1.1 Protocol endpoint (queries only), its service description and YASGUI.

A query is read from GET ?query=, a form-encoded POST or a POST of application/sparql-query,
checked by the guard (no update, no SERVICE, only graphs we hold), then run by the query
service in a killable process. Without a query, RDF clients get a SPARQL 1.1 Service
Description and browsers the YASGUI editor with one tab per canned query in queries/*.rq.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ServiceUnavailable

from .. import state
from ..http import policy
from ..http.conneg import HTML_OFFER, RDF_OFFERS, names_html, negotiate, page_language
from ..http.fastpath import FAILED
from ..http.origin import public_url
from ..pages import queries
from ..pages.queries import canned_tabs
from ..query.service import Dataset, QueryTimeout
from ..sparql import description, editor, protocol
from ..sparql.protocol import ProtocolError, with_charset

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
UTF8 = ("utf-8", "utf8", "us-ascii", "ascii")  # ASCII is UTF-8 too
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only and answers queries only."

@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    # errors as plain text for SPARQL clients and curl, as a page for browsers that ask for one
    g.error_media = "text/html" if names_html(request.environ.get("HTTP_ACCEPT", "")) else "text/plain"
    page_language()  # a ?lang other than de or en is 400, as on every page
    params, text = _read_request()
    if text is None:
        return _describe_service(params)
    service = state.current().service
    try:
        shape = protocol.inspect_query(text, current_app.config["MAX_QUERY_BYTES"])
    except ProtocolError as e:
        abort(e.status, description=e.message)
    dataset = Dataset(tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri")))
    _check_graphs(service, [*dataset.default_graphs, *dataset.named_graphs, *shape.from_graphs, *shape.from_named_graphs])

    offer = negotiate(request, protocol.offers_for(shape), params.get("format"))
    if offer is HTML_OFFER:  # a browser following a link to a query: the editor opens and runs it
        return _editor()
    try:  # a query http/fastpath.py ran and that failed is answered, not run again
        answer = protocol.answer(service, text, offer, dataset, request.environ.pop(FAILED, None))
    except ProtocolError as e:
        abort(e.status, description=e.message)
    except QueryTimeout as e:
        raise ServiceUnavailable(description=str(e), retry_after=getattr(e, "retry_after", None)) from None
    policy.tag(*answer.etag_parts)
    response = Response(answer.body, content_type=with_charset(answer.media))
    response.vary.add("Accept")
    return response


def _read_request() -> tuple[MultiDict, str | None]:
    """The protocol parameters and the query text (None when there is none), or an HTTP error."""
    mimetype = request.mimetype if request.environ.get("CONTENT_TYPE") else ""
    if mimetype == "application/sparql-update":
        abort(403, description=READ_ONLY)
    if request.method in ("GET", "HEAD"):
        params = request.args
    elif mimetype in (FORM, SPARQL_QUERY) and request.mimetype_params.get("charset", "utf-8").lower() not in UTF8:
        abort(415, description=f"The SPARQL 1.1 Protocol sends queries as UTF-8; this request says charset="
                               f"{request.mimetype_params['charset'][:40]}. Send the query as UTF-8 (charset=utf-8 or none).")
    elif mimetype == FORM:
        _limit_body()
        params = MultiDict([*request.args.items(multi=True), *request.form.items(multi=True)])
        if "query" not in params and "update" not in params:
            abort(400, description="The form has no query parameter.")
    elif mimetype == SPARQL_QUERY:
        _limit_body()
        if "query" in request.args:
            abort(400, description=f"With a {SPARQL_QUERY} body the query is the body; do not also send a query parameter.")
        params = MultiDict([*request.args.items(multi=True), ("query", _body_text())])
    else:
        abort(415, description=f"POST a query as {FORM} (query=...) or as {SPARQL_QUERY}; "
                               f"this request is {request.mimetype or 'without a content type'}.")
    if "update" in params:
        abort(403, description=READ_ONLY)
    queries = params.getlist("query")
    if len(queries) > 1:
        abort(400, description=f"Give the query once; this request has {len(queries)} query parameters.")
    return params, (queries[0] if queries else None)


DRAIN_BYTES = 16 * 1024 * 1024  # of a query body refused here (policy.DRAIN_BYTES for the app-wide limit)


def _limit_body() -> None:
    """Refuse a body too large to hold a query of MAX_QUERY_BYTES, before reading it."""
    limit = current_app.config["MAX_QUERY_BYTES"]
    allowed = 3 * limit + 64 * 1024  # percent-encoding triples a byte at most; room for other parameters
    if (request.content_length or 0) > allowed:
        policy.drain(request.stream, DRAIN_BYTES)
        abort(413, description=f"The request body is larger than this endpoint reads; a query may have {limit} bytes.")
    request.max_content_length = allowed  # bodies without Content-Length are cut off at the same size
    request.max_form_memory_size = allowed


def _body_text() -> str:
    data = request.get_data(cache=True)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        abort(400, description="The query body is not valid UTF-8 text.")


def _check_graphs(service, graphs: list[str]) -> None:
    """A graph this server does not hold is an empty graph (the protocol's rule), never fetched:
    pyoxigraph never fetches one. A remote store might, so there an unknown graph is refused."""
    if not graphs or not getattr(service, "remote", False):
        return
    known = set(service.graph_names())
    unknown = [name for name in graphs if name not in known]
    if unknown:
        abort(400, description=(
            f"Unknown graph <{unknown[0][:200]}>: this endpoint queries only the graphs its remote store holds and never "
            "fetches one (the store might). "
            "GET /sparql with Accept: text/turtle lists them."
        ))


def _describe_service(params: MultiDict):
    offer = negotiate(request, [*RDF_OFFERS, HTML_OFFER], params.get("format"))
    if offer is HTML_OFFER:
        return _editor()
    served = state.current()
    triples = description.service_description(public_url("sparql"), served.graph_sizes, named=served.release is not None,
                                              remote=served.remote)
    response = Response(description.serialize(triples, offer), content_type=with_charset(offer.media_type))
    response.vary.add("Accept")
    return response


def _editor() -> Response:
    tabs = canned_tabs(queries.folder())
    policy.tag(*(t["query"] for t in tabs))
    page = render_template(
        "sparql.html",
        endpoint=public_url("sparql"),
        endpoint_path=url_for("sparql.endpoint"),  # resolved by the page against its own address
        tabs_json=editor.script_json(tabs),
        new_tab_json=editor.script_json(editor.NEW_TAB),
    )
    response = Response(page, mimetype="text/html")
    response.vary.add("Accept")
    return response

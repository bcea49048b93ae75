"""/sparql: the SPARQL 1.1 Protocol endpoint (queries only), its service description and YASGUI.

A query is read from GET ?query=, a form-encoded POST or a POST of application/sparql-query,
checked by the guard (no update, no SERVICE, only graphs we hold), then run by the query
service in a killable process. Without a query, RDF clients get a SPARQL 1.1 Service
Description and browsers the YASGUI editor with one tab per canned query in queries/*.rq.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ServiceUnavailable

from ... import namespaces as ns
from .. import state
from ..http import policy
from ..http.conneg import HTML_OFFER, RDF_OFFERS, names_html, negotiate
from ..http.fastpath import FAILED
from ..http.origin import public_url
from ..pages import queries
from ..pages.queries import canned_tabs
from ..query.embedded import GRAPH_FORMATS
from ..query.service import Dataset, QueryTimeout
from ..sparql import protocol
from ..sparql.protocol import ProtocolError, with_charset

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
UTF8 = ("utf-8", "utf8", "us-ascii", "ascii")  # ASCII is UTF-8 too
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only and answers queries only."

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMATS = "http://www.w3.org/ns/formats/"
SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "rdf": ns.PREFIXES["rdf"]}
# A new editor tab: a query that runs anywhere, its PREFIX lines in place (YASGUI marks an undeclared
# prefix as an error, and other endpoints know none of ours).
NEW_TAB = ns.sparql_prologue(["intmk", "rdf", "rdfs", "xsd", "skos", "schema", "prov", "owl"]) + "".join(
    f"PREFIX {p}: <{ns.KIND_PREFIXES[p]}>\n" for p in ("conf", "state", "person", "res")) + (
    "\nSELECT ?conference ?label ?year WHERE {\n  ?conference a intmk:Conference ;\n      rdfs:label ?label .\n"
    "  OPTIONAL { ?conference intmk:year ?year }\n  FILTER(LANG(?label) = \"de\")\n}\nORDER BY ?year\n")
RESULT_FORMATS = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    # errors as plain text for SPARQL clients and curl, as a page for browsers that ask for one
    g.error_media = "text/html" if names_html(request.environ.get("HTTP_ACCEPT", "")) else "text/plain"
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
    fmt, media = GRAPH_FORMATS[offer.key]
    prefixes = SD_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    body = ox.serialize(service_description(public_url("sparql")), format=fmt, prefixes=prefixes)
    response = Response(body, content_type=with_charset(media))
    response.vary.add("Accept")
    return response


def service_description(endpoint_url: str) -> list[ox.Triple]:
    """A SPARQL 1.1 Service Description of this endpoint and the dataset it serves."""
    service = state.current().service
    counts = _graph_sizes(service)
    rdf_type = ox.NamedNode(ns.PREFIXES["rdf"] + "type")

    def sd(term: str) -> ox.NamedNode:
        return ox.NamedNode(SD + term)

    me = ox.NamedNode(endpoint_url)
    triples = [
        ox.Triple(me, rdf_type, sd("Service")),
        ox.Triple(me, sd("endpoint"), me),
        ox.Triple(me, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(me, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(me, ox.NamedNode(ns.PREFIXES["rdfs"] + "comment"), ox.Literal(
            "Read-only. Graphs are never fetched: a graph named by FROM, FROM NAMED, default-graph-uri or "
            "named-graph-uri that this endpoint does not hold is " + (
                "refused (400)." if state.current().remote else "an empty graph."), language="en")),
        *(ox.Triple(me, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS),
    ]
    release = state.current().release
    # blank nodes with fixed labels: the same bytes for the same ETag (on every replica too)
    dataset = ox.NamedNode(ns.DATASET) if release is not None else ox.BlankNode("dataset")
    default = ox.BlankNode("default")
    triples += [
        ox.Triple(me, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(counts.pop(None, 0))),
    ]
    for number, (name, size) in enumerate(sorted(counts.items())):
        try:
            iri = ox.NamedNode(name)
        except ValueError:
            continue  # a graph named by a blank node (possible with --data) has no name to give
        entry, graph = ox.BlankNode(f"entry{number}"), ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), entry),
            ox.Triple(entry, rdf_type, sd("NamedGraph")),
            ox.Triple(entry, sd("name"), iri),
            ox.Triple(entry, sd("graph"), graph),
            ox.Triple(graph, rdf_type, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(size)),
        ]
    return triples


def _graph_sizes(service) -> dict[str | None, int]:
    """Triples per named graph and (key None) in the default graph, counted once per release."""
    cache = current_app.extensions.setdefault("intmk.sparql.sizes", {})
    if service.version not in cache:
        sizes: dict[str | None, int] = {name: 0 for name in service.graph_names()}
        for row in service.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
            sizes[row["g"].value] = int(row["n"].value)
        sizes[None] = int(service.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
        cache[service.version] = sizes
    return dict(cache[service.version])


def _editor() -> Response:
    tabs = canned_tabs(queries.folder())
    policy.tag(*(t["query"] for t in tabs))
    page = render_template(
        "sparql.html",
        endpoint=public_url("sparql"),
        endpoint_path=url_for("sparql.endpoint"),  # resolved by the page against its own address
        tabs_json=json.dumps(tabs, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e"),
        new_tab_json=json.dumps(NEW_TAB).replace("<", "\\u003c").replace(">", "\\u003e"),
    )
    response = Response(page, mimetype="text/html")
    response.vary.add("Accept")
    return response

"""Canned queries: each queries/*.rq file as a page with its question, its text and its answer.

The files are read at request time, so a new or edited query shows without a restart; they run
through the query service's `execute`, with the same limits as any public query. The answer
comes as an HTML table, as JSON (the SPARQL JSON results plus name, question and query) or as CSV.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from ...readable import message
from .. import state
from ..http import policy
from ..http.conneg import HTML_OFFER, Offer, negotiate, page_language, preferred_language, split_suffix
from ..http.origin import public_url
from ..pages import queries
from ..pages.queries import NAME, CannedQuery, all_queries, folder
from ..query.service import QueryError, QueryTimeout

bp = Blueprint("canned", __name__)

JSON = formats.JSON
CSV = formats.CSV
SPARQL = formats.SPARQL_QUERY
OFFERS = [HTML_OFFER, JSON, CSV, SPARQL]


@bp.get("/queries/")
def listing():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    found = all_queries()
    policy.tag(*(q.text for q in found))
    if offer is JSON:
        response = current_app.json.response({"queries": [
            {"name": q.name, "question": q.question, "url": public_url("queries/" + q.name)} for q in found
        ]})
    else:
        response = Response(render_template("queries.html", queries=found, lang=page_language()), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/queries/<name>")
def answer(name: str):
    name, suffix = split_suffix(name, OFFERS)
    offer = negotiate(request, OFFERS, suffix or request.args.get("format"))
    path = folder() / f"{name}.rq"
    if not NAME.match(name) or not path.is_file():
        abort(404, description=message("error.no_query", preferred_language(), name=name[:100]))
    query = CannedQuery.read(path)
    policy.tag(query.text)
    if offer is SPARQL:
        response = Response(query.text, mimetype=SPARQL.media_type)
    else:
        response = _answered(query, offer)
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(
        f'</queries/{name}.{o.key}>; rel="alternate"; type="{o.media_type}"' for o in OFFERS
    )
    return response


def _answered(query: CannedQuery, offer: Offer) -> Response:
    service = state.current().service
    try:
        outcome = service.execute(query.text, "json")
    except QueryError as e:
        abort(400, description=f"The query {query.name} is not valid SPARQL: {e}")
    except QueryTimeout:
        abort(503, description=f"The query {query.name} ran out of time; try again later.")
    columns, rows, boolean = queries.table(outcome)
    if offer is JSON:
        return current_app.json.response(queries.json_body(query, outcome, columns, rows))
    if offer is CSV:
        return Response(queries.csv_text(columns, rows, boolean), mimetype="text/csv",
                        headers={"Content-Disposition": f'inline; filename="{query.name}.csv"'})
    return Response(render_template(
        "query.html",
        lang=page_language(),  # a ?lang that is neither de nor en is a 400, as on every page
        query=query,
        columns=columns,
        rows=queries.html_rows(rows),
        boolean=boolean,
        editor="/sparql?" + urlencode({"query": query.text}),
    ), mimetype="text/html")

"""Canned queries: each queries/*.rq file as a page with its question, its text and its answer.

The files are read at request time, so a new or edited query shows without a restart; they run
through the query service's `execute`, with the same limits as any public query. The answer
comes as an HTML table, as JSON (the SPARQL JSON results plus name, question and query) or as CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from ...readable import message
from .. import state
from ..http import policy
from ..http.conneg import HTML_OFFER, Offer, negotiate, page_language, preferred_language, split_suffix
from ..http.origin import public_url
from ..pages.labels import Labels, view
from ..pages.queries import CannedQuery, all_queries, folder
from ..query.service import QueryError, QueryTimeout

bp = Blueprint("canned", __name__)

JSON = formats.JSON
CSV = formats.CSV
SPARQL = formats.SPARQL_QUERY
OFFERS = [HTML_OFFER, JSON, CSV, SPARQL]
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@bp.get("/queries/")
def listing():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    queries = all_queries()
    policy.tag(*(q.text for q in queries))
    if offer is JSON:
        response = current_app.json.response({"queries": [
            {"name": q.name, "question": q.question, "url": public_url("queries/" + q.name)} for q in queries
        ]})
    else:
        response = Response(render_template("queries.html", queries=queries, lang=page_language()), mimetype="text/html")
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
    columns, rows, boolean = _table(outcome)
    if offer is JSON:
        results = json.loads(outcome.body) if outcome.kind != "graph" else {
            "head": {"vars": columns}, "results": {"bindings": [
                {c: _json_term(t) for c, t in zip(columns, row, strict=True)} for row in rows
            ]}}
        return current_app.json.response({  # a SPARQL JSON results document with the question beside it
            "name": query.name, "question": query.question, "notes": list(query.notes), "query": query.text, **results,
        })
    if offer is CSV:
        return Response(_csv(columns, rows, boolean), mimetype="text/csv",
                        headers={"Content-Disposition": f'inline; filename="{query.name}.csv"'})
    empty = Labels()
    return Response(render_template(
        "query.html",
        lang=page_language(),  # a ?lang that is neither de nor en is a 400, as on every page
        query=query,
        columns=columns,
        rows=[[view(t, empty, "en") if t is not None else None for t in row] for row in rows],
        boolean=boolean,
        editor="/sparql?" + urlencode({"query": query.text}),
    ), mimetype="text/html")


def _table(outcome) -> tuple[list[str], list[list], bool | None]:
    """Columns, rows of pyoxigraph terms (None where unbound) and, for ASK, the answer."""
    if outcome.kind == "boolean":
        return [], [], bool(json.loads(outcome.body)["boolean"])
    if outcome.kind == "graph":
        triples = ox.parse(outcome.body, format=ox.RdfFormat.from_media_type(outcome.media_type))
        return ["subject", "predicate", "object"], [[q.subject, q.predicate, q.object] for q in triples], None
    data = json.loads(outcome.body)
    columns = data["head"]["vars"]
    rows = [[_term(b.get(c)) for c in columns] for b in data["results"]["bindings"]]
    return columns, rows, None


def _term(binding: dict | None):
    if binding is None:
        return None
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def _json_term(term) -> dict:
    """A term as in SPARQL 1.1 Query Results JSON."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


def _csv(columns: list[str], rows: list[list], boolean: bool | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if boolean is not None:
        writer.writerows([["boolean"], ["true" if boolean else "false"]])
        return out.getvalue()
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if t is None else t.value for t in row])
    return out.getvalue()

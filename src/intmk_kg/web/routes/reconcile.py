"""The W3C Reconciliation Service API (version 0.2, as OpenRefine speaks it) at /reconcile.

Also data extension (0.2: property proposals at /reconcile/propose_properties, an `extend` field at
/reconcile; values from the name index, linking/extend.py) and the routes of the 1.0 draft under
/reconcile/draft (JSON bodies, list-shaped batches); all share the name index and the scoring of `linking`. Every response allows cross-origin reads (CORS,
which 0.2 requires) and, for GET, JSONP with a strictly checked `callback` name.

Entity ids are our IRIs relative to the identifier space `https://w3id.org/intmk/id/`, e.g.
`state/DE-NI`; type ids are class names relative to the schema space (the ontology namespace).
"""

from __future__ import annotations

import json
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException

from ...linking import extend
from ...linking.deadline import ClientGone, Deadline, OutOfTime
from ...linking.index import Searchable
from ...linking.matching import BadQuery
from ...linking.stored import IndexFileError
from .. import state
from ..http import policy
from ..http.client import departure_check
from ..http.jsonp import reply
from ..http.origin import public_url
from ..pages import reconciliation
from ..pages.reconciliation import BATCH_SIZE

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")
# The spec requires CORS on every endpoint, so it holds here even with CORS_ORIGIN left empty.
policy.cors_always(bp.name, methods="GET, POST, OPTIONS", allow_headers="Content-Type")

SUGGEST_LIMIT = 10
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *; base-uri 'none'; form-action 'none'"
# A JavaScript identifier path such as `cb` or `jQuery123_456.done`; nothing that could be code.


def _index() -> Searchable:
    return state.current().names


def _lang() -> str:
    lang = request.args.get("lang", "de")
    if lang not in ("de", "en"):
        raise BadQuery("'lang' must be 'de' or 'en'")
    return lang


@bp.before_request
def json_errors() -> None:
    """Errors the app's handlers answer (body limits, 500s) come as JSON here too, never as HTML."""
    g.error_media = "application/json"


@bp.errorhandler(BadQuery)
def bad_query(error: BadQuery) -> Response:
    return reply({"error": str(error)}, 400)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    response = reply({"error": error.description or error.name}, error.code or 500)
    if error.code == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


@bp.errorhandler(OutOfTime)
def out_of_time(error: OutOfTime) -> Response:
    response = reply({"error": str(error)}, 503)
    response.headers["Retry-After"] = "60"
    return response


@bp.errorhandler(ClientGone)
def client_gone(error: ClientGone) -> Response:
    """Work stopped for a client that closed its connection; the answer reaches nobody."""
    current_app.logger.warning("reconciliation stopped: the client of %s %s closed the connection",
                               request.method, request.path)
    return reply({"error": "the client closed the connection; the work was stopped"}, 503)


@bp.errorhandler(IndexFileError)
def index_damaged(error: IndexFileError) -> Response:
    current_app.logger.error("the name index is damaged: %s", error)
    return reply({"error": "the name index of this release is damaged, so reconciliation cannot answer; "
                           "the operators have been told (the log names the file)"}, 503)


def _deadline() -> Deadline:
    """One per request (a whole batch): the query timeout, or until the client leaves."""
    return Deadline(float(current_app.config["TIMEOUT"]), departure_check())


def _manifest(make, index: Searchable, lang: str) -> dict:
    return make(index, lang, base=public_url("reconcile"), documentation=public_url(), version=state.current().version)


# --- 0.2 ----------------------------------------------------------------------------------------


@bp.route("", methods=["GET", "POST"])
@bp.route("/", methods=["GET", "POST"])
def endpoint() -> Response:
    deadline, index, lang = _deadline(), _index(), _lang()
    if "extend" in request.values:
        return reply(_extend(index, request.values["extend"], lang, deadline))
    raw = request.values.get("queries")
    if raw is None:
        if request.method == "POST":
            raise BadQuery("POST a form field 'queries' holding a JSON object of queries, e.g. "
                           'queries={"q0": {"query": "Niedersachsen"}}, or a field \'extend\' (data extension)')
        return reply(_manifest(reconciliation.manifest, index, lang))
    batch = _json_field("queries", raw)
    if not isinstance(batch, dict) or not batch:
        raise BadQuery("'queries' must be a non-empty JSON object mapping your keys to queries")
    if len(batch) > BATCH_SIZE:
        return reply({"error": f"{len(batch)} queries in one batch; at most {BATCH_SIZE} (see batchSize)"}, 413)
    parsed = reconciliation.parse_batch(index, list(batch.items()), lang)
    return reply({key: {"result": reconciliation.candidates(index, q, deadline)} if not isinstance(q, BadQuery)
                  else {"result": [], "error": str(q)} for key, q in parsed})


def _json_field(name: str, raw: str) -> object:
    try:
        return json.loads(raw)
    except ValueError as e:
        raise BadQuery(f"'{name}' is not valid JSON: {e}") from None
    except RecursionError:  # json gives up on deep nesting with this, not a ValueError
        raise BadQuery(f"'{name}' is nested too deeply") from None


def _extend(index: Searchable, raw: str, lang: str, deadline: Deadline) -> dict:
    """Data extension (`extend={"ids": [...], "properties": [{"id": ...}]}`): values from the name index."""
    ids, columns = extend.parse_extend(_json_field("extend", raw))
    return {"meta": extend.meta(index, columns, lang), "rows": extend.rows(index, ids, columns, lang, deadline)}


@bp.get("/propose_properties")
def propose_properties() -> Response:
    """The properties data extension offers for a type, as OpenRefine lists them to choose columns."""
    index, lang = _index(), _lang()
    type_id = request.args.get("type")
    try:
        limit = int(request.args.get("limit", len(extend.COLUMNS)))
    except ValueError:
        raise BadQuery("'limit' must be an integer") from None
    if not 1 <= limit <= 100:
        raise BadQuery("'limit' must be between 1 and 100")
    found = [{"id": c.id, "name": c.name(lang)} for c in extend.propose(index, type_id, limit)]
    answer: dict = {"properties": found, "limit": limit}
    if type_id is not None:
        answer["type"] = type_id
    return reply(answer)


def _paging() -> tuple[int, int]:
    try:
        cursor = int(request.args.get("cursor", 0))
        limit = int(request.args.get("limit", SUGGEST_LIMIT))
    except ValueError:
        raise BadQuery("'cursor' and 'limit' must be integers") from None
    if cursor < 0 or not 1 <= limit <= 100:
        raise BadQuery("'cursor' must be 0 or more and 'limit' between 1 and 100")
    return cursor, limit


def _prefix() -> str:
    prefix = request.args.get("prefix")
    if prefix is None:
        raise BadQuery("give the text typed so far as 'prefix'")
    return prefix[:200]


@bp.get("/suggest/entity")
@bp.get("/draft/suggest/entity")
def suggest_entity() -> Response:
    index, lang = _index(), _lang()
    prefix, (cursor, limit) = _prefix(), _paging()
    types = [t for t in (index.type_of(x) for x in request.args.getlist("type")) if t is not None]
    if len(types) != len(request.args.getlist("type")):
        raise BadQuery("unknown 'type'; see /reconcile/suggest/type")
    return reply({"result": reconciliation.entity_suggestions(index, prefix, types, cursor, limit, lang)})


@bp.get("/suggest/type")
@bp.get("/draft/suggest/type")
def suggest_type() -> Response:
    index, lang = _index(), _lang()
    prefix, (cursor, limit) = _prefix(), _paging()
    return reply({"result": reconciliation.type_suggestions(index, prefix, cursor, limit, lang)})


@bp.get("/suggest/property")
@bp.get("/draft/suggest/property")
def suggest_property() -> Response:
    lang = _lang()
    prefix, (cursor, limit) = _prefix(), _paging()
    return reply({"result": reconciliation.property_suggestions(prefix, cursor, limit, lang)})


def _entity_arg():
    ident = request.args.get("id")
    if not ident:
        raise BadQuery("give an entity id as 'id', e.g. id=state/DE-NI")
    return _index().lookup(ident), ident


@bp.get("/preview")
@bp.get("/draft/preview")
def preview() -> Response:
    entity, ident = _entity_arg()
    if entity is None:
        return Response(f"No entity with the id {ident[:100]!r}.\n", 404, mimetype="text/plain")
    html = render_template("reconcile_preview.html", **reconciliation.preview_view(_index(), entity, _lang(), request.script_root))
    response = Response(html, 200, mimetype="text/html")
    # Clients show the preview in an iframe of their own origin: let any page frame it, and nothing run in it.
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.get("/view")
def view() -> Response:
    """The view template's target: our page for the entity (the id may arrive percent-encoded)."""
    entity, ident = _entity_arg()
    if entity is None:
        return reply({"error": f"no entity with the id {ident[:100]!r}"}, 404)
    return redirect(request.script_root + "/id/" + quote(entity.id), 303)


# --- 1.0 draft ----------------------------------------------------------------------------------


@bp.get("/draft")
def draft_manifest() -> Response:
    return reply(_manifest(reconciliation.draft_manifest, _index(), _lang()))


@bp.post("/draft/reconcile")
def draft_reconcile() -> Response:
    deadline, index, lang = _deadline(), _index(), _lang()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # silent only covers ValueError; deep nesting raises this
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list) or not body["queries"]:
        raise BadQuery('POST a JSON body {"queries": [{"query": "..."}, ...]} with Content-Type application/json')
    if len(body["queries"]) > BATCH_SIZE:
        return reply({"error": f"{len(body['queries'])} queries in one batch; at most {BATCH_SIZE}"}, 413)
    parsed = reconciliation.parse_batch(index, [(str(i), q) for i, q in enumerate(body["queries"])], lang)
    return reply({"results": [{"candidates": reconciliation.candidates(index, q, deadline, True)} if not isinstance(q, BadQuery)
                              else {"candidates": [], "error": str(q)} for _, q in parsed]})


"""Lookup by Wikidata QID: /wikidata/Q1197 answers 303 See Other to our entity.

The links are the graph's owl:sameAs to Wikidata, which come only from the verified reference
tables. A QID linked to more than one of our entities (Berlin and Hamburg are each one Wikidata item
for the city and the Land) answers 300 Multiple Choices with the list; /wikidata/ is the whole
mapping as JSON.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Blueprint, Response, redirect, request

from ... import namespaces as ns
from .. import state
from ..http import policy
from ..http.jsonp import reply

bp = Blueprint("wikidata", __name__, url_prefix="/wikidata")
policy.cors_always(bp.name)  # readable from any origin, as the reconciliation API

QID = re.compile(r"Q[1-9][0-9]{0,11}")


def _page(entity_id: str) -> str:
    return request.script_root + "/id/" + quote(entity_id)


@bp.get("")
@bp.get("/")
def mapping() -> Response:
    index = state.current().names
    links = {qid: [ns.ID + eid for eid in sorted(ids)] for qid, ids in sorted(index.by_qid.items(), key=lambda kv: int(kv[0][1:]))}
    return reply({
        "description": "Wikidata items linked to entities of the IntMK knowledge graph by owl:sameAs",
        "version": state.current().version,
        "wikidata": ns.WD,
        "count": sum(len(v) for v in links.values()),
        "links": links,
    })


@bp.get("/<path:qid>")
def lookup(qid: str) -> Response:
    if not QID.fullmatch(qid):
        return reply({"error": f"{qid[:40]!r} is not a Wikidata item id; item ids look like Q1197"}, 400)
    index = state.current().names
    ids = sorted(index.by_qid.get(qid, []))
    if not ids:
        return reply({"error": f"no entity of the IntMK knowledge graph is linked to Wikidata item {qid}; "
                               f"all links: {request.script_root}/wikidata/"}, 404)
    if len(ids) > 1:
        response = reply({
            "error": f"Wikidata item {qid} is linked to {len(ids)} entities; choose one",
            "choices": [{"id": ns.ID + eid, "name": index.entities[eid].name(), "url": _page(eid)} for eid in ids],
        }, 300)
        response.headers["Link"] = ", ".join(f'<{_page(eid)}>; rel="alternate"' for eid in ids)
        return response
    return redirect(_page(ids[0]), 303)

"""/search: the search box of every page. A typed text is looked up in the name index of
reconciliation (`linking/search.py`: the same German folding, so Mueller finds Müller and Clauss
Clauß, the same fuzzy score, prefixes of words), and the hits are shown grouped by kind
(conferences, Länder, persons, resolutions, topics, documents, other), as HTML or JSON.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ... import formats
from ...linking.search import MIN_CHARS, search
from ...readable import message
from .. import state
from ..http import paths
from ..http.conneg import HTML_OFFER, localized, negotiate, page_language

bp = Blueprint("search", __name__)

JSON = formats.JSON
MAX_CHARS = 200  # of a query; the rest is not read


@bp.get("/search")
def results():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    lang = page_language()
    text = (request.args.get("q") or "").strip()[:MAX_CHARS]
    found = search(state.current().names, text, lang) if text else None
    groups = [{
        "kind": g.kind,
        "heading": message(f"search.group.{g.kind}", lang),
        "total": g.total,
        "hits": [{"id": h.id, "iri": h.iri, "href": paths.href(h.iri), "label": h.label, "description": h.description,
                  "score": h.score, "matched": h.matched} for h in g.hits],
    } for g in (found.groups if found else [])]
    too_short = bool(text) and found is not None and not found.groups and len(text.replace(" ", "")) < MIN_CHARS
    if offer is JSON:
        response = current_app.json.response({"query": text, "lang": lang, "total": found.total if found else 0,
                                              "groups": groups})
    else:
        response = Response(render_template("search.html", lang=lang, query=text, search_query=text, groups=groups,
                                            searched=found is not None, too_short=too_short),
                            mimetype="text/html")
    response.vary.add("Accept")
    return localized(response, lang)

"""The home page: what the dataset is, its size, licence and citation, and where to go next: the browse
lists (each entity is two clicks away), the timeline of conferences and chairs and the tile map of the
Länder (by `?measure=`), the canned queries and the data services."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from ... import namespaces as ns
from ...pictures.tiles import MEASURES
from ...readable import message
from .. import state
from ..http import paths, policy
from ..http.conneg import HTML_OFFER, localized, negotiate, page_language
from ..pages import pictures
from ..pages.labels import Labels
from ..pages.queries import all_queries

bp = Blueprint("home", __name__)

JSON = formats.JSON
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
ENTRY_POINTS = [ns.entity("conference", "20"), ns.entity("organisation", "intmk")]
LINKS = {
    "sparql": "/sparql", "queries": "/queries/", "dumps": "/dumps/", "void": "/.well-known/void",
    "ontology": "/ontology", "shapes": "/shapes", "graphs": "/graph/",
}
# the browse lists: (path, message key of the name)
LISTS = [("/conferences/", "list.conferences"), ("/states/", "list.lander"), ("/persons/", "list.persons"),
         ("/resolutions/", "list.resolutions"), ("/topics/", "list.topics"), ("/documents/", "list.documents"),
         ("/entries/", "list.entries")]


@bp.get("/")
def index():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    served = state.current()
    lang = page_language()
    measure = pictures.measure(request.args.get("measure"))
    if measure is None:
        abort(400, description=message("error.bad_measure", lang, value=request.args["measure"][:40],
                                       allowed=", ".join(MEASURES)))
    service = served.service
    states = [r["s"].value for r in service.select(f"SELECT ?s WHERE {{ ?s a <{ns.ONT}State> }}")]
    labels = Labels.fetch(service, ENTRY_POINTS + states)
    queries = all_queries()
    policy.tag(*(q.text for q in queries))
    citation = (f"IntMK knowledge graph (IntMK-Wissensgraph), release {served.version}. "
                f"{paths.base()} . Licence: CC0 1.0.")
    data = {
        "title": "IntMK knowledge graph",
        "description": message("home.description", lang),
        "version": served.version,
        "license": LICENSE,
        "citation": citation,
        "statistics": served.release.manifest["statistics"] if served.release else None,
        "links": LINKS,
        "lists": [{"name": message(key, lang), "href": path} for path, key in LISTS],
        "queries": [{"name": q.name, "question": q.question, "href": f"/queries/{q.name}"} for q in queries],
        "entities": [
            {"iri": iri, "label": labels.text(iri, lang), "href": paths.href(iri)} for iri in ENTRY_POINTS
        ],
        "states": sorted(
            ({"iri": iri, "label": labels.text(iri, lang), "href": paths.href(iri)} for iri in states),
            key=lambda s: s["label"],
        ),
    }
    if offer is JSON:
        response = current_app.json.response(data)
    else:
        shown = {"timeline": pictures.shown(service, "timeline", lang),
                 "tiles": pictures.shown(service, "tiles", lang, measure=measure)}
        response = Response(render_template("home.html", lang=lang, pictures=shown, measure=measure, measures=MEASURES,
                                            **data), mimetype="text/html")
    response.vary.add("Accept")
    return localized(response, lang)

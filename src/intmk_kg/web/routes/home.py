"""The home page: what the dataset is, its size, licence and citation, and where to go next."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ... import formats
from ... import namespaces as ns
from .. import state
from ..http import paths, policy
from ..http.conneg import HTML_OFFER, localized, negotiate, page_language
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
DESCRIPTION = {
    "de": "Der Wissensgraph der Integrationsministerkonferenz (IntMK) der Länder: Konferenzen, Vorsitze, "
          "Beschlüsse, Forderungen und Zitate, jede Aussage mit ihrer Quelle.",
    "en": "The knowledge graph of the German Länder integration ministers' conference (IntMK): conferences, "
          "chairs, resolutions, demands and quotes, every statement with its source.",
}


@bp.get("/")
def index():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    served = state.current()
    lang = page_language()
    service = served.service
    states = [r["s"].value for r in service.select(f"SELECT ?s WHERE {{ ?s a <{ns.ONT}State> }}")]
    labels = Labels.fetch(service, ENTRY_POINTS + states)
    queries = all_queries()
    policy.tag(*(q.text for q in queries))
    citation = (f"IntMK knowledge graph (IntMK-Wissensgraph), release {served.version}. "
                f"{paths.base()} . Licence: CC0 1.0.")
    data = {
        "title": "IntMK knowledge graph",
        "description": DESCRIPTION[lang],
        "version": served.version,
        "license": LICENSE,
        "citation": citation,
        "statistics": served.release.manifest["statistics"] if served.release else None,
        "links": LINKS,
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
        response = Response(render_template("home.html", lang=lang, **data), mimetype="text/html")
    response.vary.add("Accept")
    return localized(response, lang)

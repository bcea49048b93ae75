"""The browse lists: /conferences/, /states/, /persons/, /topics/, /documents/ and /entries/ (every
other kind), each linked from the home page and the navigation, so that every entity is two clicks
from the home page (home → a list → the entity).

Each list is HTML, JSON or CSV (like /resolutions/), sorted by `?sort=<column>` or `?sort=-<column>`
(numbers numerically, text in natural order); an unknown column is a 400 that names the known ones.
The HTML pages carry the pictures: the timeline of conferences and chairs on /conferences/, the tile
map of the Länder by a chosen `?measure=` on /states/, resolutions per topic and year on /topics/.
What a list shows is `pages/lists.py`; the pictures are `pages/pictures.py`.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from ...pictures.tiles import MEASURES
from ...readable import message
from .. import state
from ..http.conneg import HTML_OFFER, localized, negotiate, page_language
from ..pages import lists, paging, pictures
from ..pages.site import here

bp = Blueprint("browse", __name__)

JSON = formats.JSON
CSV = formats.CSV
OFFERS = [HTML_OFFER, JSON, CSV]
PICTURE = {"conferences": "timeline", "states": "tiles", "topics": "topics"}


def _listing(name: str):
    offer = negotiate(request, OFFERS, request.args.get("format"))
    lang = page_language()
    service = state.current().service
    sort = request.args.get("sort")
    measure = pictures.measure(request.args.get("measure"))
    if measure is None:
        abort(400, description=message("error.bad_measure", lang, value=request.args["measure"][:40],
                                       allowed=", ".join(MEASURES)))
    listing = lists.LISTS[name](service, lang)
    if sort is not None and not lists.valid_sort(listing, sort):
        abort(400, description=message("error.bad_sort", lang, value=sort[:40],
                                       allowed=", ".join(lists.sort_keys(listing))))
    listing = lists.sorted_rows(listing, sort)
    page = paging.page(lang, len(listing.rows))
    listing.rows = page.slice(listing.rows)
    if offer is JSON:
        response = current_app.json.response({"list": name, "lang": lang, "sort": listing.sort,
                                              "columns": [c.key for c in listing.columns],
                                              **page.as_json(lambda n: here(page=n)),
                                              "items": lists.as_json(listing)})
    elif offer is CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(lists.csv_header(listing))
        writer.writerows(lists.csv_rows(listing))
        response = Response(out.getvalue(), mimetype="text/csv",
                            headers={"Content-Disposition": f'inline; filename="{name}.csv"'})
        paging.link_headers(response, page, lambda n: here(page=n))
    else:
        picture = None
        if name in PICTURE:
            options = {"measure": measure} if name == "states" else {}
            picture = pictures.shown(service, PICTURE[name], lang, **options)
        response = Response(render_template("list.html", listing=listing, lang=lang, picture=picture,
                                            measure=measure, measures=MEASURES, page=page), mimetype="text/html")
    response.vary.add("Accept")
    return localized(response, lang)


@bp.get("/conferences/")
def conferences():
    return _listing("conferences")


@bp.get("/states/")
def states():
    return _listing("states")


@bp.get("/persons/")
def persons():
    return _listing("persons")


@bp.get("/topics/")
def topics():
    return _listing("topics")


@bp.get("/documents/")
def documents():
    return _listing("documents")


@bp.get("/entries/")
def entries():
    return _listing("entries")

"""/resolutions/: the record of the conferences, every resolution, report and other item in one table.

One row per `intmk:ConferenceItem` (from resolutions.csv and the documents), as HTML, CSV or JSON,
optionally of one conference (`?conference=12`), sorted by `?sort=<column>` or `?sort=-<column>`
(conference numerically, the others in natural order). The HTML page shows the matrix of the Länder
and the conferences (votes against, abstentions, protocol notes) before the table. A result no source reports is "unknown", never
left blank. Votes by Land that the project derived from a count (a medium record of their own) are
kept apart from those the table names, so a reader sees which is which.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from ...readable import message, ordinal
from .. import state
from ..http.conneg import HTML_OFFER, negotiate, page_language
from ..pages import paging, pictures, record_table
from ..pages.site import here

bp = Blueprint("resolutions", __name__)

JSON = formats.JSON
CSV = formats.CSV
OFFERS = [HTML_OFFER, JSON, CSV]
CONFERENCE = re.compile(r"^[1-9][0-9]{0,3}$")


def _conference(lang: str) -> int | None:
    value = request.args.get("conference")
    if value is None:
        return None
    if not CONFERENCE.match(value):
        abort(400, description=message("error.bad_conference", lang, value=value[:20]))
    return int(value)


def _sorted(found: list[record_table.Item], sort: str | None, lang: str) -> list[record_table.Item]:
    ordered = record_table.sorted_items(found, sort)
    if ordered is None:
        abort(400, description=message("error.bad_sort", lang, value=sort[:40], allowed=", ".join(record_table.SORTS)))
    return ordered


@bp.get("/resolutions/")
def listing():
    offer = negotiate(request, OFFERS, request.args.get("format"))
    lang = page_language()
    conference = _conference(lang)
    sort = request.args.get("sort")
    service = state.current().service
    if sort in (None, "conference", "-conference"):  # the store orders and cuts the page
        page = paging.page(lang, record_table.count(service, conference))
        found = record_table.page_items(service, lang, conference, sort == "-conference", page.offset, page.size)
    else:  # by a text column in natural order: sorted here, then cut
        found = _sorted(record_table.items(service, lang, conference), sort, lang)
        page = paging.page(lang, len(found))
        found = page.slice(found)
    if offer is JSON:
        response = current_app.json.response({**record_table.json_body(found, conference, lang),
                                              **page.as_json(lambda n: here(page=n))})
    elif offer is CSV:
        response = Response(record_table.csv_text(found), mimetype="text/csv",
                            headers={"Content-Disposition": 'inline; filename="resolutions.csv"'})
        paging.link_headers(response, page, lambda n: here(page=n))
    else:
        matrix = pictures.shown(state.current().service, "matrix", lang) if conference is None else None
        response = Response(render_template("resolutions.html", items=found, lang=lang, conference=conference,
                                            of_conference=message("page.conference_title", lang, ordinal=ordinal(conference, lang))
                                            if conference else None, sort=sort or "conference", picture=matrix,
                                            page=page),
                            mimetype="text/html")
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response

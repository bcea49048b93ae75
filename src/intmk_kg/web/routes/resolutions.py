"""/resolutions/: the record of the conferences, every resolution, report and other item in one table.

One row per `intmk:ConferenceItem` (from resolutions.csv and the documents), as HTML, CSV or JSON,
optionally of one conference (`?conference=12`). A result no source reports is "unknown", never
left blank. Votes by Land that the project derived from a count (a medium record of their own) are
kept apart from those the table names, so a reader sees which is which.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, abort, current_app, render_template, request

from ... import formats
from .. import state
from ..http.conneg import HTML_OFFER, negotiate, page_language
from ..pages import record_table

bp = Blueprint("resolutions", __name__)

JSON = formats.JSON
CSV = formats.CSV
OFFERS = [HTML_OFFER, JSON, CSV]
def _conference() -> int | None:
    value = request.args.get("conference")
    if value is None:
        return None
    if not record_table.CONFERENCE.match(value):
        abort(400, description=f"conference must be a conference number, such as 12, not {value[:20]!r}.")
    return int(value)


@bp.get("/resolutions/")
def listing():
    offer = negotiate(request, OFFERS, request.args.get("format"))
    lang = page_language()
    conference = _conference()
    found = record_table.items(state.current().service, lang, conference)
    if offer is JSON:
        response = current_app.json.response({"conference": conference, "lang": lang, "unknown": record_table.UNKNOWN[lang],
                                               "items": [asdict(i) for i in found]})
    elif offer is CSV:
        response = Response(record_table.csv_text(found), mimetype="text/csv",
                            headers={"Content-Disposition": 'inline; filename="resolutions.csv"'})
    else:
        response = Response(render_template("resolutions.html", items=found, lang=lang, conference=conference,
                                                    kinds=record_table.KIND_NAMES[lang]),
                            mimetype="text/html")
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response

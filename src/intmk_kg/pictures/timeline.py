"""The timeline of the IntMK: one lane per Land, its chair terms as bars, its conferences as marks.

Rows (queries/picture-timeline.rq) are of two kinds: a Land (land, landCode, landDe, landEn), and a
conference (conference, ordinal, year, start, end, status, statusMatch) with its chair if known
(landCode, personName, personUntil, chairFrom, chairTo). A conference is marked in the lane of its chair Land,
or in a lane "Land unknown"; the mark's shape tells its status (held, online, cancelled), a hollow
mark a conference whose date is unknown (drawn at mid-year). A term whose start or end the data
does not give is drawn hatched, with the missing bound estimated as one year from the other (or the
conference's year); the table says which bounds are stated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..readable import format_date_range, integer, message, natural_key, ordinal
from . import svg
from .svg import ACCENT, ACCENT_LIGHT, GRID, INK, MUTED, Picture, Table, el, num, text, tooltip

NAME = "timeline"
QUERY = "picture-timeline"

LEFT, RIGHT, TOP = 200.0, 16.0, 34.0
YEAR_WIDTH = 46.0
LANE = 28.0
MARK_SPACE = 14.0  # between the centres of two marks in a lane

FIRST_YEAR = 2007  # of the first IntMK: the axis of a timeline without dates (output never depends on the clock)

HELD, ONLINE, CANCELLED, UNKNOWN = "held", "online", "cancelled", "unknown"


@dataclass
class Conference:
    iri: str
    ordinal: int
    year: int | None
    start: str | None
    end: str | None
    status: str
    chairs: list[dict]

    def day(self) -> dt.date | None:
        """Where the mark goes: its first day, or mid-year when only the year is known."""
        if self.start:
            try:
                return dt.date.fromisoformat(self.start[:10])
            except ValueError:
                pass  # not a date: placed by its year, as a conference whose date is unknown
        return dt.date(self.year, 7, 1) if self.year else None


def held(start: object, today: dt.date | None = None) -> bool:
    """Whether a conference counts as held: only with a start date (a full day) that is not in the
    future; without one, whether it met is unknown. The rule of the timeline and the conference page."""
    try:
        day = dt.date.fromisoformat(str(start or "")[:10])
    except ValueError:
        return False
    return day <= (today or dt.date.today())


def _status(rows: list[Mapping]) -> str:
    matches = {str(r.get("statusMatch") or "") for r in rows}
    if any(m.endswith("EventCancelled") for m in matches):
        return CANCELLED
    if any(m.endswith("EventMovedOnline") for m in matches):
        return ONLINE
    if any(held(r.get("start")) for r in rows):
        return HELD
    return UNKNOWN


def _year(value: object) -> int | None:
    return integer(str(value)[:4]) if value not in (None, "") else None


def conferences(rows: Iterable[Mapping]) -> list[Conference]:
    """One Conference per conference IRI in the rows, in order of their ordinals."""
    by_iri: dict[str, list[Mapping]] = defaultdict(list)
    for r in rows:
        if r.get("conference"):
            by_iri[r["conference"]].append(r)
    out = []
    for iri, rs in by_iri.items():
        first = min(rs, key=lambda r: (str(r.get("start") or ""), str(r.get("landCode") or "")))
        chairs = sorted({(r.get("landCode"), r.get("personName"), r.get("personUntil"), r.get("chairFrom"), r.get("chairTo")): r
                         for r in rs if r.get("landCode")}.values(), key=lambda r: natural_key(r.get("landCode")))
        if integer(first.get("ordinal")) is None:
            continue  # not a numbered conference: no place in the sequence
        out.append(Conference(iri, integer(first["ordinal"]), _year(first.get("year") or first.get("start")),
                              first.get("start"), first.get("end"), _status(rs), chairs))
    return sorted(out, key=lambda c: (c.ordinal, c.iri))


def lands(rows: Iterable[Mapping], lang: str) -> dict[str, str]:
    """ISO code → the Land's name in the language (the rows without a conference)."""
    found = {}
    for r in rows:
        if r.get("landCode") and not r.get("conference"):
            found[r["landCode"]] = r.get("landDe" if lang == "de" else "landEn") or r.get("landDe") or r["landCode"]
    return found


def term(chair: Mapping, conference: Conference) -> tuple[dt.date, dt.date, bool]:
    """(first day, last day, estimated?) of a chair's term."""
    start, end = _day(chair.get("chairFrom")), _day(chair.get("chairTo"))  # a bound that is not a date is not stated
    if start and end:
        return start, end, False
    if end:
        return _years_on(end, -1) + dt.timedelta(days=1), end, True
    if start:
        return start, _years_on(start, 1) - dt.timedelta(days=1), True
    year = conference.year or 2000
    return dt.date(year, 1, 1), dt.date(year, 12, 31), True


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _dates(start: str, end: str | None, lang: str) -> str:
    """format_date_range, or the values as written where they are not dates."""
    try:
        return format_date_range(start, end, lang)
    except ValueError:
        return " – ".join(v for v in (start, end) if v)


def _years_on(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29th that the other year lacks)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def conference_timeline(rows: Iterable[Mapping], lang: str = "de") -> Picture:
    rows = list(rows)
    confs = conferences(rows)
    names = lands(rows, lang)
    lane_of = {code: i for i, code in enumerate(sorted(names, key=lambda c: natural_key(names[c])))}
    orphans = {c.iri for c in confs if not c.chairs or c.chairs[0]["landCode"] not in lane_of}
    no_land = message("picture.timeline.no_land", lang)
    lanes = [names[c] for c in lane_of] + ([no_land] if orphans else [])

    days = [c.day() for c in confs if c.day()]
    terms = [(chair, c, term(chair, c)) for c in confs for chair in c.chairs if chair["landCode"] in lane_of]
    days += [t[0] for *_, t in terms] + [t[1] for *_, t in terms]
    first = min(days).year if days else FIRST_YEAR
    last = max(days).year if days else first
    width = LEFT + (last - first + 1) * YEAR_WIDTH + RIGHT
    x = svg.Linear(dt.date(first, 1, 1).toordinal(), dt.date(last + 1, 1, 1).toordinal(), LEFT, width - RIGHT)
    height_lanes = TOP + len(lanes) * LANE

    body: list[str] = []
    for i, name in enumerate(lanes):  # lanes: name, and a line under each
        y = TOP + i * LANE
        body.append(text(LEFT - 8, y + LANE / 2 + 4, name, anchor="end", fill=INK if name != no_land else MUTED))
        body.append(el("line", x1=LEFT, x2=width - RIGHT, y1=y + LANE, y2=y + LANE, stroke=GRID, stroke_width=0.5))
    for year in range(first, last + 2):  # years: a line at each 1 January, the label over the year
        xx = x(dt.date(year, 1, 1).toordinal())
        body.append(el("line", x1=xx, x2=xx, y1=TOP - 4, y2=height_lanes, stroke=GRID, stroke_width=0.5))
        if year <= last:
            body.append(text(xx + YEAR_WIDTH / 2, TOP - 10, year, size=11, anchor="middle", fill=MUTED))

    for chair, c, (start, end, estimated) in terms:
        y = TOP + lane_of[chair["landCode"]] * LANE
        x0, x1 = x(start.toordinal()), x(end.toordinal() + 1)
        label = _term_label(chair, c, names, lang, estimated)
        body.append(el("rect", tooltip(label), x=x0, y=y + 13, width=max(1.0, x1 - x0), height=10.0,
                       fill="url(#timeline-hatch)" if estimated else ACCENT_LIGHT, stroke=ACCENT, stroke_width=1,
                       stroke_dasharray="4 2" if estimated else None, class_="term"))

    placed: dict[int, list[float]] = defaultdict(list)  # lane → x of its marks, so that none covers another
    for c in confs:
        day = c.day()
        if day is None:
            continue
        lane = len(lanes) - 1 if c.iri in orphans else lane_of[c.chairs[0]["landCode"]]
        cx, cy = x(day.toordinal()), TOP + lane * LANE + 18
        while any(abs(cx - other) < MARK_SPACE for other in placed[lane]):
            cx += MARK_SPACE
        placed[lane].append(cx)
        label = _conference_label(c, names, lang)
        body.append(el("g", tooltip(label) + _mark(c.status, bool(c.start)), transform=f"translate({num(cx)} {num(cy)})",
                       class_="conference", data_ordinal=c.ordinal))
        body.append(text(cx, cy - 9, c.ordinal, size=10, anchor="middle", weight="bold"))

    items = [(_mark_at(HELD, True), message("picture.timeline.held", lang)),
             (_mark_at(ONLINE, True), message("picture.timeline.online", lang)),
             (_mark_at(CANCELLED, True), message("picture.timeline.cancelled", lang)),
             (_mark_at(HELD, False), message("picture.timeline.date_unknown", lang)),
             (el("rect", x=0.5, y=2.0, width=13.0, height=10.0, fill=ACCENT_LIGHT, stroke=ACCENT),
              message("picture.timeline.term", lang)),
             (el("rect", x=0.5, y=2.0, width=13.0, height=10.0, fill="url(#timeline-hatch)", stroke=ACCENT,
                 stroke_dasharray="4 2"), message("picture.timeline.term_estimated", lang))]
    key, key_height = svg.legend(LEFT, height_lanes + 12, items, message("picture.legend", lang), width - LEFT - RIGHT)
    body.append(key)
    hatch = el("pattern", el("rect", width=6.0, height=6.0, fill="#ffffff")
               + el("path", d="M0 6L6 0M-1 1L1 -1M5 7L7 5", stroke=ACCENT, stroke_width=1.2),
               id="timeline-hatch", width=6.0, height=6.0, patternUnits="userSpaceOnUse")
    title = message("picture.timeline.title", lang)
    description = message("picture.timeline.desc", lang)
    if confs:
        years = [c.year for c in confs if c.year]
        description += " " + message("picture.timeline.summary", lang, count=len(confs), first=min(years, default=""),
                                     last=max(years, default=""))
    document = svg.document(width, height_lanes + 12 + key_height + 8, title, description, body, defs=[hatch])
    return Picture(NAME, title, description, document, _table(confs, names, lang, title), QUERY, lang)


def _mark(status: str, dated: bool) -> str:
    fill = ACCENT if dated else "#ffffff"
    if status == CANCELLED:
        return el("path", d="M-5 -5L5 5M-5 5L5 -5", stroke=ACCENT, stroke_width=2.5, fill="none")
    if status == ONLINE:
        return el("rect", x=-5.0, y=-5.0, width=10.0, height=10.0, fill=fill, stroke=ACCENT, stroke_width=1.5)
    return el("circle", r=5.5, fill=fill, stroke=ACCENT, stroke_width=1.5)


def _mark_at(status: str, dated: bool) -> str:
    return el("g", _mark(status, dated), transform="translate(7 7)")


def _when(c: Conference, lang: str) -> str:
    """The conference's dates as a reader writes them; as written where they are not dates."""
    try:
        return format_date_range(c.start, c.end, lang) if c.start else (str(c.year) if c.year else message("value.unknown", lang))
    except ValueError:
        return " – ".join(v for v in (c.start, c.end) if v)


def _status_text(status: str, lang: str) -> str:
    return message(f"status.{status}", lang)


def _conference_label(c: Conference, names: Mapping[str, str], lang: str) -> str:
    when = _when(c, lang)
    where = ", ".join(names.get(ch["landCode"], ch["landCode"]) for ch in c.chairs)
    return f"{ordinal(c.ordinal, lang)} IntMK: {when}" + (f", {where}" if where else "") + f" ({_status_text(c.status, lang)})"


def _term_label(chair: Mapping, c: Conference, names: Mapping[str, str], lang: str, estimated: bool) -> str:
    who = _person(chair, lang)
    land = names.get(chair["landCode"], chair["landCode"])
    span = _term_text(chair, lang)
    note = f" ({message('value.estimated', lang)})" if estimated else ""
    return f"{land}, {who}: {span}{note}, {ordinal(c.ordinal, lang)} IntMK"


def _person(chair: Mapping, lang: str) -> str:
    """The chair's person, and until when where they left before the term ended."""
    name = chair.get("personName") or message("value.unknown", lang)
    until = chair.get("personUntil")
    return f"{name} ({message('value.until', lang, date=_dates(until[:10], None, lang))})" if until else name


def _term_text(chair: Mapping, lang: str) -> str:
    start, end = chair.get("chairFrom"), chair.get("chairTo")
    if start and end:
        return _dates(start[:10], end[:10], lang)
    if start:
        return message("value.since", lang, date=_dates(start[:10], None, lang))
    if end:
        return message("value.until", lang, date=_dates(end[:10], None, lang))
    return message("value.unknown", lang)


def _table(confs: list[Conference], names: Mapping[str, str], lang: str, title: str) -> Table:
    headers = [message(k, lang) for k in ("field.conference", "field.date", "field.status", "field.chair_land",
                                          "field.chair_person", "field.chair_term")]
    rows, iris = [], []
    for c in confs:
        when = _when(c, lang)
        chairs = c.chairs or [{}]
        rows.append([
            ordinal(c.ordinal, lang), when, _status_text(c.status, lang),
            "; ".join(names.get(ch["landCode"], ch["landCode"]) for ch in chairs if ch) or message("value.unknown", lang),
            "; ".join(_person(ch, lang) for ch in chairs if ch) or message("value.unknown", lang),
            "; ".join(_term_text(ch, lang) for ch in chairs if ch) or message("value.unknown", lang),
        ])
        iris.append(c.iri)
    return Table(title, headers, rows, iris)

"""What the browse lists show: conferences, Länder, persons, topics, source documents and the further
entries (every other kind), each a table of columns and rows, sortable by any column.

A list is read with a few small queries through the query service and the labels of every IRI in it
(`Labels`), in the page's language. A column sorts as its kind says: numbers numerically (unknown
last), dates by their ISO text, text by `natural_key` (2 before 10, Ä with A); rows that tie keep the
list's own order. `?sort=key` sorts ascending, `?sort=-key` descending; any other key is refused.

Every typed entity under https://w3id.org/intmk/id/ is in one of these lists or in /resolutions/, so
that each is two clicks from the home page (tests/test_browse.py crawls to make sure, excluding none).
The kinds a reader looks for by name have lists of their own; the others (attendance 59, places 25,
chairs 18, demands 14, statements and quotes 13, offices 8, and a few of each other kind: about 180 in
all) share /entries/, one table sorted by kind. They are reached from their conference, person or
document pages too, but that is a third click; a list per kind would put a dozen short pages into the
navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app

from ... import namespaces as ns
from ...pictures.data import query_text
from ...readable import format_date_range, integer, message, natural_key, ordinal
from ..http import paths, policy
from ..query.service import QueryService
from .labels import Labels

ONT = ns.ONT
PROLOGUE = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX intmk: <{ONT}>
"""
ID = "https://w3id.org/intmk/id/"
# the classes whose members have a list of their own (the further entries are everything else)
LISTED = ["Conference", "State", "Person", "ConferenceItem", "Topic", "SourceDocument"]


@dataclass(frozen=True)
class Column:
    key: str  # the name in ?sort=, JSON and CSV
    heading: str  # message key of its heading
    kind: str = "text"  # "text", "number" or "date": how it sorts
    link: bool = False  # its cells link to our pages (JSON and CSV add `<key>_iri`)


@dataclass
class Cell:
    text: str = ""
    value: object = None  # for sorting and JSON: an int, an ISO date, a string, or None (unknown)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, IRI) each
    external: str | None = None  # a web address outside this site


@dataclass
class Row:
    iri: str  # what the row is about
    cells: dict[str, Cell]


@dataclass
class Listing:
    name: str  # the path segment, e.g. "conferences"
    heading: str  # message keys
    intro: str
    columns: list[Column]
    rows: list[Row]
    default_sort: str
    sort: str = ""

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def sort_keys(listing: Listing) -> list[str]:
    return [c.key for c in listing.columns]


def valid_sort(listing: Listing, sort: str | None) -> bool:
    return sort is None or listing.column(sort.removeprefix("-")) is not None


def sorted_rows(listing: Listing, sort: str | None) -> Listing:
    """The listing sorted by `sort` ("key" or "-key"; None: the list's own order); raises KeyError
    for a column it does not have."""
    sort = sort or listing.default_sort
    key = sort.removeprefix("-")
    column = listing.column(key)
    if column is None:
        raise KeyError(key)
    descending = sort.startswith("-")

    def order(row: Row):
        cell = row.cells.get(key) or Cell()
        if column.kind == "number":
            return (cell.value is None, (-cell.value if descending else cell.value) if cell.value is not None else 0)
        if column.kind == "date":
            return (cell.value is None, str(cell.value or ""))
        return (not cell.text, natural_key(cell.text))

    if column.kind == "number":
        rows = sorted(listing.rows, key=order)  # descending handled in the key, unknown last either way
    else:
        known = [r for r in listing.rows if not order(r)[0]]
        unknown = [r for r in listing.rows if order(r)[0]]
        rows = sorted(known, key=order, reverse=descending) + unknown
    listing.rows = rows
    listing.sort = sort
    return listing


def links(iris: list[str], labels: Labels, lang: str) -> Cell:
    unique = sorted(set(iris), key=lambda i: natural_key(labels.text(i, lang)))
    named = [(labels.text(i, lang), i) for i in unique]
    return Cell(", ".join(n for n, _ in named), ", ".join(n for n, _ in named) or None, named)


def _value(row: dict, name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


def _groups(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[key].value, []).append(r)
    return out


def _all(rows: list[dict], name: str) -> list[str]:
    return sorted({r[name].value for r in rows if r.get(name) is not None})


def _issued(value: str | None, lang: str) -> str:
    try:
        return format_date_range(value, None, lang) if value else ""
    except ValueError:
        return value  # not a date: as written


def _count(value: str | None) -> int:
    return int(value) if value else 0


# --- the lists -------------------------------------------------------------------------------------


def conferences(service: QueryService, lang: str) -> Listing:
    rows = service.select(PROLOGUE + """
        SELECT ?c ?n ?start ?end ?year ?place ?state ?chairState ?chairPerson WHERE {
          ?c a intmk:Conference ; intmk:ordinal ?n .
          OPTIONAL { ?c intmk:startDate ?start } OPTIONAL { ?c intmk:endDate ?end } OPTIONAL { ?c intmk:year ?year }
          OPTIONAL { ?c intmk:location ?place } OPTIONAL { ?c intmk:heldInState ?state }
          OPTIONAL { ?c intmk:chairmanship ?chair .
                     OPTIONAL { ?chair intmk:chairState ?chairState } OPTIONAL { ?chair intmk:chairPerson ?chairPerson } }
        }""")
    by = _groups(rows, "c")
    labels = Labels.fetch(service, {r[n].value for r in rows for n in ("place", "state", "chairState", "chairPerson")
                                    if r.get(n) is not None})
    out = []
    for iri, rs in by.items():
        n = integer(rs[0]["n"])
        start, end, year = _value(rs[0], "start"), _value(rs[0], "end"), _value(rs[0], "year")
        try:
            when = format_date_range(start, end, lang) if start else (year[:4] if year else message("value.unknown", lang))
        except ValueError:
            when = " – ".join(v for v in (start, end) if v)
        title = message("page.conference_title", lang, ordinal=ordinal(n, lang) if n is not None else rs[0]["n"].value)
        out.append(Row(iri, {
            "conference": Cell(title, n if n is not None else 0, [(title, iri)]),
            "date": Cell(when, start or (year[:4] if year else None)),
            "place": links(_all(rs, "place"), labels, lang),
            "host_land": links(_all(rs, "state"), labels, lang),
            "chair_land": links(_all(rs, "chairState"), labels, lang),
            "chair_person": links(_all(rs, "chairPerson"), labels, lang),
        }))
    columns = [Column("conference", "field.conference", "number", True), Column("date", "field.date", "date"),
               Column("place", "field.place", link=True), Column("host_land", "col.host_land", link=True),
               Column("chair_land", "field.chair_land", link=True),
               Column("chair_person", "field.chair_person", link=True)]
    return Listing("conferences", "list.conferences", "list.intro.conferences", columns,
                   sorted(out, key=lambda r: r.cells["conference"].value), "conference")


def states(service: QueryService, lang: str) -> Listing:
    """The Länder with the four measures of the tile map, from its query (queries/picture-lander-tiles.rq),
    so that the list and the map never disagree."""
    text = query_text("picture-lander-tiles", current_app.config.get("HOME"))
    policy.tag(text)  # every variant (HTML, JSON, CSV) changes with the query file read at request time
    rows = service.select(text)
    labels = Labels.fetch(service, {r["land"].value for r in rows})
    out = []
    for r in rows:
        iri = r["land"].value
        name = labels.text(iri, lang)
        cells = {"name": Cell(name, name, [(name, iri)]), "code": Cell(r["landCode"].value, r["landCode"].value)}
        for key in ("chairs", "hosted", "moved", "dissents"):
            value = _count(_value(r, key))
            cells[key] = Cell(str(value), value)
        out.append(Row(iri, cells))
    columns = [Column("name", "col.name", link=True), Column("code", "col.code"),
               Column("chairs", "col.chairs", "number"), Column("hosted", "col.hosted", "number"),
               Column("moved", "col.moved", "number"), Column("dissents", "col.dissents", "number")]
    return Listing("states", "list.lander", "list.intro.lander", columns,
                   sorted(out, key=lambda r: natural_key(r.cells["name"].text)), "name")


def persons(service: QueryService, lang: str) -> Listing:
    rows = service.select(PROLOGUE + """
        SELECT ?p ?land (COUNT(DISTINCT ?chair) AS ?chairs) (COUNT(DISTINCT ?att) AS ?attended)
               (COUNT(DISTINCT ?st) AS ?statements) WHERE {
          ?p a intmk:Person .
          OPTIONAL { { ?office intmk:holder ?p ; intmk:state ?land } UNION { ?c intmk:chairPerson ?p ; intmk:chairState ?land } }
          OPTIONAL { ?chair intmk:chairPerson ?p }
          OPTIONAL { ?att a intmk:Attendance ; intmk:attendee ?p }
          OPTIONAL { ?st intmk:speaker ?p }
        } GROUP BY ?p ?land""")
    by = _groups(rows, "p")
    labels = Labels.fetch(service, {r[n].value for r in rows for n in ("p", "land") if r.get(n) is not None})
    out = []
    for iri, rs in by.items():
        name = labels.text(iri, lang)
        cells = {"name": Cell(name, name, [(name, iri)]), "land": links(_all(rs, "land"), labels, lang)}
        for key in ("chairs", "attended", "statements"):
            value = max(_count(_value(r, key)) for r in rs)
            cells[key] = Cell(str(value), value)
        out.append(Row(iri, cells))
    columns = [Column("name", "col.name", link=True), Column("land", "field.land", link=True),
               Column("chairs", "col.chairs", "number"), Column("attended", "col.attended", "number"),
               Column("statements", "col.statements", "number")]
    return Listing("persons", "list.persons", "list.intro.persons", columns,
                   sorted(out, key=lambda r: natural_key(r.cells["name"].text)), "name")


def topics(service: QueryService, lang: str) -> Listing:
    rows = service.select(PROLOGUE + """
        SELECT ?t ?broader (COUNT(DISTINCT ?resolution) AS ?resolutions) WHERE {
          ?t a intmk:Topic .
          OPTIONAL { ?t skos:broader ?broader }
          OPTIONAL { ?resolution a intmk:Resolution ; intmk:topic ?t }
        } GROUP BY ?t ?broader""")  # resolutions (lead motions, declarations), as the chart counts them
    by = _groups(rows, "t")
    labels = Labels.fetch(service, {r[n].value for r in rows for n in ("t", "broader") if r.get(n) is not None})
    out = []
    for iri, rs in by.items():
        name = labels.text(iri, lang)
        value = max(_count(_value(r, "resolutions")) for r in rs)
        out.append(Row(iri, {"name": Cell(name, name, [(name, iri)]),
                             "broader": links(_all(rs, "broader"), labels, lang),
                             "resolutions": Cell(str(value), value)}))
    columns = [Column("name", "field.topic", link=True), Column("broader", "col.broader", link=True),
               Column("resolutions", "nav.resolutions", "number")]
    return Listing("topics", "list.topics", "list.intro.topics", columns,
                   sorted(out, key=lambda r: natural_key(r.cells["name"].text)), "name")


def documents(service: QueryService, lang: str) -> Listing:
    rows = service.select(PROLOGUE + """
        SELECT ?d ?issued ?publisher ?publisherName ?url ?kind WHERE {
          ?d a intmk:SourceDocument .
          OPTIONAL { ?d intmk:issued ?issued } OPTIONAL { ?d intmk:publisher ?publisher }
          OPTIONAL { ?d intmk:publisherName ?publisherName } OPTIONAL { ?d intmk:url ?url }
          OPTIONAL { ?d intmk:documentKind ?kind }
        }""")
    by = _groups(rows, "d")
    labels = Labels.fetch(service, {r[n].value for r in rows for n in ("d", "publisher", "kind") if r.get(n) is not None})
    out = []
    for iri, rs in by.items():
        title = labels.text(iri, lang)
        issued = min(_all(rs, "issued"), default=None)
        publisher = links(_all(rs, "publisher"), labels, lang)
        if not publisher.links:
            names = _all(rs, "publisherName")
            publisher = Cell(", ".join(names), ", ".join(names) or None)
        kinds = [labels.text(k, lang) for k in _all(rs, "kind")]
        url = next((u for u in _all(rs, "url") if paths.web_link(u)), None)
        out.append(Row(iri, {
            "title": Cell(title, title, [(title, iri)]),
            "issued": Cell(_issued(issued, lang), issued),
            "publisher": publisher,
            "kind": Cell(", ".join(kinds), ", ".join(kinds) or None),
            "url": Cell(url or "", url, external=url),
        }))
    columns = [Column("title", "col.title", link=True), Column("issued", "col.issued", "date"),
               Column("publisher", "col.publisher"), Column("kind", "col.kind"), Column("url", "col.url")]
    return Listing("documents", "list.documents", "list.intro.documents", columns,
                   sorted(out, key=lambda r: natural_key(r.cells["title"].text)), "title")


def entries(service: QueryService, lang: str) -> Listing:
    """Every typed entity of ours that no other list has, with its most specific class as its kind."""
    listed = " ".join(f"intmk:{c}" for c in LISTED)
    rows = service.select(PROLOGUE + f"""
        SELECT DISTINCT ?s ?type WHERE {{
          ?s rdf:type ?type FILTER (isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))
          FILTER NOT EXISTS {{ VALUES ?listed {{ {listed} }} ?s rdf:type ?listed }}
        }}""")
    types = {r["type"].value for r in rows}
    supers: set[str] = set()
    if types:
        values = " ".join(f"<{t}>" for t in sorted(types))
        for r in service.select(PROLOGUE + f"""SELECT ?t ?super WHERE {{ VALUES ?t {{ {values} }}
                                                ?t rdfs:subClassOf+ ?super FILTER (?t != ?super) }}"""):
            supers.add(r["super"].value)
    by = _groups(rows, "s")
    labels = Labels.fetch(service, set(by) | types)
    out = []
    for iri, rs in by.items():
        own = [t for t in _all(rs, "type") if t not in supers] or _all(rs, "type")
        ours = [t for t in own if t.startswith(ONT)] or own
        kind = min((labels.text(t, lang) for t in ours), key=natural_key)
        name = labels.text(iri, lang)
        out.append(Row(iri, {"kind": Cell(kind, kind), "entry": Cell(name, name, [(name, iri)])}))
    columns = [Column("kind", "col.kind"), Column("entry", "col.entry", link=True)]
    return Listing("entries", "list.entries", "list.intro.entries", columns,
                   sorted(out, key=lambda r: (natural_key(r.cells["kind"].text), natural_key(r.cells["entry"].text))),
                   "kind")


LISTS: dict[str, Callable[[QueryService, str], Listing]] = {
    "conferences": conferences, "states": states, "persons": persons, "topics": topics, "documents": documents,
    "entries": entries,
}


def as_json(listing: Listing) -> list[dict]:
    """One object per row: its IRI, each column's value, and `<key>_iri` (a list) for a linking column."""
    items = []
    for row in listing.rows:
        item: dict = {"iri": row.iri}
        for c in listing.columns:
            cell = row.cells.get(c.key) or Cell()
            item[c.key] = cell.value
            if c.link:
                item[c.key + "_iri"] = [i for _, i in cell.links]
        items.append(item)
    return items


def csv_header(listing: Listing) -> list[str]:
    return ["iri"] + [name for c in listing.columns for name in ((c.key, c.key + "_iri") if c.link else (c.key,))]


def csv_rows(listing: Listing) -> list[list[str]]:
    out = []
    for item in as_json(listing):
        out.append(["" if v is None else " ; ".join(v) if isinstance(v, list) else str(v) for v in item.values()])
    return out

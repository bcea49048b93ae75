"""What /resolutions/ shows: the record of the conferences as one table, one row per
`intmk:ConferenceItem` with its conference, kind, agenda item, result ("unknown" where no source
reports one) and the Länder by role; votes by Land derived from a count kept apart from those the
table names. The rows, the sort order of each column and the CSV and JSON bodies; the route
(routes/resolutions.py) reads the request and renders.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field

from ... import namespaces as ns
from ...readable import integer, message, natural_key
from ..query.service import QueryService

ONT = ns.ONT
PROLOGUE = ns.sparql_prologue(["rdf", "rdfs", "intmk"])
KINDS = ["LeadMotion", "Declaration", "Report", "Resolution", "ConferenceItem"]  # most specific first
LANDS = {"proposedBy": "proposed_by", "approvedBy": "approved_by", "opposedBy": "opposed_by",
         "abstainedBy": "abstained_by", "protocolNoteBy": "protocol_note_by"}
COUNTS = {"approvalCount": "approval_count", "oppositionCount": "opposition_count",
          "abstentionCount": "abstention_count"}
DERIVED = "-derived-votes"  # graph/curation-resolutions-{key}-derived-votes (reference.Curation.emit_derived)
# ?sort= columns: how each sorts (ties keep the order by conference and IRI)
SORTS = {
    "conference": lambda i: i.conference,
    "item": lambda i: natural_key(i.label),
    "kind": lambda i: natural_key(i.kind),
    "agenda_item": lambda i: (i.agenda_item is None, natural_key(i.agenda_item)),
    "result": lambda i: natural_key(i.result),
}


@dataclass
class Item:
    iri: str
    conference: int
    kind: str = "ConferenceItem"
    label: str = ""
    title: str | None = None
    agenda_item: str | None = None
    result: str = "unknown"
    proposed_by: list[str] = field(default_factory=list)
    approved_by: list[str] = field(default_factory=list)
    approved_by_derived: list[str] = field(default_factory=list)
    opposed_by: list[str] = field(default_factory=list)
    abstained_by: list[str] = field(default_factory=list)
    protocol_note_by: list[str] = field(default_factory=list)
    approval_count: int | None = None
    opposition_count: int | None = None
    abstention_count: int | None = None


COLUMNS = [f for f in Item.__dataclass_fields__]


def _scope(conference: int | None) -> str:
    return f"VALUES ?conf {{ <{ns.entity('conference', str(conference))}> }}" if conference else ""


def count(service: QueryService, conference: int | None) -> int:
    """How many items the table has (of one conference, or of all)."""
    rows = service.select(PROLOGUE + f"""SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {_scope(conference)}
          ?item a intmk:ConferenceItem ; intmk:adoptedAt|intmk:consideredAt ?conf . ?conf intmk:ordinal ?o }}""")
    return int(rows[0]["n"].value) if rows else 0


def page_items(service: QueryService, lang: str, conference: int | None, descending: bool,
               offset: int, size: int) -> list[Item]:
    """One page of the table in the order by conference (then IRI), ordered and cut by the store:
    the page's items first (ORDER BY … LIMIT/OFFSET), then the three queries for those items alone."""
    order = "DESC(?first) ?item" if descending else "?first ?item"
    rows = service.select(PROLOGUE + f"""SELECT ?item (MIN(?o) AS ?first) WHERE {{ {_scope(conference)}
          ?item a intmk:ConferenceItem ; intmk:adoptedAt|intmk:consideredAt ?conf . ?conf intmk:ordinal ?o }}
        GROUP BY ?item ORDER BY {order} LIMIT {int(size)} OFFSET {int(offset)}""")
    wanted = [r["item"].value for r in rows]
    if not wanted:
        return []
    found = {i.iri: i for i in items(service, lang, conference, wanted)}
    return [found[iri] for iri in wanted if iri in found]


def items(service: QueryService, lang: str, conference: int | None, only: list[str] | None = None) -> list[Item]:
    """Three small queries (items, their Länder, their types), put together here; `only`: of these items."""
    where = _scope(conference)
    if only is not None:
        where += " VALUES ?item { " + " ".join(f"<{iri}>" for iri in only) + " }"
    rows = service.select(PROLOGUE + f"""
        SELECT ?item ?n ?label ?title ?agenda ?outcome ?p ?count WHERE {{
          {where}
          ?item a intmk:ConferenceItem ; intmk:adoptedAt|intmk:consideredAt ?conf .
          ?conf intmk:ordinal ?n .
          OPTIONAL {{ ?item rdfs:label ?label FILTER (LANG(?label) = "{lang}") }}
          OPTIONAL {{ ?item intmk:title ?title }}
          OPTIONAL {{ ?item intmk:agendaItem ?agenda }}
          OPTIONAL {{ ?item intmk:votingOutcome/rdfs:label ?outcome FILTER (LANG(?outcome) = "{lang}") }}
          OPTIONAL {{ VALUES ?p {{ {' '.join('intmk:' + c for c in COUNTS)} }} ?item ?p ?count }}
        }}""")
    found: dict[str, Item] = {}
    for r in rows:
        item = found.setdefault(r["item"].value, Item(r["item"].value, integer(r["n"]) or 0, result=message("value.unknown", lang)))
        item.label = r["label"].value if r.get("label") else item.label or item.iri
        item.title = r["title"].value if r.get("title") else item.title
        item.agenda_item = r["agenda"].value if r.get("agenda") else item.agenda_item
        item.result = r["outcome"].value if r.get("outcome") else item.result
        if r.get("p"):
            setattr(item, COUNTS[r["p"].value.removeprefix(ONT)], integer(r["count"]))
    if not found:
        return []
    values = " ".join(f"<{iri}>" for iri in found)
    lands = service.select(PROLOGUE + f"""
        SELECT DISTINCT ?item ?p ?iso ?g WHERE {{ VALUES ?item {{ {values} }}
          VALUES ?p {{ {' '.join('intmk:' + p for p in LANDS)} }}
          GRAPH ?g {{ ?item ?p ?land }} ?land intmk:isoCode ?iso }}""")
    stated: dict[tuple[str, str, str], bool] = {}
    for r in lands:
        key = (r["item"].value, r["p"].value.removeprefix(ONT), r["iso"].value)
        stated[key] = stated.get(key, False) or not r["g"].value.endswith(DERIVED)
    for (iri, prop, iso), is_stated in sorted(stated.items()):
        column = LANDS[prop] if is_stated or prop != "approvedBy" else "approved_by_derived"
        getattr(found[iri], column).append(iso)
    types = service.select(PROLOGUE + f"""
        SELECT ?item ?type WHERE {{ VALUES ?item {{ {values} }} ?item a ?type
          VALUES ?type {{ {' '.join('intmk:' + k for k in KINDS)} }} }}""")
    kinds: dict[str, set[str]] = {}
    for r in types:
        kinds.setdefault(r["item"].value, set()).add(r["type"].value.removeprefix(ONT))
    for iri, item in found.items():
        item.kind = next(k for k in KINDS if k in kinds.get(iri, {"ConferenceItem"}))
    return sorted(found.values(), key=lambda i: (i.conference, i.iri))


def sorted_items(found: list[Item], sort: str | None) -> list[Item] | None:
    """`found` in the order of `?sort=` (a column, `-` before it for descending), None for an unknown column."""
    if sort is None:
        return found
    key = SORTS.get(sort.removeprefix("-"))
    if key is None:
        return None
    return sorted(found, key=key, reverse=sort.startswith("-"))


def json_body(found: list[Item], conference: int | None, lang: str) -> dict:
    return {"conference": conference, "lang": lang, "unknown": message("value.unknown", lang),
            "items": [asdict(i) for i in found]}


def csv_text(found: list[Item]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in found:
        row = asdict(item)
        writer.writerow([" ; ".join(v) if isinstance(v, list) else "" if v is None else v for v in row.values()])
    return out.getvalue()

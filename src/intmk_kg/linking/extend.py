"""Data extension: property values of reconciled entities, as columns OpenRefine adds.

Every value is read from the name index (the build collects them, index.EXTENSION_VALUES), so an
extend request reads a few rows per id and never runs a SPARQL query. A value the graph does not
hold is not given: an office without a known end has no end date, an unknown id has no values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .deadline import NONE, Deadline
from .index import Entity, Searchable, Value, _closure
from .matching import BadQuery

MAX_IDS = 50  # ids per extend request (the manifest's batchSize)
MAX_PROPERTIES = 12  # properties per extend request: every column offered, once
MAX_CELL = 50  # values of one property of one entity
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Column:
    """A property offered for data extension; `source` is its key in Entity.values ("qids" for the
    Wikidata links), `kind` the shape of its values: entity, str, int or date."""

    id: str
    de: str
    en: str
    kind: str
    types: tuple[str, ...]  # the types it is proposed for (and their narrower types); () for every type
    source: str = ""
    value_type: str | None = None  # the type of entity values, for OpenRefine to reconcile the new column

    def name(self, lang: str) -> str:
        return self.en if lang == "en" else self.de


MEETINGS = ("Conference", "Meeting")
COLUMNS = [
    Column("state", "Land", "Land (German state)", "entity",
           (*MEETINGS, "Person", "Office", "City", "Venue", "Ministry"), value_type="State"),
    Column("iso", "ISO-Code", "ISO code", "str", ("State",)),
    Column("wikidata", "Wikidata-Objekt", "Wikidata item (QID)", "str", (), source="qids"),
    Column("startDate", "Beginn", "start date", "date", (*MEETINGS, "Office", "Chairmanship")),
    Column("endDate", "Ende", "end date", "date", (*MEETINGS, "Office", "Chairmanship")),
    Column("chairState", "Vorsitzland", "chair Land", "entity", MEETINGS, value_type="State"),
    Column("chairPerson", "Vorsitzende Person", "chairperson", "entity", MEETINGS, value_type="Person"),
    Column("party", "Partei", "party", "entity", ("Person",), value_type="PoliticalParty"),
    Column("office", "Amt", "office", "entity", ("Person",), value_type="Office"),
    Column("place", "Ort", "place", "entity", MEETINGS, value_type="Place"),
    Column("year", "Jahr", "year", "int", MEETINGS),
    Column("ordinal", "Nummer", "ordinal", "int", ("Conference",)),
]
COLUMN_BY_ID = {c.id: c for c in COLUMNS}


def propose(index: Searchable, type_id: str | None, limit: int) -> list[Column]:
    """The columns for entities of a type (or its narrower types), or all of them without a type."""
    if type_id is None:
        return COLUMNS[:limit]
    t = index.type_of(type_id)
    if t is None:
        raise BadQuery(f"unknown 'type' {type_id[:80]!r}; see /reconcile/suggest/type")
    wanted = _closure([t.id], index.types)
    return [c for c in COLUMNS if not c.types or wanted & set(c.types)][:limit]


def parse_extend(raw: object) -> tuple[list[str], list[Column]]:
    """The ids and columns of an extend query, checked before anything is read: at most MAX_IDS
    ids and MAX_PROPERTIES properties, each property known (a 400 names the unknown one)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("ids"), list) or not isinstance(raw.get("properties"), list):
        raise BadQuery('an extend query is a JSON object {"ids": [...], "properties": [{"id": ...}, ...]}')
    ids, props = raw["ids"], raw["properties"]
    if not all(isinstance(i, str) for i in ids):
        raise BadQuery("'ids' must be a list of entity ids (strings)")
    if len(ids) > MAX_IDS:
        raise BadQuery(f"{len(ids)} ids in one extend query; at most {MAX_IDS} (see batchSize)")
    if not props:
        raise BadQuery("give at least one property in 'properties', e.g. [{\"id\": \"iso\"}]")
    if len(props) > MAX_PROPERTIES:
        raise BadQuery(f"{len(props)} properties in one extend query; at most {MAX_PROPERTIES}")
    columns = []
    for p in props:
        pid = p.get("id") if isinstance(p, dict) else None
        if not isinstance(pid, str):
            raise BadQuery("each property is an object with an 'id', e.g. {\"id\": \"iso\"}")
        if pid not in COLUMN_BY_ID:
            raise BadQuery(f"unknown property {pid[:80]!r}; known: {', '.join(COLUMN_BY_ID)}")
        if COLUMN_BY_ID[pid] not in columns:
            columns.append(COLUMN_BY_ID[pid])
    return list(dict.fromkeys(ids)), columns


def meta(index: Searchable, columns: Iterable[Column], lang: str) -> list[dict]:
    out = []
    for c in columns:
        m: dict = {"id": c.id, "name": c.name(lang)}
        if c.value_type and c.value_type in index.types:
            m["type"] = {"id": c.value_type, "name": index.types[c.value_type].name(lang)}
        out.append(m)
    return out


def rows(index: Searchable, ids: list[str], columns: list[Column], lang: str,
         deadline: Deadline = NONE) -> dict[str, dict[str, list[dict]]]:
    """Each id's values per column; an id the index does not know gets empty lists."""
    names: dict[str, str] = {}  # value entity -> its name, read once per request
    out = {}
    for ident in ids:
        deadline.check()
        entity = index.lookup(ident)
        out[ident] = {c.id: _cell(index, entity, c, lang, names, deadline) if entity is not None else []
                      for c in columns}
    return out


def _cell(index: Searchable, e: Entity, c: Column, lang: str, names: dict[str, str], deadline: Deadline) -> list[dict]:
    if c.source == "qids":
        return [{"str": q} for q in e.qids[:MAX_CELL]]
    cell = []
    for v in e.values.get(c.source or c.id, [])[:MAX_CELL]:
        deadline.check()
        found = _value_json(index, v, c, lang, names)
        if found is not None:
            cell.append(found)
    return cell


def _value_json(index: Searchable, v: Value, c: Column, lang: str, names: dict[str, str]) -> dict | None:
    """One value in the shape 0.2 gives it; a date of only a year or month stays a string, for a
    0.2 date is a day and a time, and the day is not known."""
    if v.entity is not None:
        if v.entity not in names:
            target = index.entities.get(v.entity)
            names[v.entity] = target.name(lang) if target is not None else v.entity
        return {"id": v.entity, "name": names[v.entity]}
    text = v.literal or ""
    if c.kind == "date":
        return {"date": text + "T00:00:00Z"} if FULL_DATE.fullmatch(text) else {"str": text}
    if c.kind == "int":
        return {"int": int(text)} if re.fullmatch(r"-?\d{1,9}", text) else {"str": text}
    return {"str": text} if text else None

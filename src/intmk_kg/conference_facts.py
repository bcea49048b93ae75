"""Map conference-facts.csv, facts that fill or correct conferences.csv, to curation records.

One row is one fact about one conference, in a record of its own (`curation-conference-facts-
{conference}-{field}`) with the row's sources and confidence. Merging with conferences.csv follows
one rule: where conferences.csv is blank the fact fills it; where it gives the same value the fact
adds support; where it differs, the new value supersedes the old one only with better confidence
(the old statement is then dropped from the conferences record and the new record's note says what
it replaced); otherwise both statements stay, each in its own record with its confidence, so the
conflict stays visible. A single-valued field (year, dates) cannot hold two values: such a conflict
is an input error until it is curated. A meeting that did not take place in one room gets an event
status (cancelled with written procedure, online), not a place; low rows are not asserted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from .quads import date, lit
from .reference import Curation, Fact, e
from .tables import Row, read_rows

RANK = {"medium": 1, "high": 2}

# Places the rows name that places.csv lacks: key -> (German name, English name, kind, Land), the
# names as the row's notes give them ("Ueberherrn (Saarland)", "the Linslerhof estate near Ueberherrn").
NEW_PLACES = {
    "ueberherrn": ("Überherrn", "Überherrn", "intmk:City", "DE-SL"),
    "linslerhof": ("Linslerhof", "Linslerhof", "intmk:Venue", "DE-SL"),
}

# A place cell that says the Hauptkonferenz met nowhere in person: its event status instead.
STATUS_OF_PLACE = {
    "none (Hauptkonferenz cancelled; written procedure)": "intmk:CancelledWrittenProcedure",
    "videoconference, led from Bremen": "intmk:HeldOnline",
}
# Place cells that describe a place in words (an address, a remote meeting); kept as written.
DESCRIBED_PLACES = {"videoconference, led from Bremen", "Sheraton Grand Hotel Esplanade, Lützowufer 15, Berlin"}

# New persons a row names by name only (never a guessed QID): name -> key.
NEW_PERSONS = {"Uwe Schünemann": "uwe-schuenemann"}

SINGLE = {"year": "intmk:year", "start": "intmk:startDate", "end": "intmk:endDate"}
CHAIR = {"chair_from": "intmk:startDate", "chair_to": "intmk:endDate"}
FIELDS = ["year", "start", "end", "motto", "place", "chair_person", "chair_from", "chair_to", "participants",
          "guests"]

# Rows the mapper leaves out, with the reason (also in docs/data-model.md).
LEFT_OUT = {
    ("15", "chair_person"): "the cell is a sentence, not a name, and the chair of the 15th already has its "
                            "person from 2019-10-01; the date of the change is not known",
}


def map_conference_facts(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    old = {row["number"]: row for row in read_rows(path.parent / "conferences.csv", ["number", "confidence"])}
    seen: dict[str, int] = {}
    for row in read_rows(path, ["conference", "field", "value", "confidence", "sources", "notes"]):
        n, field, value = row["conference"], row["field"], row["value"]
        if n not in known["conference"]:
            raise row.problem(f"unknown conference {n!r} (not in conferences.csv)")
        if field not in FIELDS:
            raise row.problem(f"unknown field {field!r}; known: {', '.join(FIELDS)}")
        if not value:
            raise row.problem("a fact needs a value (blank is unknown: leave the row out)")
        key = f"{n}-{field.replace('_', '-')}" + (f"-{value}" if field == "place" and value in known["place"] | set(NEW_PLACES) else "")
        if key in seen:
            raise row.problem(f"fact {key!r} appears twice (first on line {seen[key]})")
        seen[key] = row.line
        if row["confidence"] == "low" or (n, field) in LEFT_OUT:
            continue  # low rows are not asserted; the others left out say why in LEFT_OUT
        facts, note = fact(row, old[n], sources, known)
        if note:
            row.data["notes"] = f"{row['notes']} {note}".strip()
        sources.emit(row, key, facts, "sources")
        known["conference-fact"].add(key)


def fact(row: Row, old: Row, sources: Curation, known: dict[str, set[str]]) -> tuple[list[Fact], str]:
    """The row's statements, and a note where they supersede a value of conferences.csv."""
    n, field, value = row["conference"], row["field"], row["value"]
    s = e("conference", n)
    if field == "year" and not re.fullmatch(r"\d{4}", value):
        raise row.problem(f"year {value!r} is not a year such as 2025")
    if field in SINGLE or field == "motto":
        prop = SINGLE.get(field, "intmk:motto")
        obj = (lit(value, "de") if field == "motto" else
               ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))
               if field == "year" else date(value))
        return [(s, prop, obj)], merge(row, old, field, s, prop, obj, sources, single=field != "motto")
    if field in CHAIR:
        c = e("chair", n)
        if not old["chair_state"]:
            raise row.problem(f"conference {n} has no chair Land in conferences.csv to date its term")
        return [(c, CHAIR[field], date(value))], merge(row, old, field, c, CHAIR[field], date(value), sources)
    if field == "chair_person":
        person = NEW_PERSONS.get(value)
        if person is None:
            raise row.problem(f"chair_person {value!r} is neither a name in NEW_PERSONS nor left out")
        if old["chair_person"]:
            raise row.problem(f"conference {n} already has a chair person; a second one needs curating")
        p = e("person", person)
        sources.person_names[person] = value
        sources.person_states.setdefault(person, set()).add(old["chair_state"])
        sources.new_persons.add(person)
        return [(p, "rdf:type", "intmk:Person"), (p, "intmk:name", lit(value)), (p, "rdfs:label", lit(value, "de")),
                (p, "rdfs:label", lit(value, "en")), (e("chair", n), "intmk:chairPerson", p)], ""
    if field == "place":
        return place_facts(row, s, sources, known), ""
    # participants, guests: the row's words on who took part, kept as a summary
    return [(s, "intmk:attendanceSummary", lit(value, "en"))], ""


def place_facts(row: Row, s: str, sources: Curation, known: dict[str, set[str]]) -> list[Fact]:
    value = row["value"]
    facts: list[Fact] = []
    if value in STATUS_OF_PLACE:
        facts.append((s, "intmk:eventStatus", STATUS_OF_PLACE[value]))
    if value in DESCRIBED_PLACES:
        facts.append((s, "intmk:placeDescription", lit(value, "en")))
    if facts:
        return facts
    if value in NEW_PLACES:
        de, en, cls, state = NEW_PLACES[value]
        p = e("place", value)
        facts += [(p, "rdf:type", cls), (p, "rdfs:label", lit(de, "de")), (p, "rdfs:label", lit(en, "en")),
                  (p, "intmk:inState", e("state", state))]
    elif value not in known["place"]:
        raise row.problem(f"place {value!r} is not in places.csv, NEW_PLACES, or a known status")
    venue = sources.place_kinds.get(value) == "venue" or (value in NEW_PLACES and NEW_PLACES[value][2] == "intmk:Venue")
    facts.append((s, "intmk:venue" if venue else "intmk:location", e("place", value)))
    state = NEW_PLACES[value][3] if value in NEW_PLACES else sources.place_states.get(value)
    if state:  # one location model: the Land of a conference is that of its place
        facts.append((s, "intmk:heldInState", e("state", state)))
    return facts


def merge(row: Row, old: Row, field: str, s: str, prop: str, obj: ox.Literal, sources: Curation,
          single: bool = True) -> str:
    """Apply the merge rule to one value that conferences.csv may already give."""
    before = old[field]
    if not before or before == obj.value:
        return ""
    if RANK[row["confidence"]] > RANK.get(old["confidence"], 0):
        drop(sources, old, s, prop, before)
        return f"Supersedes the value {before!r} of conferences.csv (line {old.line}, {old['confidence']})."
    if single:
        raise row.problem(f"{field} {row['value']!r} conflicts with {before!r} in conferences.csv (line {old.line}) "
                          f"without better confidence; a single-valued field cannot show both")
    return ""  # a conflict: both statements stay, each in its record


def drop(sources: Curation, old: Row, s: str, prop: str, before: str) -> None:
    """Remove a superseded statement from the record of conferences.csv."""
    from .quads import iri

    quads = sources.by_table[old.path]
    subject, predicate = iri(s), iri(prop)
    sources.by_table[old.path] = [q for q in quads if not (q.subject == subject and q.predicate == predicate
                                                           and q.object.value == before)]

"""The record sections of an entity page: a conference's items and attendance, a Land's votes.

The generic page lists facts property by property; a reader of a conference wants its items in
agenda order with their outcome ("unknown" where no source reports one) and who attended for which
Land, and a reader of a Land its voting record. These are small queries of their own, shown above
the facts; an entity of another kind gets none.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ... import namespaces as ns
from ...readable import integer, message
from ..http import paths

PROLOGUE = ns.sparql_prologue(["rdf", "rdfs", "intmk"])
HOW = {  # property -> the message naming the Land's part
    "proposedBy": "vote.moved",
    "opposedBy": "entity.vote.against",
    "abstainedBy": "entity.vote.abstained",
    "protocolNoteBy": "vote.protocol_note",
}


def _agenda_order(agenda: str | None, iri: str) -> tuple:
    """TOP 2.10 after 2.9; items without an agenda item after those with one, by key."""
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", agenda or "") if p)
    return (agenda is None, parts, iri)


def _link(iri: str) -> str | None:
    return paths.href(iri)


def sections(service, node: ox.NamedNode, types: set[str], lang: str) -> dict:
    """The record sections for the page of an entity of these types (none for other kinds)."""
    return {
        "conference_record": conference(service, node, lang) if ns.ONT + "Conference" in types else None,
        **(land_sections(service, node, lang) if ns.ONT + "State" in types else {"land_record": None, "land_record_more": None}),
    }


# A Land's voting record shows at most this many rows (the latest conferences), with the count and
# the SPARQL query for all.
MAX_RECORD = 100


def land_sections(service, node: ox.NamedNode, lang: str) -> dict:
    rows = land(service, node, lang)
    if len(rows) <= MAX_RECORD:
        return {"land_record": rows, "land_record_more": None}
    values = " ".join(f"intmk:{p}" for p in HOW)
    query = (f"PREFIX intmk: <{ns.ONT}>\nSELECT ?how ?item ?conference WHERE {{ VALUES ?how {{ {values} }} "
             f"?item ?how {node} ; intmk:adoptedAt|intmk:consideredAt ?conference }}")
    latest = sorted(rows, key=lambda x: -x["conference"])[:MAX_RECORD]
    shown = [r for r in rows if r in latest]
    return {"land_record": shown, "land_record_more": {"shown": len(shown), "total": len(rows), "query": query}}


def conference(service, node: ox.NamedNode, lang: str) -> dict:
    """The items of a conference in agenda order with outcome, and its attendance by Land then guests (one query)."""
    rows = service.select(PROLOGUE + f"""
        SELECT ?item ?label ?agenda ?outcome ?a ?code ?land ?landName ?person ?name ?role ?given WHERE {{
          {{ ?item a intmk:ConferenceItem ; intmk:adoptedAt|intmk:consideredAt {node} .
            OPTIONAL {{ ?item rdfs:label ?label FILTER (LANG(?label) = "{lang}") }}
            OPTIONAL {{ ?item intmk:agendaItem ?agenda }}
            OPTIONAL {{ ?item intmk:votingOutcome/rdfs:label ?outcome FILTER (LANG(?outcome) = "{lang}") }} }}
          UNION
          {{ ?a intmk:attendedConference {node} ; intmk:attendanceRole/rdfs:label ?role FILTER (LANG(?role) = "{lang}")
            OPTIONAL {{ ?a intmk:representedState ?land . ?land intmk:isoCode ?code
                       OPTIONAL {{ ?land rdfs:label ?landName FILTER (LANG(?landName) = "{lang}") }} }}
            OPTIONAL {{ ?a intmk:attendee ?person . ?person intmk:name ?name }}
            OPTIONAL {{ ?a intmk:roleDescription ?given }} }}
        }}""")
    items: dict[str, dict] = {}
    for r in rows:
        if not r.get("item"):
            continue
        iri = r["item"].value
        items.setdefault(iri, {
            "href": _link(iri), "label": r["label"].value if r.get("label") else iri,
            "agenda": r["agenda"].value if r.get("agenda") else None,
            "result": r["outcome"].value if r.get("outcome") else message("entity.unknown", lang),
            "unknown": not r.get("outcome")})
    ordered = sorted(items.items(), key=lambda kv: _agenda_order(kv[1]["agenda"], kv[0]))
    attendance = sorted(({
        "land": r["code"].value if r.get("code") else None,
        "land_name": r["landName"].value if r.get("landName") else (r["code"].value if r.get("code") else None),
        "land_href": _link(r["land"].value) if r.get("land") else None,
        "person": r["name"].value if r.get("name") else None,
        "person_href": _link(r["person"].value) if r.get("person") else None,
        "role": r["role"].value, "given": r["given"].value if r.get("given") else None,
    } for r in rows if r.get("a")), key=lambda a: (a["land"] is None, a["land"] or "", a["person"] or a["given"] or ""))
    return {"items": [v for _, v in ordered], "attendance": attendance}


def land(service, node: ox.NamedNode, lang: str) -> list[dict]:
    """A Land's voting record: what it moved, voted against, abstained on, and its protocol notes."""
    values = " ".join(f"intmk:{p}" for p in HOW)
    rows = service.select(PROLOGUE + f"""
        SELECT DISTINCT ?p ?item ?label ?n ?outcome WHERE {{
          VALUES ?p {{ {values} }}
          ?item ?p {node} ; intmk:adoptedAt|intmk:consideredAt ?conf .
          ?conf intmk:ordinal ?n .
          OPTIONAL {{ ?item rdfs:label ?label FILTER (LANG(?label) = "{lang}") }}
          OPTIONAL {{ ?item intmk:votingOutcome/rdfs:label ?outcome FILTER (LANG(?outcome) = "{lang}") }}
        }}""")
    order = list(HOW)
    record = [{
        "how": message(HOW[r["p"].value.removeprefix(ns.ONT)], lang),
        "rank": order.index(r["p"].value.removeprefix(ns.ONT)),
        "href": _link(r["item"].value), "label": r["label"].value if r.get("label") else r["item"].value,
        "conference": integer(r["n"]) if integer(r["n"]) is not None else r["n"].value,
        "result": r["outcome"].value if r.get("outcome") else message("entity.unknown", lang),
        "unknown": not r.get("outcome"),
    } for r in rows]
    # a number that is no integer (any RDF served with --data) after the numbers, as written
    return sorted(record, key=lambda x: (x["rank"], isinstance(x["conference"], str), str(x["conference"]).zfill(9),
                                         x["href"] or ""))

"""What the top of an entity page shows for each kind, before the full property table.

A conference: number, dates, place, chair Land and person, motto, status, previous and next, its
quotes. A conference item (resolution, lead motion, declaration, report): conference and agenda item,
kind, movers, outcome, and the votes of the 16 Länder as tiles and as a table. A person: offices
over time, chairs, conferences attended, statements and demands. A Land: chair terms, conferences
hosted, ministers over time. A document: title, publisher, date, kind, address, what it supports,
and its verbatim text with the statements taken from it marked (pages/texts.py). Any other kind
gets the property table alone.

Each summary is built from the facts the page already read (with their source footnotes) and at
most one query of its own; it names entities by IRI, and the route fetches all their labels in
the one label query of the page (`Summary.iris`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from ... import namespaces as ns
from ...pictures.timeline import held
from ...readable import format_date, format_date_range, format_duration, format_number, integer, natural_key, ordinal
from ..http import paths
from .entity import Fact
from .facts import fact_confidence

ONT = ns.ONT
PROLOGUE = ns.sparql_prologue(["rdf", "rdfs", "prov", "intmk"])
RDF_TYPE = ns.PREFIXES["rdf"] + "type"
INFERRED = ns.BASE + "graph/inferred"  # graph/inferred and graph/inferred-medium

# The most specific kind of a conference item first (a lead motion is also a resolution).
ITEM_KINDS = ["LeadMotion", "Declaration", "Report", "Resolution", "ConferenceItem"]
# How a Land took part in an item, in the order the tiles and the table show it.
VOTES = [("approvedBy", "for"), ("opposedBy", "against"), ("abstainedBy", "abstained")]
MARK_SYMBOL = {"for": "✓", "against": "✗", "abstained": "○", "unknown": "?"}
COUNTS = [("approvalCount", "for"), ("oppositionCount", "against"), ("abstentionCount", "abstained")]
STATUS = {ONT + "CancelledWrittenProcedure": "cancelled", ONT + "HeldOnline": "online"}
# A section of a summary lists at most this many entries (the latest), says how many there are, and
# links the SPARQL query for all: a Land of a large graph chaired and hosted thousands of conferences.
SECTION_MAX = 40


def capped(entries: list, query: str) -> tuple[list, dict | None]:
    """The last SECTION_MAX entries, and what the page says of the rest (None when all are shown)."""
    if len(entries) <= SECTION_MAX:
        return entries, None
    return entries[-SECTION_MAX:], {"shown": SECTION_MAX, "total": len(entries), "query": query}


@dataclass
class Summary:
    kind: str  # the partial template: conference, item, person, land, document
    data: dict
    iris: set[str] = field(default_factory=set)  # whose labels the page needs


class FactIndex:
    """The page's facts by property, with the footnote numbers of each value's sources."""

    def __init__(self, facts: list[Fact], numbers: dict[str, int], confidence: dict[str, str | None] | None = None):
        self.confidence = confidence or {}
        self.out: dict[str, list[Fact]] = {}
        self.incoming: dict[str, list[Fact]] = {}
        for f in facts:
            (self.out if f.direction == "out" else self.incoming).setdefault(f.predicate.value, []).append(f)
        self.numbers = numbers

    def values(self, name: str) -> list:
        return [f.other for f in self.out.get(ONT + name, [])]

    def first(self, name: str):
        found = self.values(name)
        return min(found, key=str) if found else None

    def iris(self, name: str, incoming: bool = False) -> list[str]:
        facts = (self.incoming if incoming else self.out).get(ONT + name, [])
        return sorted({f.other.value for f in facts if isinstance(f.other, ox.NamedNode)})

    def refs(self, *names: str) -> list[int]:
        """The footnote numbers of every source stating a value of any of these properties (all that a
        line of the summary shows)."""
        return sorted({self.numbers[g] for name in names for f in self.out.get(ONT + name, []) for g in f.graphs
                       if g in self.numbers})

    def asserted_refs(self, *names: str) -> list[int]:
        """refs(), citing for each value only the sources that assert it where any does: the inferred
        graphs (graph/inferred…) only for a value no other graph states."""
        graphs: dict[str, set[str]] = {}
        for name in names:
            for f in self.out.get(ONT + name, []):
                graphs.setdefault(f.other.value, set()).update(g for g in f.graphs if g in self.numbers)
        cited = set()
        for found in graphs.values():
            asserted = {g for g in found if not g.startswith(INFERRED)}
            cited |= asserted or found
        return sorted({self.numbers[g] for g in cited})

    def entries(self, name: str) -> list[dict]:
        """Each value of a property with its own footnotes and confidence (variants stay apart)."""
        return sorted(({"value": f.other.value, "lang": getattr(f.other, "language", None),
                        "refs": sorted({self.numbers[g] for g in f.graphs if g in self.numbers}),
                        "confidence": fact_confidence(f.graphs, self.confidence)}
                       for f in self.out.get(ONT + name, [])), key=lambda e: (e["confidence"] is not None, e["value"]))

    def types(self) -> set[str]:
        return {f.other.value for f in self.out.get(RDF_TYPE, [])}


def _value(term) -> str | None:
    return term.value if term is not None else None


def _duration(term, lang: str) -> str | None:
    try:
        return format_duration(term.value, lang) if term is not None else None
    except ValueError:
        return term.value


def _date(term, lang: str) -> str | None:
    try:
        return format_date(term.value, lang) if term is not None else None
    except ValueError:
        return term.value


def summary(service, node: ox.NamedNode, facts: list[Fact], numbers: dict[str, int], lang: str,
            confidence: dict[str, str | None] | None = None) -> Summary | None:
    """The summary of the entity's kind, or None for a kind without one."""
    index = FactIndex(facts, numbers, confidence)
    types = index.types()
    for cls, build in ((ONT + "Conference", conference), (ONT + "ConferenceItem", item), (ONT + "Person", person),
                       (ONT + "State", land), (ONT + "SourceDocument", document), (ONT + "Statement", statement)):
        if cls in types:
            return build(service, node, index, lang)
    return None


# --- conference ------------------------------------------------------------------------------------

def conference(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """Number, dates, place, chair, motto, status, previous/next and the quotes of the conference."""
    rows = service.select(PROLOGUE + f"""
        SELECT ?part ?x ?y ?z ?w WHERE {{
          {{ {node} intmk:chairmanship ?x BIND("chair" AS ?part)
             OPTIONAL {{ ?x intmk:chairState ?y }} OPTIONAL {{ ?x intmk:chairPerson ?z }}
             OPTIONAL {{ ?x intmk:chairPersonEndDate ?w }} }}
          UNION
          {{ {node} intmk:ordinal ?n . ?x a intmk:Conference ; intmk:ordinal ?m FILTER (?m = ?n - 1 || ?m = ?n + 1)
             OPTIONAL {{ {node} intmk:partOfSeries ?s1 }} OPTIONAL {{ ?x intmk:partOfSeries ?s2 }}
             FILTER ((!BOUND(?s1) && !BOUND(?s2)) || ?s1 = ?s2)  # a number counts within its series
             BIND(IF(?m < ?n, "previous", "next") AS ?part) BIND(?m AS ?y) }}
          UNION
          {{ ?x intmk:occasion {node} ; a intmk:Statement ; intmk:text ?y BIND("quote" AS ?part)
             OPTIONAL {{ ?x intmk:speaker ?z }} OPTIONAL {{ ?x intmk:position ?w }} }}
        }}""")
    chairs: dict[str, dict] = {}
    neighbours: dict[str, tuple[int, str]] = {}
    quotes: dict[str, dict] = {}
    for r in rows:
        part, x = r["part"].value, r["x"].value
        if part == "chair":
            chair = chairs.setdefault(x, {"iri": x, "lands": set(), "persons": set(), "until": None})
            if r.get("y"):
                chair["lands"].add(r["y"].value)
            if r.get("z"):
                chair["persons"].add(r["z"].value)
            if r.get("w"):
                chair["until"] = _date(r["w"], lang)
        elif part in ("previous", "next") and integer(r["y"]) is not None:
            # two of one number in a series: the first by IRI, on every store
            neighbours[part] = min(neighbours.get(part, (0, x)), (integer(r["y"]), x), key=lambda t: t[1])
        else:
            quotes[x] = {"iri": x, "text": r["y"].value, "lang": r["y"].language,
                         "speaker": _value(r.get("z")), "position": (integer(r.get("w")) or 0)}
    start, end, year = index.first("startDate"), index.first("endDate"), index.first("year")
    if start is not None:
        try:
            dates = format_date_range(start.value, _value(end), lang)
        except ValueError:
            dates = " – ".join(v for v in (start.value, _value(end)) if v)
    elif year is not None:
        dates = year.value
    else:
        dates = None
    number = index.first("ordinal")
    duration = index.first("duration")
    chair_list = [{**c, "lands": sorted(c["lands"]), "persons": sorted(c["persons"])} for _, c in sorted(chairs.items())]
    data = {
        "ordinal": integer(number),
        "number": (ordinal(integer(number), lang) if integer(number) is not None else number.value) if number is not None else None,
        "dates": dates, "dates_refs": index.refs("startDate", "endDate", "duration") if start is not None else index.refs("year", "duration"),
        "duration": _duration(duration, lang),
        "places": index.iris("location") + index.iris("venue"), "places_refs": index.refs("location", "venue", "heldInState", "placeDescription"),
        "lands": index.iris("heldInState"),
        "place_description": index.entries("placeDescription"),
        "status": [STATUS.get(s, "other") for s in index.iris("eventStatus")] or (["held"] if held(_value(start)) else []),
        "status_iris": index.iris("eventStatus"),
        "mottos": index.entries("motto"),
        "chairs": chair_list,
        "previous": neighbours.get("previous"), "next": neighbours.get("next"),
        "quotes": sorted(quotes.values(), key=lambda q: (q["position"], q["iri"])),
    }
    iris = set(data["places"]) | set(data["lands"]) | set(data["status_iris"])
    iris |= {i for c in chair_list for i in (*c["lands"], *c["persons"])}
    iris |= {n[1] for n in neighbours.values()} | {q["speaker"] for q in quotes.values() if q["speaker"]}
    return Summary("conference", data, iris)


# --- conference item -------------------------------------------------------------------------------

def item(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """Conference, agenda item, kind, movers, outcome, and the 16 Länder's votes (tiles and table)."""
    rows = service.select(PROLOGUE + "SELECT ?land ?code WHERE { ?land a intmk:State ; intmk:isoCode ?code }")
    lands = sorted({(r["code"].value, r["land"].value) for r in rows})
    # A protocol note or a motion is known of a Land only where the item names some Land for it; else unknown (None).
    noted, moved = (False if index.iris(name) else None for name in ("protocolNoteBy", "proposedBy"))
    how: dict[str, dict] = {iri: {"mark": "unknown", "note": noted, "moved": moved} for _, iri in lands}
    for name, mark in VOTES:
        for iri in index.iris(name):
            if iri in how:
                how[iri]["mark"] = mark
    for iri in index.iris("protocolNoteBy"):
        if iri in how:
            how[iri]["note"] = True
    for iri in index.iris("proposedBy"):
        if iri in how:
            how[iri]["moved"] = True
    tiles = [{"code": code, "short": code.removeprefix("DE-"), "iri": iri, **how[iri],
              "symbol": MARK_SYMBOL[how[iri]["mark"]]} for code, iri in lands]
    types = index.types()
    kind = next((ONT + k for k in ITEM_KINDS if ONT + k in types), ONT + "ConferenceItem")
    counts = [(mark, integer(index.first(name)) if integer(index.first(name)) is not None else index.first(name).value)
              for name, mark in COUNTS if index.first(name) is not None]
    data = {
        "kind": kind,
        "conferences": sorted(set(index.iris("consideredAt")) | set(index.iris("adoptedAt"))),
        "conference_refs": index.asserted_refs("consideredAt", "adoptedAt"),
        "adopted": index.iris("adoptedAt"), "adopted_refs": index.asserted_refs("adoptedAt"),
        "agenda": sorted(v.value for v in index.values("agendaItem")),
        "title": sorted({(v.value, v.language) for v in index.values("title")}),
        "movers": index.iris("proposedBy"), "movers_refs": index.refs("proposedBy"),
        "outcome": index.iris("votingOutcome"), "outcome_refs": index.refs("votingOutcome"),
        "votes_refs": sorted({n for name, _ in VOTES for n in index.refs(name)} | set(index.refs("protocolNoteBy"))),
        "counts": counts,
        "tiles": tiles,
        "notes": index.iris("protocolNoteBy"),
        "topics": index.iris("topic"),
        "known": sum(1 for t in tiles if t["mark"] != "unknown"),
    }
    iris = {kind, *data["conferences"], *data["movers"], *data["outcome"], *data["topics"]} | {iri for _, iri in lands}
    return Summary("item", data, iris)


# --- person ----------------------------------------------------------------------------------------

def person(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """Offices over time, chairs held, conferences attended, statements and demands."""
    rows = service.select(PROLOGUE + f"""
        SELECT ?part ?x ?a ?b ?c ?d WHERE {{
          {{ ?x intmk:holder {node} BIND("office" AS ?part)
             OPTIONAL {{ ?x intmk:state ?a }} OPTIONAL {{ ?x intmk:startDate ?b }} OPTIONAL {{ ?x intmk:endDate ?c }}
             OPTIONAL {{ ?x intmk:ministry ?d }} }}
          UNION
          {{ ?x intmk:chairPerson {node} BIND("chair" AS ?part)
             OPTIONAL {{ ?x intmk:chairOf ?a }} OPTIONAL {{ ?x intmk:chairState ?d }}
             OPTIONAL {{ ?x intmk:chairOf/intmk:ordinal ?b }} OPTIONAL {{ ?x intmk:chairPersonEndDate ?c }} }}
          UNION
          {{ ?att intmk:attendee {node} ; intmk:attendedConference ?x BIND("attended" AS ?part)
             OPTIONAL {{ ?x intmk:ordinal ?b }} OPTIONAL {{ ?att intmk:attendanceRole ?a }}
             OPTIONAL {{ ?att intmk:representedState ?d }} }}
          UNION
          {{ ?x intmk:participant {node} ; a intmk:Conference BIND("attended" AS ?part) OPTIONAL {{ ?x intmk:ordinal ?b }} }}
          UNION
          {{ ?x intmk:speaker {node} ; intmk:text ?a BIND("statement" AS ?part)
             OPTIONAL {{ ?x intmk:occasion ?d }} OPTIONAL {{ ?x intmk:position ?b }} OPTIONAL {{ ?x intmk:statedIn ?c }} }}
          UNION
          {{ ?x intmk:raisedBy {node} ; a intmk:Demand BIND("demand" AS ?part) }}
        }}""")
    parts: dict[str, dict[str, dict]] = {p: {} for p in ("office", "chair", "attended", "statement", "demand")}
    for r in rows:
        part, x = r["part"].value, r["x"].value
        entry = parts[part].setdefault(x, {"iri": x})
        for key in ("a", "b", "c", "d"):
            if r.get(key) is not None and entry.get(key) is None:
                entry[key] = r[key]
    offices = [{"iri": o["iri"], "land": _value(o.get("a")), "ministry": _value(o.get("d")),
                "from": _date(o.get("b"), lang), "until": _date(o.get("c"), lang),
                "sort": _value(o.get("b")) or ""} for o in parts["office"].values()]
    offices.sort(key=lambda o: (o["sort"] == "", o["sort"], o["iri"]))
    chairs = sorted(({"iri": c["iri"], "conference": _value(c.get("a")), "land": _value(c.get("d")),
                      "n": (integer(c.get("b")) or 0), "until": _date(c.get("c"), lang)}
                     for c in parts["chair"].values()), key=lambda c: (c["n"], c["iri"]))
    attended = sorted(({"iri": a["iri"], "n": (integer(a.get("b")) or 0), "role": _value(a.get("a")),
                        "land": _value(a.get("d"))} for a in parts["attended"].values()), key=lambda a: (a["n"], a["iri"]))
    statements = sorted(({"iri": s["iri"], "text": s["a"].value, "lang": s["a"].language,
                          "conference": _value(s.get("d")), "document": _value(s.get("c")),
                          "position": (integer(s.get("b")) or 0)} for s in parts["statement"].values()),
                        key=lambda s: (s["document"] or "", s["position"], s["iri"]))
    demands = sorted(parts["demand"])
    data = {"offices": offices, "chairs": chairs, "attended": attended, "statements": statements, "demands": demands}
    iris = {o["iri"] for o in offices} | {o[k] for o in offices for k in ("land", "ministry") if o[k]}
    iris |= {c[k] for c in chairs for k in ("iri", "conference", "land") if c[k]}
    iris |= {a[k] for a in attended for k in ("iri", "role", "land") if a[k]}
    iris |= {s[k] for s in statements for k in ("conference", "document") if s[k]} | set(demands)
    return Summary("person", data, iris)


# --- Land ------------------------------------------------------------------------------------------

def land(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """Chair terms, conferences hosted and ministers over time (the voting record is pages/record.py)."""
    rows = service.select(PROLOGUE + f"""
        SELECT ?part ?x ?a ?b ?c ?d ?e WHERE {{
          {{ ?x intmk:chairState {node} BIND("chair" AS ?part)
             OPTIONAL {{ ?x intmk:chairOf ?a . OPTIONAL {{ ?a intmk:ordinal ?d }} OPTIONAL {{ ?a intmk:year ?c }} }}
             OPTIONAL {{ ?x intmk:startDate ?b }} OPTIONAL {{ ?x intmk:chairPerson ?e }} }}
          UNION
          {{ ?x a intmk:Conference ; intmk:heldInState {node} BIND("hosted" AS ?part)
             OPTIONAL {{ ?x intmk:ordinal ?d }} OPTIONAL {{ ?x intmk:startDate ?b }} OPTIONAL {{ ?x intmk:year ?c }}
             OPTIONAL {{ ?x intmk:location ?a }} }}
          UNION
          {{ ?x a intmk:Office ; intmk:state {node} ; intmk:holder ?a BIND("office" AS ?part)
             OPTIONAL {{ ?x intmk:startDate ?b }} OPTIONAL {{ ?x intmk:endDate ?c }} }}
        }}""")
    parts: dict[str, dict[str, dict]] = {p: {} for p in ("chair", "hosted", "office")}
    for r in rows:
        entry = parts[r["part"].value].setdefault(r["x"].value, {"iri": r["x"].value})
        for key in ("a", "b", "c", "d", "e"):
            if r.get(key) is not None and entry.get(key) is None:
                entry[key] = r[key]

    def year_of(e: dict) -> str | None:
        if e.get("c") is not None:
            return e["c"].value[:4]
        return e["b"].value[:4] if e.get("b") is not None else None

    chairs = sorted(({"iri": c["iri"], "conference": _value(c.get("a")), "n": (integer(c.get("d")) or 0),
                      "year": year_of(c), "from": _date(c.get("b"), lang), "person": _value(c.get("e"))}
                     for c in parts["chair"].values()),
                    key=lambda c: (c["n"], c["iri"]))
    hosted = sorted(({"iri": h["iri"], "n": (integer(h.get("d")) or 0), "year": year_of(h),
                      "place": _value(h.get("a"))} for h in parts["hosted"].values()), key=lambda h: (h["n"], h["iri"]))
    ministers = sorted(({"iri": o["iri"], "person": o["a"].value, "from": _date(o.get("b"), lang),
                         "until": _date(o.get("c"), lang), "sort": _value(o.get("b")) or ""}
                        for o in parts["office"].values()), key=lambda o: (o["sort"] == "", o["sort"], o["iri"]))
    prologue = f"PREFIX intmk: <{ONT}>\n"
    chairs, more_chairs = capped(chairs, prologue + f"SELECT ?chair ?conference WHERE {{ ?chair intmk:chairState {node} "
                                 "OPTIONAL { ?chair intmk:chairOf ?conference } }")
    hosted, more_hosted = capped(hosted, prologue + f"SELECT ?conference WHERE {{ ?conference a intmk:Conference ; "
                                 f"intmk:heldInState {node} }}")
    ministers, more_ministers = capped(ministers, prologue + f"SELECT ?office ?person WHERE {{ ?office a intmk:Office ; "
                                       f"intmk:state {node} ; intmk:holder ?person }}")
    data = {"chairs": chairs, "hosted": hosted, "ministers": ministers,
            "more": {"chairs": more_chairs, "hosted": more_hosted, "ministers": more_ministers}}
    iris = {c[k] for c in chairs for k in ("iri", "conference", "person") if c[k]} | {h["iri"] for h in hosted}
    iris |= {h["place"] for h in hosted if h["place"]} | {m["iri"] for m in ministers} | {m["person"] for m in ministers}
    return Summary("land", data, iris)


# --- document --------------------------------------------------------------------------------------

def document(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """Title, publisher, date, kind, address; the graphs derived from it and the statements taken from it."""
    rows = service.select(PROLOGUE + f"""
        SELECT ?part ?x ?a ?b WHERE {{
          {{ SELECT ?x (COUNT(*) AS ?a) ("graph" AS ?part) WHERE {{
               GRAPH ?x {{ ?x prov:wasDerivedFrom {node} . ?s ?p ?o }} }} GROUP BY ?x }}
          UNION
          {{ ?x intmk:statedIn {node} ; intmk:text ?a BIND("statement" AS ?part) OPTIONAL {{ ?x intmk:position ?b }} }}
          UNION
          {{ ?x a intmk:Demand ; intmk:expressedIn ?s . ?s intmk:statedIn {node} BIND("demand" AS ?part) }}
        }}""")
    graphs, statements, demands = {}, {}, set()
    for r in rows:
        part, x = r["part"].value, r["x"].value
        if part == "graph":
            graphs[x] = int(r["a"].value)
        elif part == "statement":
            statements[x] = {"iri": x, "text": r["a"].value, "lang": r["a"].language,
                             "position": (integer(r.get("b")) or 0)}
        else:
            demands.add(x)
    issued = index.first("issued")
    title = sorted({(v.value, v.language) for v in index.values("title")})
    data = {
        "title": title, "title_refs": index.refs("title"),
        "publisher": index.iris("publisher"), "publisher_names": sorted({v.value for v in index.values("publisherName")}),
        "publisher_refs": index.refs("publisher", "publisherName"),
        "issued": _date(issued, lang), "issued_refs": index.refs("issued"),
        "kinds": index.iris("documentKind"),
        "urls": index.iris("url"), "url_refs": index.refs("url"),
        "number": _value(index.first("pressReleaseNumber")),
        "occasion": index.iris("occasion"),
        "graphs": [{"iri": g, "triples": format_number(n, lang)} for g, n in sorted(graphs.items(), key=lambda kv: natural_key(kv[0]))],
        "statements": sorted(statements.values(), key=lambda s: (s["position"], s["iri"])),
        "demands": sorted(demands),
        "text": None,  # filled by the route from the release (pages/texts.py)
    }
    data["web_urls"] = [(u, paths.web_link(u)) for u in data["urls"]]
    iris = {*data["publisher"], *data["kinds"], *data["occasion"], *graphs, *data["demands"], *statements}
    return Summary("document", data, iris)


# --- statement -------------------------------------------------------------------------------------

def statement(service, node: ox.NamedNode, index: FactIndex, lang: str) -> Summary:
    """The words, who said them in which office, and where: the document, at the place of its
    verbatim text where they are marked (the document page's anchor `s-{key}`, which pages/entity_page.py
    keeps only for a statement the text marks); no query of its own."""
    documents = index.iris("statedIn")
    data = {
        "texts": index.entries("text"), "speakers": index.iris("speaker"), "offices": index.iris("speakerOffice"),
        "documents": [(d, f"#{text_anchor(node.value)}") for d in documents], "document_refs": index.refs("statedIn"),
        "occasion": index.iris("occasion"), "claims": index.iris("makesClaim"),
    }
    iris = {*data["speakers"], *data["offices"], *documents, *data["occasion"], *data["claims"]}
    return Summary("statement", data, iris)


def text_anchor(statement: str) -> str:
    """The id of a statement's mark in its document's verbatim text."""
    return "s-" + statement.rstrip("/").rsplit("/", 1)[-1]

"""Map the verified reference tables (data/reference/*.csv) to quads.

A row of a table is one curation record: the project compiled its facts from the documents the
row lists, and the row does not say which document supports which field. So its facts go into one
named graph of that record (`graph/curation-{table}-{key}`), derived from each listed document
(keys from the registry, sources.csv), attributed to the project, with the row's confidence and
the curator's notes; no document's own graph is credited with them. The confidence rule of the
reference README is applied per statement: where notes/weak-fields.csv names the weaker fields of
a medium row, only their facts sit in a record of their own with intmk:MediumConfidence and the
rest of the row is high; a medium row not listed there is medium as a whole. Low rows are not
asserted; blank cells are unknown and produce nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .quads import GraphWriter, date, integer, iri, lit
from .rdfio import parse_file
from .registry import PROJECT, Registry
from .tables import Row, read_rows

Fact = tuple[str, str, "str | ox.NamedNode | ox.Literal"]

QID = re.compile(r"^Q[1-9][0-9]*$")
CONFIDENCE = {"high": "intmk:HighConfidence", "medium": "intmk:MediumConfidence", "low": "intmk:LowConfidence"}
UNSTATED_REASON = ("Medium confidence (one non-official source, or a value inferred from official facts); "
                   "the table gives no note on which part is weaker.")


def e(kind: str, key: str) -> str:
    return ns.entity(kind, key)


def record_graph(table: str, record: str) -> str:
    """The graph of one curation record, e.g. graph/curation-conferences-20."""
    return ns.graph(f"curation-{table}-{record}")


@dataclass
class Weak:
    """Fields of a medium row that are weaker than the rest (notes/weak-fields.csv)."""

    fields: list[str]
    note: str
    row: Row


def read_weak_fields(path: Path) -> dict[tuple[str, str], Weak]:
    if not path.is_file():
        return {}
    weak: dict[tuple[str, str], Weak] = {}
    for row in read_rows(path, ["table", "record", "fields", "note"]):
        if not row.many("fields") or not row["note"]:
            raise row.problem("a weak-field entry needs its fields and a note that says why")
        weak[(row["table"], row["record"])] = Weak(row.many("fields"), row["note"], row)
    return weak


class Curation:
    """Writes one named graph per curation record (table row), derived from the documents it lists."""

    def __init__(self, registry: Registry, weak: dict[tuple[str, str], Weak]) -> None:
        self.registry = registry
        self.weak = weak
        self.by_table: dict[Path, list[ox.Quad]] = {}
        self.person_names: dict[str, str] = {}
        self.place_states: dict[str, str] = {}
        self.place_kinds: dict[str, str] = {}  # places.csv kind: country, city or venue
        self.parties: dict[str, Party] = {}  # parties.csv, by the name persons.csv writes
        self.person_states: dict[str, set[str]] = {}  # the Länder a person held an office or chair for
        self.new_persons: set[str] = set()  # persons the later tables name that persons.csv lacks

    def _record(self, name: str, row: Row, docs: list[str], level: str, note: str) -> GraphWriter:
        w = GraphWriter(name)
        w.add(w.graph, "rdf:type", "intmk:CurationRecord")
        for doc in docs:
            w.add(w.graph, "prov:wasDerivedFrom", doc)
        w.add(w.graph, "prov:wasAttributedTo", PROJECT)
        w.add(w.graph, "intmk:confidence", CONFIDENCE[level])
        w.add(w.graph, "intmk:curatedIn", lit(f"{row.path.name}, line {row.line}"))
        if not note and level != "high":
            note = UNSTATED_REASON  # a medium fact is published only with a note
        if note:
            w.add(w.graph, "skos:editorialNote", lit(note, "en"))
        return w

    def emit(self, row: Row, record: str, facts: list[Fact], source_column: str = "source",
             fields: dict[str, list[Fact]] | None = None) -> None:
        """The row's facts in its record graph; the facts of its weaker fields in a record of their own."""
        level = row["confidence"]
        if level not in CONFIDENCE:
            raise row.problem(f"confidence must be high, medium or low, not {level!r}")
        if level == "low":
            raise row.problem("low-confidence rows are not asserted; keep the hint in another row's notes")
        docs = self.documents(row, source_column)
        if level == "high" and len(docs) < 2 and self.registry.only_news(row.many(source_column)):
            raise row.problem("a row backed by one news report only is at most medium (README: two independent "
                              "sources, or one official source, make a fact high)")
        table = row.path.stem
        fields = fields or {}
        weak = self.weak.pop((table, record), None)
        weak_fields = weak.fields if weak else []
        if weak and level != "medium":
            raise weak.row.problem(f"{table} {record} is {level}, so no field of it is weaker than the rest")
        for name in weak_fields:
            if name not in fields:
                raise weak.row.problem(f"{table} has no field {name!r} that can be marked weaker; "
                                       f"known: {', '.join(sorted(fields)) or 'none'}")
        main = self._record(record_graph(table, record), row, docs, "high" if weak else level, row["notes"])
        for s, p, o in facts + [f for name, fs in fields.items() if name not in weak_fields for f in fs]:
            main.add(s, p, o)
        out = self.by_table.setdefault(row.path, [])
        out.extend(main.quads)
        for name in weak_fields:
            w = self._record(record_graph(table, f"{record}-{name}"), row, docs, level, weak.note)
            for s, p, o in fields[name]:
                w.add(s, p, o)
            out.extend(w.quads)

    def documents(self, row: Row, source_column: str) -> list[str]:
        """The registry IRIs of the documents a row lists."""
        sources = row.many(source_column)
        if not sources:
            raise row.problem(f"row has no {source_column}")
        docs = []
        for source in sources:
            where = row.problem(f"source is not in the registry (sources.csv) nor a Wikidata item of this row: "
                                f"{source!r}")
            docs.append(self.registry.cited(source, row["wikidata"], where).iri)
        return docs

    def emit_derived(self, row: Row, record: str, name: str, facts: list[Fact], note: str,
                     source_column: str = "source") -> None:
        """Facts the project derived from a row (not stated in it): a medium record of their own with the reason."""
        w = self._record(record_graph(row.path.stem, f"{record}-{name}"), row,
                         self.documents(row, source_column), "medium", note)
        for s, p, o in facts:
            w.add(s, p, o)
        self.by_table.setdefault(row.path, []).extend(w.quads)

    def unused_weak_entries(self) -> None:
        for weak in self.weak.values():
            raise weak.row.problem("no such record in the reference tables")


def wikidata(subject: str, row: Row) -> list[Fact]:
    qid = row["wikidata"]
    if not qid:
        return []
    if not QID.match(qid):
        raise row.problem(f"not a Wikidata QID: {qid!r}")
    return [(subject, "owl:sameAs", ox.NamedNode(ns.WD + qid))]


def ordinal_en(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- one mapper per table -------------------------------------------------------------------


def map_states(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["key", "name_de", "name_en", "wikidata", "destatis_key", "confidence", "source"]):
        s = e("state", row["key"])
        if not re.fullmatch(r"DE-[A-Z]{2}", row["key"]):
            raise row.problem(f"not an ISO 3166-2 code of a German Land: {row['key']!r}")
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:State"),
            (s, "rdfs:label", lit(row["name_de"], "de")),
            (s, "rdfs:label", lit(row["name_en"], "en")),
            (s, "intmk:isoCode", lit(row["key"])),
            (s, "intmk:destatisKey", lit(row["destatis_key"])),
            (s, "intmk:country", e("place", "germany")),
        ]
        facts += wikidata(s, row)
        sources.emit(row, row["key"], facts)
        known["state"].add(row["key"])


PLACE_CLASS = {"country": "intmk:Country", "city": "intmk:City", "venue": "intmk:Venue"}


def map_places(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["key", "name_de", "name_en", "kind", "wikidata", "in_state", "confidence", "source"]):
        s = e("place", row["key"])
        if row["kind"] not in PLACE_CLASS:
            raise row.problem(f"unknown place kind {row['kind']!r}")
        facts: list[Fact] = [
            (s, "rdf:type", PLACE_CLASS[row["kind"]]),
            (s, "rdfs:label", lit(row["name_de"], "de")),
            (s, "rdfs:label", lit(row["name_en"], "en")),
        ]
        sources.place_kinds[row["key"]] = row["kind"]
        if row["in_state"]:
            facts.append((s, "intmk:inState", e("state", row["in_state"])))
            sources.place_states[row["key"]] = row["in_state"]
        facts += wikidata(s, row)
        sources.emit(row, row["key"], facts)
        known["place"].add(row["key"])


@dataclass(frozen=True)
class Party:
    key: str
    name_de: str
    name_en: str


SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def map_parties(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    """parties.csv: the names of the parties persons.csv names. A lookup: its labels are stated in the
    record of each member (map_persons), so the table itself writes no record."""
    for row in read_rows(path, ["name", "key", "name_de", "name_en", "source"]):
        if not row["name"] or not row["name_de"] or not row["name_en"]:
            raise row.problem("a party needs its name as persons.csv writes it, name_de and name_en")
        if not SLUG.match(row["key"]):
            raise row.problem(f"key {row['key']!r} is not a lower-case ASCII slug")
        if row["name"] in sources.parties:
            raise row.problem(f"party {row['name']!r} appears twice")
        sources.documents(row, "source")  # every source is in the registry, as in the other tables
        sources.parties[row["name"]] = Party(row["key"], row["name_de"], row["name_en"])
        known["party"].add(row["key"])


def map_persons(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["key", "name", "honorific", "party", "wikidata", "confidence", "source"]):
        s = e("person", row["key"])
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:Person"),
            (s, "rdfs:label", lit(row["name"], "de")),
            (s, "rdfs:label", lit(row["name"], "en")),
            (s, "intmk:name", lit(row["name"])),
        ]
        if row["honorific"]:
            facts.append((s, "intmk:honorificPrefix", lit(row["honorific"])))
        if row["party"]:
            party = sources.parties.get(row["party"])
            if party is None:
                raise row.problem(f"unknown party {row['party']!r}; add a row for it to parties.csv")
            p = e("party", party.key)
            facts += [
                (s, "intmk:memberOfParty", p),
                (p, "rdf:type", "intmk:PoliticalParty"),
                (p, "rdfs:label", lit(party.name_de, "de")),
                (p, "rdfs:label", lit(party.name_en, "en")),
                (p, "skos:altLabel", lit(row["party"], "de")),
            ]
        facts += wikidata(s, row)
        sources.emit(row, row["key"], facts)
        known["person"].add(row["key"])
        sources.person_names[row["key"]] = row["name"]


def map_offices(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["person_key", "office_de", "state", "start", "end", "ministry", "confidence", "source"]):
        if row["person_key"] not in known["person"]:
            raise row.problem(f"unknown person {row['person_key']!r} (not in persons.csv)")
        if not row["start"]:
            raise row.problem("an office needs a start date to get a stable key")
        key = f"{row['person_key']}-{row['start']}"
        s = e("office", key)
        person_name = sources.person_names[row["person_key"]]
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:Office"),
            (s, "intmk:holder", e("person", row["person_key"])),
            (s, "intmk:postTitle", lit(row["office_de"], "de")),
            (s, "intmk:state", e("state", row["state"])),
            (s, "intmk:startDate", date(row["start"])),
            (s, "rdfs:label", lit(f"{person_name}: {row['office_de']} (ab {row['start']})", "de")),
            (s, "rdfs:label", lit(f"{person_name}: {row['office_de']} (from {row['start']})", "en")),
        ]
        if row["end"]:
            facts.append((s, "intmk:endDate", date(row["end"])))
        if row["ministry"]:  # filled only where the post title names its ministry exactly
            if row["ministry"] not in known["organisation"]:
                raise row.problem(f"unknown ministry {row['ministry']!r} (not in organisations.csv)")
            facts.append((s, "intmk:ministry", e("organisation", row["ministry"])))
        sources.emit(row, key, facts)
        known["office"].add(key)
        sources.person_states.setdefault(row["person_key"], set()).add(row["state"])


def map_organisations(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    cols = ["key", "name_de", "short_name", "other_names", "state", "website", "wikidata", "confidence", "source"]
    for row in read_rows(path, cols):
        s = e("organisation", row["key"])
        is_series = row["key"] == "intmk"
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:ConferenceSeries" if is_series else "intmk:Ministry"),
            (s, "intmk:officialName", lit(row["name_de"], "de")),
        ]
        if is_series:
            # The series is known by its common name (one of other_names); the official one is kept.
            facts += [
                (s, "rdfs:label", lit("Integrationsministerkonferenz", "de")),
                (s, "rdfs:label", lit("Conference of Integration Ministers", "en")),
            ]
        else:
            facts += [(s, "rdfs:label", lit(row["name_de"], "de")), (s, "rdfs:label", lit(row["name_de"], "en"))]
        if row["short_name"]:
            facts.append((s, "intmk:shortName", lit(row["short_name"])))
        for other in row.many("other_names"):
            # "Name (who used it)": keep the name, the parenthesis is a note.
            name = re.sub(r"\s*\(.*\)$", "", other)
            facts.append((s, "skos:altLabel", lit(name, "de")))
        if row["state"]:
            facts.append((s, "intmk:state", e("state", row["state"])))
        if row["website"]:
            try:
                facts.append((s, "intmk:website", ox.NamedNode(row["website"])))
            except ValueError as err:
                raise row.problem(f"website {row['website']!r} is not a valid IRI ({err})") from None
        facts += wikidata(s, row)
        sources.emit(row, row["key"], facts)
        known["organisation"].add(row["key"])


def map_laws(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    cols = ["key", "title_de", "short_title", "legal_basis", "published", "in_force", "content_summary_en", "title_en",
            "milestones", "confidence", "source"]
    for row in read_rows(path, cols):
        s = e("law", row["key"])
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:Law"),
            (s, "intmk:title", lit(row["title_de"], "de")),
            (s, "rdfs:label", lit(row["title_de"], "de")),
            (s, "rdfs:label", lit(row["title_en"] or row["title_de"], "en")),
            (s, "intmk:summary", lit(row["content_summary_en"], "en")),
        ]
        if row["short_title"]:
            facts.append((s, "intmk:shortTitle", lit(row["short_title"], "de")))
        if row["legal_basis"]:
            facts.append((s, "intmk:legalBasis", lit(row["legal_basis"], "de")))
        if row["published"]:
            facts.append((s, "intmk:promulgationDate", date(row["published"])))
        if row["in_force"]:
            facts.append((s, "intmk:inForceDate", date(row["in_force"])))
        for milestone in row.many("milestones"):  # the milestones of the Göttinger Erklärung the law made
            if not SLUG.match(milestone):
                raise row.problem(f"milestone {milestone!r} is not a key such as chancen-aufenthaltsrecht")
            facts.append((e("milestone", milestone), "intmk:establishedBy", s))
        sources.emit(row, row["key"], facts)
        known["law"].add(row["key"])


def map_conferences(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    cols = ["number", "year", "place", "start", "end", "chair_state", "chair_person", "chair_from", "chair_to",
            "motto", "notes", "confidence", "sources"]
    seen: dict[int, int] = {}
    for row in read_rows(path, cols):
        try:
            n = int(row["number"])
        except ValueError:
            raise row.problem(f"conference number is not an integer: {row['number']!r}") from None
        if n in seen:
            raise row.problem(f"conference {n} appears twice (first on line {seen[n]})")
        seen[n] = row.line
        s = e("conference", str(n))
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:Conference"),
            (s, "intmk:partOfSeries", e("organisation", "intmk")),
        ]
        # The fields a note may call weaker than the rest of the row (notes/weak-fields.csv).
        fields: dict[str, list[Fact]] = {
            "number": [
                (s, "intmk:ordinal", integer(n)),
                (s, "rdfs:label", lit(f"{n}. Integrationsministerkonferenz", "de")),
                (s, "rdfs:label", lit(f"{ordinal_en(n)} Conference of Integration Ministers", "en")),
                (s, "skos:altLabel", lit(f"{n}. IntMK", "de")),
                (s, "skos:altLabel", lit(f"{ordinal_en(n)} IntMK", "en")),
            ],
            "year": [],
            "place": [],
        }
        if row["year"]:
            if not re.fullmatch(r"\d{4}", row["year"]):
                raise row.problem(f"year {row['year']!r} is not a year such as 2025")
            fields["year"].append((s, "intmk:year", ox.Literal(row["year"], datatype=iri("xsd:gYear"))))
        for place in row.many("place"):
            if place not in known["place"]:
                raise row.problem(f"unknown place {place!r} (not in places.csv)")
            kind = "intmk:venue" if sources.place_kinds.get(place) == "venue" else "intmk:location"
            fields["place"].append((s, kind, e("place", place)))
            # One location model: the Land of a conference is that of its place (places.csv in_state).
            if sources.place_states.get(place):
                fields["place"].append((s, "intmk:heldInState", e("state", sources.place_states[place])))
        if row["start"]:
            facts.append((s, "intmk:startDate", date(row["start"])))
        if row["end"]:
            facts.append((s, "intmk:endDate", date(row["end"])))
        if row["motto"]:
            facts.append((s, "intmk:motto", lit(row["motto"], "de")))
        if row["chair_state"] or row["chair_person"] or row["chair_from"] or row["chair_to"]:
            c = e("chair", str(n))
            facts += [
                (s, "intmk:chairmanship", c),
                (c, "rdf:type", "intmk:Chairmanship"),
                (c, "intmk:chairOf", s),
                (c, "rdfs:label", lit(f"Vorsitz der {n}. IntMK", "de")),
                (c, "rdfs:label", lit(f"Chair of the {ordinal_en(n)} IntMK", "en")),
            ]
            if row["chair_state"]:
                if row["chair_state"] not in known["state"]:
                    raise row.problem(f"unknown Land {row['chair_state']!r}")
                facts.append((c, "intmk:chairState", e("state", row["chair_state"])))
            if row["chair_person"]:
                if row["chair_person"] not in known["person"]:
                    raise row.problem(f"unknown person {row['chair_person']!r}")
                facts.append((c, "intmk:chairPerson", e("person", row["chair_person"])))
                if row["chair_state"]:
                    sources.person_states.setdefault(row["chair_person"], set()).add(row["chair_state"])
            if row["chair_from"]:
                facts.append((c, "intmk:startDate", date(row["chair_from"])))
            if row["chair_to"]:
                facts.append((c, "intmk:endDate", date(row["chair_to"])))
        facts += note_facts(path.parent / "notes" / f"conference-{n}.ttl")
        sources.emit(row, str(n), facts, "sources", fields)
        known["conference"].add(str(n))


def note_facts(path: Path) -> list[Fact]:
    """Facts that a row's notes state, curated as Turtle beside the table (optional)."""
    if not path.is_file():
        return []
    return [(q.subject, q.predicate.value, q.object) for q in parse_file(path, ox.RdfFormat.TURTLE)]

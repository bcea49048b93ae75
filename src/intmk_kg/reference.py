"""Map the verified reference tables (data/reference/*.csv) to quads.

Each row names its public sources; its facts go into the named graph of every source it
names (one source-document entity per URL), so a query for "which document supports this
statement" finds each of them. The confidence rule of the reference README is applied here:
high rows are plain facts; medium rows are kept with an explicit note and
intmk:confidence intmk:MediumConfidence; low hints live only in notes; blank cells are unknown
and produce nothing.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from . import namespaces as ns
from .errors import InputError, Problem
from .quads import GraphWriter, date, integer, iri, lit

Fact = tuple[str, str, "str | ox.NamedNode | ox.Literal"]

QID = re.compile(r"^Q[1-9][0-9]*$")
WIKIDATA_URL = "https://www.wikidata.org/"
CONFIDENCE = {"high": None, "medium": "intmk:MediumConfidence", "low": "intmk:LowConfidence"}


def e(kind: str, key: str) -> str:
    return ns.entity(kind, key)


def source_key(source: str) -> str:
    """A stable, readable key for a source named in the tables."""
    if source.startswith("Wikidata"):
        return "wikidata"
    parts = urlsplit(source)
    host = parts.netloc.lower().removeprefix("www.")
    slug = re.sub(r"[^a-z0-9]+", "-", host).strip("-")
    digest = hashlib.sha256(source.encode()).hexdigest()[:8]
    return f"web-{slug}-{digest}"


def source_url(source: str) -> str:
    return WIKIDATA_URL if source.startswith("Wikidata") else source


@dataclass
class Row:
    path: Path
    line: int
    data: dict[str, str]

    def __getitem__(self, name: str) -> str:
        return (self.data.get(name) or "").strip()

    def many(self, name: str) -> list[str]:
        return [v.strip() for v in self[name].split(" ; ") if v.strip()]

    def problem(self, message: str) -> InputError:
        return InputError(Problem(message, self.path, self.line))


def read_rows(path: Path, required: list[str]) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(Problem(f"missing column(s): {', '.join(missing)}", path, 1))
        rows = []
        for data in reader:
            rows.append(Row(path, reader.line_num, data))
    return rows


class Sources:
    """Collects facts per source and writes one graph per source document."""

    def __init__(self) -> None:
        self.writers: dict[str, GraphWriter] = {}
        self.by_table: dict[Path, list[ox.Quad]] = {}
        self.person_names: dict[str, str] = {}

    def writer(self, source: str, path: Path) -> GraphWriter:
        key = source_key(source)
        if key not in self.writers:
            w = GraphWriter(ns.graph(key))
            doc = e("document", key)
            url = source_url(source)
            w.add(w.graph, "rdf:type", "intmk:NamedGraph")
            w.add(w.graph, "prov:wasDerivedFrom", doc)
            w.add(doc, "rdf:type", "intmk:WebSource")
            w.add(doc, "intmk:url", ox.NamedNode(url))
            label = "Wikidata" if key == "wikidata" else url
            w.add(doc, "rdfs:label", lit(label, "de"))
            w.add(doc, "rdfs:label", lit(label, "en"))
            self.writers[key] = w
            self.by_table.setdefault(path, []).extend(w.quads)
        return self.writers[key]

    def emit(self, row: Row, facts: list[Fact], source_column: str = "source") -> None:
        sources = row.many(source_column)
        if not sources:
            raise row.problem(f"row has no {source_column}")
        for source in sources:
            if not (source.startswith("http://") or source.startswith("https://") or source.startswith("Wikidata")):
                raise row.problem(f"source is neither a URL nor Wikidata: {source!r}")
            w = self.writer(source, row.path)
            start = len(w.quads)
            for s, p, o in facts:
                w.add(s, p, o)
            self.by_table.setdefault(row.path, []).extend(w.quads[start:])


def confidence_facts(subject: str, row: Row) -> list[Fact]:
    level = row["confidence"]
    if level not in CONFIDENCE:
        raise row.problem(f"confidence must be high, medium or low, not {level!r}")
    facts: list[Fact] = []
    if level == "low":
        # Low rows are not asserted at all; callers skip them before they get here.
        raise row.problem("low-confidence rows are not asserted")
    if CONFIDENCE[level]:
        facts.append((subject, "intmk:confidence", CONFIDENCE[level]))
    if row.data.get("notes"):
        facts.append((subject, "skos:editorialNote", lit(row["notes"], "en")))
    return facts


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


def map_states(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
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
        facts += wikidata(s, row) + confidence_facts(s, row)
        sources.emit(row, facts)
        known["state"].add(row["key"])


PLACE_CLASS = {"country": "intmk:Country", "city": "intmk:City", "venue": "intmk:Venue"}


def map_places(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["key", "name_de", "name_en", "kind", "wikidata", "in_state", "confidence", "source"]):
        s = e("place", row["key"])
        if row["kind"] not in PLACE_CLASS:
            raise row.problem(f"unknown place kind {row['kind']!r}")
        facts: list[Fact] = [
            (s, "rdf:type", PLACE_CLASS[row["kind"]]),
            (s, "rdfs:label", lit(row["name_de"], "de")),
            (s, "rdfs:label", lit(row["name_en"], "en")),
        ]
        if row["in_state"]:
            facts.append((s, "intmk:inState", e("state", row["in_state"])))
        facts += wikidata(s, row) + confidence_facts(s, row)
        sources.emit(row, facts)
        known["place"].add(row["key"])


PARTIES = {
    "SPD": ("spd", "Sozialdemokratische Partei Deutschlands", "Social Democratic Party of Germany"),
    "Bündnis 90/Die Grünen": ("buendnis-90-die-gruenen", "Bündnis 90/Die Grünen", "Alliance 90/The Greens"),
}


def map_persons(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
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
            if row["party"] not in PARTIES:
                raise row.problem(f"unknown party {row['party']!r}; add it to PARTIES with its labels")
            key, de, en = PARTIES[row["party"]]
            p = e("party", key)
            facts += [
                (s, "intmk:memberOfParty", p),
                (p, "rdf:type", "intmk:PoliticalParty"),
                (p, "rdfs:label", lit(de, "de")),
                (p, "rdfs:label", lit(en, "en")),
                (p, "skos:altLabel", lit(row["party"], "de")),
            ]
        facts += wikidata(s, row) + confidence_facts(s, row)
        sources.emit(row, facts)
        known["person"].add(row["key"])
        sources.person_names[row["key"]] = row["name"]


def map_offices(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
    for row in read_rows(path, ["person_key", "office_de", "state", "start", "end", "confidence", "source"]):
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
        ministry = MINISTRY_OF_POST.get(row["office_de"])
        if ministry:
            facts.append((s, "intmk:ministry", e("organisation", ministry)))
        facts += confidence_facts(s, row)
        sources.emit(row, facts)
        known["office"].add(key)


# The post title names its ministry exactly; only these identities are certain.
MINISTRY_OF_POST = {
    "Niedersächsischer Minister für Soziales, Arbeit, Gesundheit und Gleichstellung": "ms-ni",
    "Ministerin für Soziales, Gesundheit und Sport des Landes Mecklenburg-Vorpommern": "sm-mv",
    "Ministerin für Kinder, Jugend, Familie, Gleichstellung, Flucht und Integration des Landes Nordrhein-Westfalen": "mkjfgfi-nw",
}


def map_organisations(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
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
            facts.append((s, "intmk:website", ox.NamedNode(row["website"])))
        facts += wikidata(s, row) + confidence_facts(s, row)
        sources.emit(row, facts)
        known["organisation"].add(row["key"])


def map_laws(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
    cols = ["key", "title_de", "short_title", "legal_basis", "published", "in_force", "content_summary_en", "confidence", "source"]
    for row in read_rows(path, cols):
        s = e("law", row["key"])
        facts: list[Fact] = [
            (s, "rdf:type", "intmk:Law"),
            (s, "intmk:title", lit(row["title_de"], "de")),
            (s, "rdfs:label", lit(row["title_de"], "de")),
            (s, "rdfs:label", lit(LAW_TITLES_EN.get(row["key"], row["title_de"]), "en")),
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
        for milestone in MILESTONES_OF_LAW.get(row["key"], []):
            facts.append((e("milestone", milestone), "intmk:establishedBy", s))
        facts += confidence_facts(s, row)
        sources.emit(row, facts)
        known["law"].add(row["key"])


# English titles are translations of the German title, not claims of the sources.
LAW_TITLES_EN = {
    "chancen-aufenthaltsrecht": "Act introducing an opportunity residence right (Chancen-Aufenthaltsrecht)",
    "starmodg": "Act to modernise the nationality law (StARModG)",
}

# Stated by the laws table's summaries: which milestone of the Göttinger Erklärung each law made.
MILESTONES_OF_LAW = {
    "chancen-aufenthaltsrecht": ["chancen-aufenthaltsrecht"],
    "starmodg": ["mehrstaatigkeit", "einbuergerung-nach-fuenf-jahren"],
}


def map_conferences(path: Path, sources: Sources, known: dict[str, set[str]]) -> None:
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
            (s, "intmk:ordinal", integer(n)),
            (s, "intmk:partOfSeries", e("organisation", "intmk")),
            (s, "rdfs:label", lit(f"{n}. Integrationsministerkonferenz", "de")),
            (s, "rdfs:label", lit(f"{ordinal_en(n)} Conference of Integration Ministers", "en")),
            (s, "skos:altLabel", lit(f"{n}. IntMK", "de")),
            (s, "skos:altLabel", lit(f"{ordinal_en(n)} IntMK", "en")),
        ]
        if row["year"]:
            facts.append((s, "intmk:year", ox.Literal(row["year"], datatype=iri("xsd:gYear"))))
        for place in row.many("place"):
            if place not in known["place"]:
                raise row.problem(f"unknown place {place!r} (not in places.csv)")
            kind = "intmk:venue" if place in VENUES else "intmk:location"
            facts.append((s, kind, e("place", place)))
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
            if row["chair_from"]:
                facts.append((c, "intmk:startDate", date(row["chair_from"])))
            if row["chair_to"]:
                facts.append((c, "intmk:endDate", date(row["chair_to"])))
            if CONFIDENCE.get(row["confidence"]):
                facts.append((c, "intmk:confidence", CONFIDENCE[row["confidence"]]))
        facts += confidence_facts(s, row)
        facts += note_facts(path.parent / "notes" / f"conference-{n}.ttl")
        sources.emit(row, facts, "sources")
        known["conference"].add(str(n))


def note_facts(path: Path) -> list[Fact]:
    """Facts that a row's notes state, curated as Turtle beside the table (optional)."""
    if not path.is_file():
        return []
    from .loader import parse_file  # late import: the loader imports this module

    return [(q.subject, q.predicate.value, q.object) for q in parse_file(path, ox.RdfFormat.TURTLE)]


VENUES = {"graf-zeppelin-haus", "kloster-eberbach", "zeche-zollverein"}

# Order matters: later tables refer to keys of earlier ones.
TABLES = [
    ("states.csv", map_states),
    ("places.csv", map_places),
    ("persons.csv", map_persons),
    ("organisations.csv", map_organisations),
    ("offices.csv", map_offices),
    ("laws.csv", map_laws),
    ("conferences.csv", map_conferences),
]


def reference_quads(folder: Path) -> list[tuple[Path, list[ox.Quad]]]:
    """All reference quads, grouped by the table each came from."""
    sources = Sources()
    known: dict[str, set[str]] = {k: set() for k in ("state", "place", "person", "office", "organisation", "law", "conference")}
    for name, mapper in TABLES:
        path = folder / name
        if not path.is_file():
            raise InputError(Problem(f"reference table {name} is missing", folder))
        mapper(path, sources, known)
    return list(sources.by_table.items())

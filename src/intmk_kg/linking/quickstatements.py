"""QuickStatements (version 1, tab-separated) that would create Wikidata items for our conferences.

The batch first creates the conference series (the IntMK has no Wikidata item), then one item per
conference that has none, with labels, descriptions and aliases in German and English and the
statements our data supports: series ordinal (P1545), location (P276), start and end time (P580,
P582) or, with no date, the year as point in time (P585). The series gets short name (P1813), official name
(P1448) and official website (P856). Every statement carries a reference to each source document
that states it: reference URL (S854) and retrieved date (S813). The date is the source document's own
date where the registry gives one, else the date the editor passes as retrieved, else none: never
the day the batch is written, which says nothing about the source.

A statement whose value is an item is written only with a QID from our verified owl:sameAs links.
Where no QID exists yet, because the target is created by this very batch (series, neighbouring
conferences) or is not linked (persons, most cities), or because no class item is verified
(instance of, P31), the statement is written as a `#` line with a TODO: QuickStatements skips
lines that are no command, and the editor sees what remains to be added by hand.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from .. import namespaces as ns
from .index import Select

WIKIDATA_SOURCE = "https://www.wikidata.org/"  # Wikidata is no reference for Wikidata
SERIES = ns.entity("organisation", "intmk")

Term = ox.NamedNode | ox.Literal
PREFIXES = ns.sparql_prologue(["rdf", "rdfs", "owl", "skos", "prov", "intmk"])

FACTS = PREFIXES + """
SELECT DISTINCT ?s ?p ?o ?url ?issued WHERE {
  { SELECT DISTINCT ?s WHERE { GRAPH ?t { ?s rdf:type intmk:Conference } } }
  UNION { BIND(<%s> AS ?s) }
  GRAPH ?g { ?s ?p ?o }
  OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } GRAPH ?d { ?doc intmk:url ?url }
             OPTIONAL { GRAPH ?e { ?doc intmk:issued ?issued } } }
}""" % SERIES

CHAIRS = PREFIXES + """
SELECT DISTINCT ?s ?o ?url ?issued WHERE {
  GRAPH ?t { ?s intmk:chairmanship ?c }
  GRAPH ?g { ?c intmk:chairPerson ?o }
  OPTIONAL { GRAPH ?g { ?g prov:wasDerivedFrom ?doc } GRAPH ?d { ?doc intmk:url ?url }
             OPTIONAL { GRAPH ?e { ?doc intmk:issued ?issued } } }
}"""

LINKS = PREFIXES + f"""
SELECT DISTINCT ?s ?q WHERE {{ GRAPH ?g {{ ?s owl:sameAs ?w }} FILTER STRSTARTS(STR(?w), "{ns.WD}")
  BIND(STRAFTER(STR(?w), "{ns.WD}") AS ?q) }}"""

LABELS = PREFIXES + """
SELECT DISTINCT ?s ?l WHERE { GRAPH ?g { ?s rdfs:label ?l } FILTER (LANG(?l) = "de") }"""


@dataclass
class Facts:
    """Values per (subject, predicate), each with the URLs of the source documents stating it."""

    values: dict[tuple[str, str], dict[Term, set[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    dates: dict[str, ox.Literal] = field(default_factory=dict)  # URL -> the document's own date (intmk:issued)

    def add(self, s: str, p: str, o: Term, url: ox.NamedNode | None, issued: ox.Literal | None = None) -> None:
        urls = self.values[(s, p)][o]
        if url is not None and not url.value.startswith(WIKIDATA_SOURCE):
            urls.add(url.value)
            if issued is not None:
                self.dates[url.value] = issued

    def get(self, s: str, p: str) -> dict[Term, set[str]]:
        return self.values.get((s, _q(p)), {})

    def literals(self, s: str, p: str, lang: str | None = None) -> list[tuple[ox.Literal, set[str]]]:
        found = [(o, urls) for o, urls in self.get(s, p).items()
                 if isinstance(o, ox.Literal) and (lang is None or o.language == lang)]
        return sorted(found, key=lambda x: x[0].value)

    def objects(self, s: str, p: str) -> list[tuple[str, set[str]]]:
        return sorted((o.value, urls) for o, urls in self.get(s, p).items() if isinstance(o, ox.NamedNode))

    def label(self, s: str, lang: str) -> str | None:
        found = self.literals(s, "rdfs:label", lang)
        return found[0][0].value if found else None

    def ordinal(self, s: str) -> tuple[int, set[str]] | None:
        found = self.literals(s, "intmk:ordinal")
        return (int(found[0][0].value), found[0][1]) if found else None


def _q(p: str) -> str:
    """Expand 'prefix:local'; other keys (our own, like 'chairPerson') stay as they are."""
    if ":" not in p or "://" in p:
        return p
    prefix, local = p.split(":", 1)
    return ns.PREFIXES[prefix] + local


def _text(value: str) -> str:
    """A QuickStatements string: no tabs or line breaks inside."""
    return '"' + " ".join(value.split()) + '"'


def _time(date: str, precision: int) -> str:
    return f"+{date}T00:00:00Z/{precision}"


XSD = ns.PREFIXES["xsd"]
PRECISION = {"dateTime": 11, "dateTimeStamp": 11, "date": 11, "gYearMonth": 10, "gYear": 9}  # by xsd datatype
CALENDAR = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def _source_time(issued: ox.Literal) -> str:
    """A document's date as a QuickStatements time of its precision: day (11), month (10) or year (9).

    The precision comes from the datatype (xsd:dateTime and xsd:date give a day, xsd:gYearMonth a
    month, xsd:gYear a year; a literal of another type by how much of YYYY-MM-DD it writes). Of an
    xsd:dateTime only the calendar day as written is kept: QuickStatements times are days at
    midnight UTC with a precision, and a time of day or a timezone would make the value invalid.
    """
    match = CALENDAR.match(issued.value)
    if match is None:
        raise ValueError(f"not a date: {issued.value!r}")
    year, month, day = match.groups()
    datatype = issued.datatype.value.removeprefix(XSD)
    precision = PRECISION.get(datatype) or (11 if day else 10 if month else 9)
    parts = [year, month or "00", day or "00"]
    if precision < 11:
        parts[2] = "00"
    if precision < 10:
        parts[1] = "00"
    return _time("-".join(parts), precision)


class Batch:
    def __init__(self, facts: Facts, qids: dict[str, str], labels: dict[str, str], retrieved: str | None):
        self.facts, self.qids, self.labels = facts, qids, labels
        self.retrieved = _time(retrieved, 11) if retrieved else None
        self.lines: list[str] = []

    def comment(self, text: str) -> None:
        self.lines.append("# " + " ".join(text.split()))

    def term(self, code: str, lang: str, value: str) -> None:
        self.lines.append(f"LAST\t{code}{lang}\t{_text(value)}")

    def statement(self, prop: str, value: str, urls: set[str]) -> None:
        """One line per source document: the same statement, each with its own reference."""
        if not urls:
            self.comment(f"TODO {prop} {value}: no source document with a URL states it, so it has no reference")
        for url in sorted(urls):
            day = _source_time(self.facts.dates[url]) if url in self.facts.dates else self.retrieved
            when = f"\tS813\t{day}" if day else ""
            self.lines.append(f"LAST\t{prop}\t{value}\tS854\t{_text(url)}{when}")

    def item_statement(self, prop: str, label: str, target: str, urls: set[str], why: str = "") -> None:
        qid = self.qids.get(target)
        if qid and urls:
            self.statement(prop, qid, urls)
        else:
            name = self.labels.get(target, target)
            self.comment(f"TODO {prop} ({label}): {name} <{target}> {why or 'has no verified Wikidata item'}")


def load(select: Select) -> tuple[Facts, dict[str, str], dict[str, str]]:
    facts = Facts()
    for row in select(FACTS):
        facts.add(row["s"].value, row["p"].value, row["o"], row.get("url"), row.get("issued"))
    for row in select(CHAIRS):
        facts.add(row["s"].value, "chairPerson", row["o"], row.get("url"), row.get("issued"))
    qids: dict[str, str] = {}
    for row in select(LINKS):
        qids.setdefault(row["s"].value, row["q"].value)
    labels = {row["s"].value: row["l"].value for row in select(LABELS)}
    return facts, qids, labels


def quickstatements(select: Select, retrieved: str | None = None) -> str:
    """The batch as text; `retrieved` (YYYY-MM-DD) is S813 for sources without a date of their own."""
    facts, qids, labels = load(select)
    b = Batch(facts, qids, labels, retrieved)
    b.comment("QuickStatements (version 1) for the IntMK knowledge graph, https://w3id.org/intmk/ (CC0).")
    b.comment("Creates an item for the IntMK series (unless it has one) and for each IntMK conference without one.")
    b.comment("Lines starting with # are not commands: they list what could not be stated yet (TODO).")
    b.comment("References: S854 = the source document stating the fact, S813 = the document's own date"
              + (f" (else {retrieved}, retrieved)." if retrieved else " (none where it has none)."))
    if SERIES in qids:
        series_note = ""
    else:
        _series(b, facts)
        series_note = "is created at the top of this batch; add this statement once it has a QID"
    ordinals = {}
    for (s, p) in list(facts.values):
        if p == _q("intmk:ordinal") and s.startswith(ns.ID + "conference/") and facts.ordinal(s):
            ordinals[facts.ordinal(s)[0]] = s
    for n in sorted(ordinals):
        if ordinals[n] not in qids:
            _conference(b, facts, ordinals[n], ordinals, series_note)
    return "\n".join(b.lines) + "\n"


def _series(b: Batch, facts: Facts) -> None:
    s = SERIES
    b.lines.append("")
    b.comment(f"The conference series <{s}>")
    b.lines.append("CREATE")
    for lang in ("de", "en"):
        if facts.label(s, lang):
            b.term("L", lang, facts.label(s, lang))
    b.term("D", "de", "Konferenzreihe der für Integration zuständigen Ministerinnen und Minister der Länder")
    b.term("D", "en", "conference series of the German Länder ministers responsible for integration")
    for short, _ in facts.literals(s, "intmk:shortName"):
        b.term("A", "de", short.value)
        b.term("A", "en", short.value)
    for alt, _ in facts.literals(s, "skos:altLabel", "de"):
        if alt.value != facts.label(s, "de"):
            b.term("A", "de", alt.value)
    b.comment("TODO P31 (instance of): no class item is verified in data/reference; the editor adds it")
    for short, urls in facts.literals(s, "intmk:shortName"):
        b.statement("P1813", f"de:{_text(short.value)}", urls)
    for name, urls in facts.literals(s, "intmk:officialName"):
        b.statement("P1448", f"{name.language or 'de'}:{_text(name.value)}", urls)
    for site, urls in facts.objects(s, "intmk:website"):
        b.statement("P856", _text(site), urls)


def _conference(b: Batch, facts: Facts, conf: str, ordinals: dict[int, str], series_note: str) -> None:
    n, numbered_by = facts.ordinal(conf)
    years = [lit.value for lit, _ in facts.literals(conf, "intmk:year")]
    places = [b.labels.get(p, p) for p, _ in facts.objects(conf, "intmk:location")]
    context = ", ".join(years[:1] + places[:1])
    b.lines.append("")
    b.comment(f"{facts.label(conf, 'de') or conf} <{conf}>")
    b.lines.append("CREATE")
    for lang in ("de", "en"):
        if facts.label(conf, lang):
            b.term("L", lang, facts.label(conf, lang))
    tail = f", {context}" if context else ""
    b.term("D", "de", "Konferenz der für Integration zuständigen Ministerinnen und Minister der Länder" + tail)
    b.term("D", "en", "conference of the German Länder ministers responsible for integration" + tail)
    for lang in ("de", "en"):
        for alt, _ in facts.literals(conf, "skos:altLabel", lang):
            b.term("A", lang, alt.value)
    b.comment("TODO P31 (instance of): no class item is verified in data/reference; the editor adds it")
    b.statement("P1545", _text(str(n)), numbered_by)
    for series, urls in facts.objects(conf, "intmk:partOfSeries"):
        b.item_statement("P179", "part of the series", series, urls, series_note if series == SERIES else "")
    for prop in ("intmk:location", "intmk:venue"):
        for place, urls in facts.objects(conf, prop):
            b.item_statement("P276", "location", place, urls)
    starts = facts.literals(conf, "intmk:startDate")
    for lit, urls in starts:
        b.statement("P580", _time(lit.value, 11), urls)
    ends = facts.literals(conf, "intmk:endDate")
    for lit, urls in ends:
        b.statement("P582", _time(lit.value, 11), urls)
    if not starts and not ends:
        for lit, urls in facts.literals(conf, "intmk:year"):
            b.statement("P585", _time(f"{lit.value}-00-00", 9), urls)
    for person, urls in facts.objects(conf, "chairPerson"):
        b.item_statement("P488", "chairperson", person, urls)
    for prop, label, other in (("P155", "follows", n - 1), ("P156", "followed by", n + 1)):
        if other in ordinals:
            target = ordinals[other]
            why = "" if target in b.qids else "gets its item in this batch; add this statement once it has a QID"
            b.item_statement(prop, label, target, numbered_by, why)

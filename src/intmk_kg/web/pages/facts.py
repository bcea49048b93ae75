"""The property table of an entity page: rows in an order written down as data, values as a reader
writes them, incoming links named from the page's side, each value with its source footnotes.

The order: type and label first, then the properties that define the entity's kind (PROPERTY_ORDER,
by class), then the project's other properties, then those of other vocabularies, each group by label. A
statement of another vocabulary that only the inferred graph makes (`schema:startDate` beside
`intmk:startDate`) is marked `aligned`: the page shows those apart, folded away. A literal is formatted for
the page's language (a date as "23. April 2025", a duration as "2 Tage", a number with the
language's separators) and keeps its datatype in a title. An incoming link is named by the
property's `intmk:inverseLabel` (or its inverse's label), so that a person's page says "chaired"
rather than "chair person".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from ... import namespaces as ns
from ...readable import format_date, format_duration, format_number, message
from ..http import paths
from .entity import Fact
from .labels import Labels, TermView, view

RDF = ns.PREFIXES["rdf"]
RDFS = ns.PREFIXES["rdfs"]
SKOS = ns.PREFIXES["skos"]
XSD = ns.PREFIXES["xsd"]
ONT = ns.ONT
RDF_TYPE = RDF + "type"

# First on every page, in this order.
FIRST = [RDF_TYPE, RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel"]

# What defines an entity of each kind, in the order a reader asks for it. A class's list applies
# to its subclasses through the types the inferred graph adds (a lead motion is a ConferenceItem).
PROPERTY_ORDER: dict[str, list[str]] = {
    ONT + "Conference": ["ordinal", "startDate", "endDate", "year", "duration", "endDayOfWeek", "location", "venue",
                         "heldInState", "placeDescription", "eventStatus", "chairmanship", "motto", "partOfSeries",
                         "considered", "adopted", "participant", "attendanceSummary", "summary", "topic",
                         "resolutionsPublishedAt"],
    ONT + "ConferenceItem": ["title", "consideredAt", "adoptedAt", "agendaItem", "votingOutcome", "proposedBy",
                             "approvedBy", "opposedBy", "abstainedBy", "protocolNoteBy", "approvalCount",
                             "oppositionCount", "abstentionCount", "summary", "topic", "keyword", "cites", "honours"],
    ONT + "Person": ["name", "honorificPrefix", "memberOfParty", "holds", "chaired", "made", "raised"],
    ONT + "State": ["officialName", "shortName", "isoCode", "destatisKey", "hostedConference"],
    ONT + "SourceDocument": ["title", "publisher", "publisherName", "issued", "documentKind", "url",
                             "pressReleaseNumber", "occasion", "sourceText", "contactPoint"],
    ONT + "Office": ["holder", "postTitle", "roleTitle", "state", "ministry", "startDate", "endDate", "asPost"],
    ONT + "Chairmanship": ["chairOf", "chairState", "chairPerson", "startDate", "endDate", "chairPersonEndDate"],
    ONT + "Statement": ["text", "speaker", "speakerOffice", "statedIn", "position", "occasion", "makesClaim",
                        "topic", "mentions"],
    ONT + "Demand": ["raisedBy", "addressedTo", "expressedIn", "summary", "topic"],
    ONT + "Attendance": ["attendedConference", "attendee", "representedState", "attendanceRole", "roleDescription"],
    ONT + "Place": ["name", "inState", "country", "address"],
    ONT + "Topic": [SKOS + "definition", SKOS + "broader", SKOS + "narrower", SKOS + "inScheme"],
}

# xsd datatypes and how a reader writes them
DATES = {XSD + "date", XSD + "gYearMonth", XSD + "dateTime"}
NUMBERS = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float", XSD + "nonNegativeInteger",
           XSD + "positiveInteger", XSD + "int", XSD + "long"}
YEARS = {XSD + "gYear"}
PLAIN = {XSD + "string", RDF + "langString"}

# Shown as "unknown" where no source reports them (a gap would read as "no" or "still in office").
UNKNOWN_WHEN_ABSENT = {ONT + "ConferenceItem": ONT + "votingOutcome", ONT + "Office": ONT + "endDate"}

CONFIDENCE = {ONT + "MediumConfidence": "medium", ONT + "LowConfidence": "low"}

# Names of the few terms of other vocabularies that every page shows, where the store has no label.
NAMED = {
    RDF_TYPE: "entity.term.type", RDFS + "label": "entity.term.label", SKOS + "prefLabel": "entity.term.pref_label",
    SKOS + "altLabel": "entity.term.alt_label", SKOS + "definition": "entity.term.definition",
    SKOS + "broader": "entity.term.broader", SKOS + "narrower": "entity.term.narrower",
    SKOS + "inScheme": "entity.term.in_scheme", SKOS + "editorialNote": "entity.term.editorial_note",
    ns.PREFIXES["owl"] + "sameAs": "entity.term.same_as", ns.PREFIXES["prov"] + "wasDerivedFrom": "entity.term.derived_from",
    ns.ONTOLOGY: "entity.term.ontology",
}
# The same terms read from their object's side, for incoming links.
NAMED_INVERSE = {
    RDF_TYPE: "entity.term.instance", SKOS + "broader": "entity.term.narrower", SKOS + "narrower": "entity.term.broader",
    SKOS + "inScheme": "entity.term.has_concept", ns.PREFIXES["owl"] + "sameAs": "entity.term.same_as",
    ns.PREFIXES["prov"] + "wasDerivedFrom": "entity.term.source_of",
}
INFERRED = ns.BASE + "graph/inferred"  # graph/inferred and graph/inferred-medium


def _full(name: str) -> str:
    return name if "://" in name else ONT + name


def property_rank(types: set[str]) -> dict[str, int]:
    """The position of each property that has one on a page of an entity of these types."""
    ranked: dict[str, int] = {p: i for i, p in enumerate(FIRST)}
    for cls, names in PROPERTY_ORDER.items():
        if cls in types:
            for name in names:
                ranked.setdefault(_full(name), len(ranked))
    return ranked


def sort_key(p: str, ranked: dict[str, int], labels: Labels, lang: str) -> tuple:
    """Ranked properties first, then ours by label, then the vocabularies we align to, by label."""
    if p in ranked:
        return (0, ranked[p], "", p)
    return (1 if p.startswith(ONT) else 2, 0, labels.text(p, lang).casefold(), p)


@dataclass(frozen=True)
class Value:
    term: TermView
    sources: list[int]
    confidence: str | None = None  # "medium" or "low" where no source of higher confidence states it


def literal_text(term: ox.Literal, lang: str) -> str:
    """A literal as a reader writes it; its lexical form when it is not what its datatype says."""
    datatype = term.datatype.value
    try:
        if datatype in DATES:
            return format_date(term.value[:10] if datatype == XSD + "dateTime" else term.value, lang)
        if datatype == XSD + "duration":
            return format_duration(term.value, lang)
        if datatype in NUMBERS:
            return format_number(term.value, lang)
        if datatype == XSD + "boolean":
            return message("entity.yes" if term.value in ("true", "1") else "entity.no", lang)
    except (ValueError, ArithmeticError):
        return term.value
    return term.value


def term_view(term, labels: Labels, lang: str) -> TermView:
    """view(), with our names for the common terms the store has no label for."""
    shown = view(term, labels, lang)
    if isinstance(term, ox.NamedNode) and term.value in NAMED and labels.get(term.value, lang) is None:
        return TermView(shown.kind, message(NAMED[term.value], lang), shown.value, shown.href, shown.external)
    return shown


def value_view(term, labels: Labels, lang: str) -> TermView:
    """A term for the table: IRIs by label, literals formatted, the datatype kept for a title."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        shown = None if datatype in PLAIN else paths.curie(datatype)
        return TermView("literal", literal_text(term, lang), term.value, lang=term.language, datatype=shown)
    return term_view(term, labels, lang)


def fact_confidence(graphs: list[str], confidence: dict[str, str | None]) -> str | None:
    """The best confidence among the graphs stating a fact: None (high, or a document's own graph)
    as soon as one graph is not medium or low."""
    levels = [CONFIDENCE.get(confidence.get(g) or "") for g in graphs]
    if not levels or any(level is None for level in levels):
        return None
    return "medium" if "medium" in levels else "low"


def rows(facts: list[Fact], types: set[str], labels: Labels, lang: str, numbers: dict[str, int],
         confidence: dict[str, str | None], incoming: bool = False) -> list[dict]:
    """One row per property: its name (the inverse name for incoming links) and each value with
    the numbers of its sources; rows in the order of property_rank."""
    by_property: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        by_property[f.predicate.value].append(f)
    ranked = {} if incoming else property_rank(types)

    out = []
    for p in sorted(by_property, key=lambda p: sort_key(p, ranked, labels, lang)):
        values = [Value(value_view(f.other, labels, lang), sorted(numbers[g] for g in f.graphs if g in numbers),
                        fact_confidence(f.graphs, confidence))
                  for f in by_property[p]]
        values.sort(key=lambda v: (v.term.lang not in (None, lang), v.term.text.casefold(), v.term.value))
        name = term_view(ox.NamedNode(p), labels, lang)
        if incoming:
            inverse = labels.inverse(p, lang) or (message(NAMED_INVERSE[p], lang) if p in NAMED_INVERSE else None)
            if inverse:
                name = TermView("iri", inverse, p, name.href, name.external)
        aligned = not p.startswith(ONT) and p not in ranked and p not in NAMED and p not in NAMED_INVERSE and all(
            g.startswith(INFERRED) for f in by_property[p] for g in f.graphs)
        out.append({"property": name, "values": values, "iri": p, "aligned": aligned})
    return out


def unknown_rows(out: list[Fact], labels: Labels, lang: str) -> list[dict]:
    """"unknown" for what a reader expects of such a thing where no source reports it."""
    types = {f.other.value for f in out if f.predicate.value == RDF_TYPE}
    present = {f.predicate.value for f in out}
    unknown = TermView("literal", message("entity.unknown", lang), "", lang=lang)
    return [{"property": view(ox.NamedNode(p), labels, lang), "values": [Value(unknown, [])], "iri": p, "unknown": True,
             "aligned": False}
            for cls, p in UNKNOWN_WHEN_ABSENT.items() if cls in types and p not in present]


def table(out: list[Fact], types: set[str], labels: Labels, lang: str, numbers: dict[str, int],
          confidence: dict[str, str | None]) -> list[dict]:
    """The outgoing rows with the "unknown" rows placed where their property ranks."""
    ranked = property_rank(types)
    merged = rows(out, types, labels, lang, numbers, confidence) + unknown_rows(out, labels, lang)
    return sorted(merged, key=lambda r: sort_key(r["iri"], ranked, labels, lang))


def page_confidence(facts: list[Fact], confidence: dict[str, str | None]) -> str | None:
    """"medium" or "low" when every fact of the page rests on such records only (the page then
    says so once, instead of beside every value); None when any fact is better supported."""
    levels = {fact_confidence(f.graphs, confidence) for f in facts if f.predicate.value != RDF_TYPE}
    if not levels or None in levels:
        return None
    return "medium" if "medium" in levels else "low"

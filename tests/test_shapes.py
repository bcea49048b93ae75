"""The SHACL shapes and the integrity checks, each rule broken once by a small fixture.

Every fixture in tests/fixtures/shapes/ is the smallest data that, next to the valid base.trig,
breaks exactly one rule. It is loaded the way the build loads a project (a project folder with
this checkout's ontology and shapes), and the table below says, by hand, which focus node, result
path and constraint component the report must name. A coverage test checks that the table
breaks every constraint the shapes file declares, so a new rule cannot land without a fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import SH

from intmk_kg.errors import InputError
from intmk_kg.loader import load_project
from intmk_kg.project import Project
from intmk_kg.validation import validate

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/intmk/"
PREFIXES = {
    "intmk": BASE + "ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
}


def expand(name: str | None) -> str | None:
    """'intmk:title' -> full IRI; 'id/conference/20' -> entity IRI."""
    if name is None:
        return None
    prefix, _, local = name.partition(":")
    if local and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return BASE + name


def component(name: str) -> str:
    return f"{SH}{name}ConstraintComponent"


@dataclass(frozen=True)
class Case:
    fixture: str  # under tests/fixtures/shapes/; .trig goes to data/, .ttl joins the ontology
    shape: str  # the node shape whose rule is broken
    results: tuple[tuple[str, str | None, str], ...]  # (focus, result path, component)
    message: str | None = None  # the shape's own sh:message, where it has one
    problems: tuple[str, ...] = field(default=())  # integrity problems expected as well


def one(fixture, shape, focus, path, comp, message=None, problems=()) -> Case:
    return Case(fixture, shape, ((focus, path, comp),), message, tuple(problems))


DE_LABEL = "needs a German rdfs:label (@de)"
EN_LABEL = "needs an English rdfs:label (@en)"
SAMEAS = "owl:sameAs must point to a Wikidata item IRI"
ISO = "a Land needs one ISO 3166-2 code of a German Land (DE-xx)"
SPEAKER = "every quote needs exactly one speaker (a person)"
SOURCE = "every quote needs exactly one source document"
NO_CONFERENCE = "names no conference (intmk:consideredAt or intmk:adoptedAt)"
PROVENANCE = "every named graph must say which source document it was derived from"

ACT = "id/act/20-weltkugel"
CHAIR = "id/chair/20"
CONF = "id/conference/99"
MEETING = "id/meeting/20-vorkonferenz"
NW = "id/state/DE-NW"
PERSON = "id/person/daniela-behrens"
OFFICE = "id/office/andreas-philippi-ni"
MINISTRY = "id/organisation/mi-ni"
RESOLUTION = "id/resolution/20-fixture"
ATTENDANCE = "id/attendance/20-fixture"
DEMAND = "id/demand/20-fixture"
MILESTONE = "id/milestone/mehrstaatigkeit"
LAW = "id/law/starmodg"
QUOTE = "id/statement/20-philippi-1"
PRESS = "id/document/ms-ni-2025-068"
WEB = "id/document/other"

CASES = [
    # labels of every entity and every ontology term
    one("labelled-label-uniquelang.trig", "Labelled", "id/actor/bund", "rdfs:label", "UniqueLang",
        "has two rdfs:labels in the same language"),
    one("labelled-label-datatype.trig", "Labelled", "id/actor/bund", "rdfs:label", "Or", "an rdfs:label must be a string"),
    one("labelled-label-de-missing.trig", "Labelled", "id/actor/bund", "rdfs:label", "QualifiedMinCount", DE_LABEL),
    one("labelled-label-en-missing.trig", "Labelled", "id/actor/bund", "rdfs:label", "QualifiedMinCount", EN_LABEL),
    one("labelled-class-label-en-missing.ttl", "Labelled", "intmk:Fixture", "rdfs:label", "QualifiedMinCount", EN_LABEL),
    one("defined-definition-de-missing.ttl", "Defined", "intmk:Fixture", "skos:definition", "QualifiedMinCount",
        "needs a German skos:definition"),
    one("defined-definition-en-missing.ttl", "Defined", "intmk:fixture", "skos:definition", "QualifiedMinCount",
        "needs an English skos:definition"),
    # how an object property reads from its object (the label of an incoming link)
    one("inverselabelled-uniquelang.ttl", "InverseLabelled", "intmk:fixture", "intmk:inverseLabel", "UniqueLang",
        "has two intmk:inverseLabels in the same language"),
    one("inverselabelled-de-missing.ttl", "InverseLabelled", "intmk:fixture", "intmk:inverseLabel", "QualifiedMinCount",
        "needs a German intmk:inverseLabel"),
    one("inverselabelled-en-missing.ttl", "InverseLabelled", "intmk:fixture", "intmk:inverseLabel", "QualifiedMinCount",
        "needs an English intmk:inverseLabel"),
    # topics
    one("topic-preflabel-uniquelang.ttl", "Topic", "id/topic/fixture", "skos:prefLabel", "UniqueLang",
        "a topic has two skos:prefLabels in the same language"),
    one("topic-preflabel-de-missing.ttl", "Topic", "id/topic/fixture", "skos:prefLabel", "QualifiedMinCount",
        "a topic needs a German skos:prefLabel"),
    one("topic-preflabel-en-missing.ttl", "Topic", "id/topic/fixture", "skos:prefLabel", "QualifiedMinCount",
        "a topic needs an English skos:prefLabel"),
    one("topic-broader-class.trig", "Topic", "id/topic/fixture", "skos:broader", "Class"),
    # links to Wikidata
    one("sameas-pattern.trig", "SameAs", "id/actor/bund", "owl:sameAs", "Pattern", SAMEAS),
    one("sameas-nodekind.trig", "SameAs", "id/actor/bund", "owl:sameAs", "NodeKind", SAMEAS),
    # the series and its conferences
    one("series-shortname-mincount.trig", "ConferenceSeries", "id/organisation/jfmk", "intmk:shortName", "MinCount"),
    one("series-shortname-datatype.trig", "ConferenceSeries", "id/organisation/jfmk", "intmk:shortName", "Datatype"),
    one("series-website-nodekind.trig", "ConferenceSeries", "id/organisation/jfmk", "intmk:website", "NodeKind"),
    one("conference-ordinal-mincount.trig", "Conference", CONF, "intmk:ordinal", "MinCount"),
    one("conference-ordinal-maxcount.trig", "Conference", CONF, "intmk:ordinal", "MaxCount"),
    one("conference-ordinal-datatype.trig", "Conference", CONF, "intmk:ordinal", "Datatype"),
    one("conference-ordinal-mininclusive.trig", "Conference", CONF, "intmk:ordinal", "MinInclusive"),
    Case("conference-ordinal-unique.trig", "Conference",
         ((CONF, None, "SPARQL"), ("id/conference/20", None, "SPARQL")), "conference ordinal 20 is also used by"),
    one("conference-series-mincount.trig", "Conference", CONF, "intmk:partOfSeries", "MinCount"),
    one("conference-series-maxcount.trig", "Conference", CONF, "intmk:partOfSeries", "MaxCount"),
    one("conference-series-class.trig", "Conference", CONF, "intmk:partOfSeries", "Class"),
    one("conference-startdate-maxcount.trig", "Conference", CONF, "intmk:startDate", "MaxCount"),
    one("conference-startdate-datatype.trig", "Conference", CONF, "intmk:startDate", "Datatype"),
    one("conference-startdate-lessthanorequals.trig", "Conference", CONF, "intmk:startDate", "LessThanOrEquals"),
    one("conference-enddate-maxcount.trig", "Conference", CONF, "intmk:endDate", "MaxCount"),
    one("conference-enddate-datatype.trig", "Conference", CONF, "intmk:endDate", "Datatype"),
    one("conference-year-maxcount.trig", "Conference", CONF, "intmk:year", "MaxCount"),
    one("conference-year-datatype.trig", "Conference", CONF, "intmk:year", "Datatype"),
    one("conference-location-class.trig", "Conference", CONF, "intmk:location", "Class"),
    one("conference-venue-class.trig", "Conference", CONF, "intmk:venue", "Class"),
    one("conference-heldinstate-maxcount.trig", "Conference", CONF, "intmk:heldInState", "MaxCount"),
    one("conference-heldinstate-class.trig", "Conference", CONF, "intmk:heldInState", "Class"),
    one("conference-motto-datatype.trig", "Conference", CONF, "intmk:motto", "Datatype"),
    one("conference-chairmanship-maxcount.trig", "Conference", CONF, "intmk:chairmanship", "MaxCount"),
    one("conference-chairmanship-class.trig", "Conference", CONF, "intmk:chairmanship", "Class"),
    one("conference-duration-maxcount.trig", "Conference", CONF, "intmk:duration", "MaxCount"),
    one("conference-duration-datatype.trig", "Conference", CONF, "intmk:duration", "Datatype"),
    one("conference-eventstatus-in.trig", "Conference", CONF, "intmk:eventStatus", "In"),
    one("conference-eventstatus-maxcount.trig", "Conference", CONF, "intmk:eventStatus", "MaxCount"),
    one("conference-placedescription-datatype.trig", "Conference", CONF, "intmk:placeDescription", "Datatype"),
    one("conference-attendancesummary-datatype.trig", "Conference", CONF, "intmk:attendanceSummary", "Datatype"),
    # attendance
    one("attendance-or.trig", "Attendance", ATTENDANCE, None, "Or", "names neither a person nor a role"),
    one("attendance-conference-mincount.trig", "Attendance", ATTENDANCE, "intmk:attendedConference", "MinCount"),
    one("attendance-conference-maxcount.trig", "Attendance", ATTENDANCE, "intmk:attendedConference", "MaxCount"),
    one("attendance-conference-class.trig", "Attendance", ATTENDANCE, "intmk:attendedConference", "Class"),
    one("attendance-role-mincount.trig", "Attendance", ATTENDANCE, "intmk:attendanceRole", "MinCount"),
    one("attendance-role-maxcount.trig", "Attendance", ATTENDANCE, "intmk:attendanceRole", "MaxCount"),
    one("attendance-role-in.trig", "Attendance", ATTENDANCE, "intmk:attendanceRole", "In"),
    one("attendance-attendee-class.trig", "Attendance", ATTENDANCE, "intmk:attendee", "Class"),
    one("attendance-attendee-maxcount.trig", "Attendance", ATTENDANCE, "intmk:attendee", "MaxCount"),
    one("attendance-representedstate-class.trig", "Attendance", ATTENDANCE, "intmk:representedState", "Class"),
    one("attendance-representedstate-maxcount.trig", "Attendance", ATTENDANCE, "intmk:representedState", "MaxCount"),
    one("attendance-roledescription-datatype.trig", "Attendance", ATTENDANCE, "intmk:roleDescription", "Datatype"),
    one("attendance-roledescription-maxcount.trig", "Attendance", ATTENDANCE, "intmk:roleDescription", "MaxCount"),
    # meetings
    one("meeting-conference-mincount.trig", "Meeting", MEETING, "intmk:partOfConference", "MinCount"),
    one("meeting-conference-maxcount.trig", "Meeting", MEETING, "intmk:partOfConference", "MaxCount"),
    one("meeting-conference-class.trig", "Meeting", MEETING, "intmk:partOfConference", "Class"),
    one("meeting-startdate-maxcount.trig", "Meeting", MEETING, "intmk:startDate", "MaxCount"),
    one("meeting-startdate-datatype.trig", "Meeting", MEETING, "intmk:startDate", "Datatype"),
    one("meeting-startdate-lessthanorequals.trig", "Meeting", MEETING, "intmk:startDate", "LessThanOrEquals"),
    one("meeting-enddate-maxcount.trig", "Meeting", MEETING, "intmk:endDate", "MaxCount"),
    one("meeting-enddate-datatype.trig", "Meeting", MEETING, "intmk:endDate", "Datatype"),
    # chairmanships
    one("chair-chairof-mincount.trig", "Chairmanship", CHAIR, "intmk:chairOf", "MinCount"),
    one("chair-chairof-maxcount.trig", "Chairmanship", CHAIR, "intmk:chairOf", "MaxCount"),
    one("chair-chairof-class.trig", "Chairmanship", CHAIR, "intmk:chairOf", "Class"),
    one("chair-chairstate-mincount.trig", "Chairmanship", CHAIR, "intmk:chairState", "MinCount"),
    one("chair-chairstate-maxcount.trig", "Chairmanship", CHAIR, "intmk:chairState", "MaxCount"),
    one("chair-chairstate-class.trig", "Chairmanship", CHAIR, "intmk:chairState", "Class"),
    one("chair-chairperson-maxcount.trig", "Chairmanship", CHAIR, "intmk:chairPerson", "MaxCount"),
    one("chair-chairperson-class.trig", "Chairmanship", CHAIR, "intmk:chairPerson", "Class"),
    one("chair-startdate-maxcount.trig", "Chairmanship", CHAIR, "intmk:startDate", "MaxCount"),
    one("chair-startdate-datatype.trig", "Chairmanship", CHAIR, "intmk:startDate", "Datatype"),
    one("chair-startdate-lessthan.trig", "Chairmanship", CHAIR, "intmk:startDate", "LessThan",
        "a chair period must start before it ends"),
    one("chair-enddate-maxcount.trig", "Chairmanship", CHAIR, "intmk:endDate", "MaxCount"),
    one("chair-enddate-datatype.trig", "Chairmanship", CHAIR, "intmk:endDate", "Datatype"),
    # symbolic acts
    one("act-agent-mincount.trig", "SymbolicAct", ACT, "intmk:agent", "MinCount"),
    one("act-agent-class.trig", "SymbolicAct", ACT, "intmk:agent", "Class"),
    one("act-recipient-class.trig", "SymbolicAct", ACT, "intmk:recipient", "Class"),
    one("act-occasion-mincount.trig", "SymbolicAct", ACT, "intmk:occasion", "MinCount"),
    one("act-occasion-maxcount.trig", "SymbolicAct", ACT, "intmk:occasion", "MaxCount"),
    one("act-occasion-class.trig", "SymbolicAct", ACT, "intmk:occasion", "Class"),
    one("act-statedin-mincount.trig", "SymbolicAct", ACT, "intmk:statedIn", "MinCount"),
    one("act-statedin-class.trig", "SymbolicAct", ACT, "intmk:statedIn", "Class"),
    # Länder, places, persons
    one("state-isocode-mincount.trig", "State", NW, "intmk:isoCode", "MinCount", ISO),
    one("state-isocode-maxcount.trig", "State", NW, "intmk:isoCode", "MaxCount", ISO),
    one("state-isocode-datatype.trig", "State", NW, "intmk:isoCode", "Datatype", ISO),
    one("state-isocode-pattern.trig", "State", NW, "intmk:isoCode", "Pattern", ISO),
    one("state-destatiskey-maxcount.trig", "State", NW, "intmk:destatisKey", "MaxCount"),
    one("state-destatiskey-pattern.trig", "State", NW, "intmk:destatisKey", "Pattern"),
    one("state-sameas-maxcount.trig", "State", NW, "owl:sameAs", "MaxCount"),
    one("place-instate-mincount.trig", "Place", "id/place/lokhalle", "intmk:inState", "MinCount"),
    one("place-instate-maxcount.trig", "Place", "id/place/hannover", "intmk:inState", "MaxCount"),
    one("place-instate-class.trig", "Place", "id/place/hannover", "intmk:inState", "Class"),
    one("person-name-mincount.trig", "Person", PERSON, "intmk:name", "MinCount"),
    one("person-name-maxcount.trig", "Person", PERSON, "intmk:name", "MaxCount"),
    one("person-name-datatype.trig", "Person", PERSON, "intmk:name", "Datatype"),
    one("person-honorific-maxcount.trig", "Person", PERSON, "intmk:honorificPrefix", "MaxCount"),
    one("person-honorific-datatype.trig", "Person", PERSON, "intmk:honorificPrefix", "Datatype"),
    one("person-party-class.trig", "Person", PERSON, "intmk:memberOfParty", "Class"),
    # offices and ministries
    one("office-holder-mincount.trig", "Office", OFFICE, "intmk:holder", "MinCount"),
    one("office-holder-maxcount.trig", "Office", OFFICE, "intmk:holder", "MaxCount"),
    one("office-holder-class.trig", "Office", OFFICE, "intmk:holder", "Class"),
    one("office-state-mincount.trig", "Office", OFFICE, "intmk:state", "MinCount"),
    one("office-state-maxcount.trig", "Office", OFFICE, "intmk:state", "MaxCount"),
    one("office-state-class.trig", "Office", OFFICE, "intmk:state", "Class"),
    one("office-ministry-maxcount.trig", "Office", OFFICE, "intmk:ministry", "MaxCount"),
    one("office-ministry-class.trig", "Office", OFFICE, "intmk:ministry", "Class"),
    one("office-startdate-maxcount.trig", "Office", OFFICE, "intmk:startDate", "MaxCount"),
    one("office-startdate-datatype.trig", "Office", OFFICE, "intmk:startDate", "Datatype"),
    one("office-startdate-lessthanorequals.trig", "Office", OFFICE, "intmk:startDate", "LessThanOrEquals"),
    one("office-enddate-maxcount.trig", "Office", OFFICE, "intmk:endDate", "MaxCount"),
    one("office-enddate-datatype.trig", "Office", OFFICE, "intmk:endDate", "Datatype"),
    one("office-title-or.trig", "Office", OFFICE, None, "Or"),
    one("ministry-state-mincount.trig", "Ministry", MINISTRY, "intmk:state", "MinCount"),
    one("ministry-state-maxcount.trig", "Ministry", MINISTRY, "intmk:state", "MaxCount"),
    one("ministry-state-class.trig", "Ministry", MINISTRY, "intmk:state", "Class"),
    one("ministry-officialname-mincount.trig", "Ministry", MINISTRY, "intmk:officialName", "MinCount"),
    one("ministry-website-maxcount.trig", "Ministry", MINISTRY, "intmk:website", "MaxCount"),
    one("ministry-website-nodekind.trig", "Ministry", MINISTRY, "intmk:website", "NodeKind"),
    one("group-origincountry-class.trig", "PopulationGroup", "id/group/anwerbegeneration", "intmk:originCountry", "Class"),
    # resolutions, demands, milestones, laws
    one("resolution-adoptedat-mincount.trig", "ConferenceItem", RESOLUTION, None, "Or", NO_CONFERENCE),
    one("resolution-adoptedat-maxcount.trig", "ConferenceItem", RESOLUTION, "intmk:adoptedAt", "MaxCount"),
    one("resolution-adoptedat-class.trig", "ConferenceItem", RESOLUTION, "intmk:adoptedAt", "Class"),
    one("resolution-votingoutcome-maxcount.trig", "ConferenceItem", RESOLUTION, "intmk:votingOutcome", "MaxCount"),
    one("resolution-votingoutcome-in.trig", "ConferenceItem", RESOLUTION, "intmk:votingOutcome", "In"),
    one("resolution-title-maxcount.trig", "ConferenceItem", RESOLUTION, "intmk:title", "MaxCount"),
    one("resolution-title-datatype.trig", "ConferenceItem", RESOLUTION, "intmk:title", "Datatype"),
    one("item-consideredat-maxcount.trig", "ConferenceItem", RESOLUTION, "intmk:consideredAt", "MaxCount"),
    one("item-consideredat-class.trig", "ConferenceItem", RESOLUTION, "intmk:consideredAt", "Class"),
    one("item-agendaitem-maxcount.trig", "ConferenceItem", RESOLUTION, "intmk:agendaItem", "MaxCount"),
    one("item-agendaitem-datatype.trig", "ConferenceItem", RESOLUTION, "intmk:agendaItem", "Datatype"),
    one("item-keyword-datatype.trig", "ConferenceItem", RESOLUTION, "intmk:keyword", "Datatype"),
    one("item-proposedby-class.trig", "ConferenceItem", RESOLUTION, "intmk:proposedBy", "Class"),
    one("item-protocolnoteby-class.trig", "ConferenceItem", RESOLUTION, "intmk:protocolNoteBy", "Class"),
    one("item-approvedby-class.trig", "ConferenceItem", RESOLUTION, "intmk:approvedBy", "Class"),
    one("item-opposedby-class.trig", "ConferenceItem", RESOLUTION, "intmk:opposedBy", "Class"),
    one("item-opposedby-disjoint.trig", "ConferenceItem", RESOLUTION, "intmk:opposedBy", "Disjoint"),
    one("item-abstainedby-class.trig", "ConferenceItem", RESOLUTION, "intmk:abstainedBy", "Class"),
    one("item-abstainedby-disjoint.trig", "ConferenceItem", RESOLUTION, "intmk:abstainedBy", "Disjoint"),
    *[one(f"item-{p.lower()}-{c.lower()}.trig", "ConferenceItem", RESOLUTION, f"intmk:{p}", c)
      for p in ("approvalCount", "oppositionCount", "abstentionCount")
      for c in ("MaxCount", "Datatype", "MinInclusive", "MaxInclusive")],
    one("item-opposed-and-abstained-sparql.trig", "ConferenceItem", RESOLUTION, None, "SPARQL",
        "both votes against and abstains"),
    one("item-adopted-elsewhere-sparql.trig", "ConferenceItem", RESOLUTION, None, "SPARQL",
        "adopted at https://w3id.org/intmk/id/conference/20 but considered at"),
    one("resolution-topic-class.trig", "Resolution", RESOLUTION, "intmk:topic", "Class"),
    one("resolution-cites-class.trig", "Resolution", RESOLUTION, "intmk:cites", "Class"),
    one("resolution-honours-class.trig", "Resolution", RESOLUTION, "intmk:honours", "Class"),
    one("resolution-statedin-class.trig", "Resolution", RESOLUTION, "intmk:statedIn", "Class"),
    one("demand-raisedby-mincount.trig", "Demand", DEMAND, "intmk:raisedBy", "MinCount"),
    one("demand-raisedby-or.trig", "Demand", DEMAND, "intmk:raisedBy", "Or"),
    one("demand-summary-mincount.trig", "Demand", DEMAND, "intmk:summary", "MinCount"),
    one("demand-summary-datatype.trig", "Demand", DEMAND, "intmk:summary", "Datatype"),
    one("demand-addressedto-class.trig", "Demand", DEMAND, "intmk:addressedTo", "Class"),
    one("demand-expressedin-or.trig", "Demand", DEMAND, "intmk:expressedIn", "Or"),
    one("demand-statedin-mincount.trig", "Demand", DEMAND, "intmk:statedIn", "MinCount"),
    one("demand-statedin-class.trig", "Demand", DEMAND, "intmk:statedIn", "Class"),
    one("milestone-summary-mincount.trig", "Milestone", MILESTONE, "intmk:summary", "MinCount"),
    one("milestone-summary-datatype.trig", "Milestone", MILESTONE, "intmk:summary", "Datatype"),
    one("milestone-establishedby-class.trig", "Milestone", MILESTONE, "intmk:establishedBy", "Class"),
    one("milestone-topic-class.trig", "Milestone", MILESTONE, "intmk:topic", "Class"),
    one("law-title-mincount.trig", "Law", LAW, "intmk:title", "MinCount"),
    one("law-title-maxcount.trig", "Law", LAW, "intmk:title", "MaxCount"),
    one("law-title-languagein.trig", "Law", LAW, "intmk:title", "LanguageIn"),
    one("law-promulgationdate-maxcount.trig", "Law", LAW, "intmk:promulgationDate", "MaxCount"),
    one("law-promulgationdate-datatype.trig", "Law", LAW, "intmk:promulgationDate", "Datatype"),
    one("law-promulgationdate-lessthanorequals.trig", "Law", LAW, "intmk:promulgationDate", "LessThanOrEquals"),
    one("law-inforcedate-maxcount.trig", "Law", LAW, "intmk:inForceDate", "MaxCount"),
    one("law-inforcedate-datatype.trig", "Law", LAW, "intmk:inForceDate", "Datatype"),
    # quotes
    one("statement-speaker-mincount.trig", "Statement", QUOTE, "intmk:speaker", "MinCount", SPEAKER),
    one("statement-speaker-maxcount.trig", "Statement", QUOTE, "intmk:speaker", "MaxCount", SPEAKER),
    one("statement-speaker-class.trig", "Statement", QUOTE, "intmk:speaker", "Class", SPEAKER),
    one("statement-statedin-mincount.trig", "Statement", QUOTE, "intmk:statedIn", "MinCount", SOURCE),
    one("statement-statedin-maxcount.trig", "Statement", QUOTE, "intmk:statedIn", "MaxCount", SOURCE),
    one("statement-statedin-class.trig", "Statement", QUOTE, "intmk:statedIn", "Class", SOURCE),
    one("statement-text-mincount.trig", "Statement", QUOTE, "intmk:text", "MinCount"),
    one("statement-text-maxcount.trig", "Statement", QUOTE, "intmk:text", "MaxCount"),
    one("statement-text-datatype.trig", "Statement", QUOTE, "intmk:text", "Datatype"),
    one("statement-speakeroffice-maxcount.trig", "Statement", QUOTE, "intmk:speakerOffice", "MaxCount"),
    one("statement-speakeroffice-class.trig", "Statement", QUOTE, "intmk:speakerOffice", "Class"),
    one("statement-position-maxcount.trig", "Statement", QUOTE, "intmk:position", "MaxCount"),
    one("statement-position-datatype.trig", "Statement", QUOTE, "intmk:position", "Datatype"),
    # sources and provenance
    one("pressrelease-number-mincount.trig", "PressRelease", PRESS, "intmk:pressReleaseNumber", "MinCount"),
    one("pressrelease-number-maxcount.trig", "PressRelease", PRESS, "intmk:pressReleaseNumber", "MaxCount"),
    one("pressrelease-number-pattern.trig", "PressRelease", PRESS, "intmk:pressReleaseNumber", "Pattern"),
    one("pressrelease-publisher-mincount.trig", "PressRelease", PRESS, "intmk:publisher", "MinCount"),
    one("pressrelease-publisher-class.trig", "PressRelease", PRESS, "intmk:publisher", "Class"),
    one("pressrelease-issued-maxcount.trig", "PressRelease", PRESS, "intmk:issued", "MaxCount"),
    one("pressrelease-issued-datatype.trig", "PressRelease", PRESS, "intmk:issued", "Datatype"),
    one("websource-url-mincount.trig", "WebSource", WEB, "intmk:url", "MinCount"),
    one("websource-url-maxcount.trig", "WebSource", WEB, "intmk:url", "MaxCount"),
    one("websource-url-nodekind.trig", "WebSource", WEB, "intmk:url", "NodeKind"),
    one("websource-url-pattern.trig", "WebSource", WEB, "intmk:url", "Pattern"),
    one("contact-email-pattern.trig", "ContactPoint", "id/contact/ms-ni-pressestelle", "intmk:email", "Pattern"),
    one("namedgraph-derivedfrom-mincount.trig", "NamedGraph", "graph/fixture", "prov:wasDerivedFrom", "MinCount",
        PROVENANCE, ["named graph https://w3id.org/intmk/graph/fixture does not state prov:wasDerivedFrom about itself"]),
    one("namedgraph-derivedfrom-or.trig", "NamedGraph", "graph/fixture", "prov:wasDerivedFrom", "Or", PROVENANCE),
]


def run(project_home: Path):
    project = Project.at(project_home)
    return validate(load_project(project), project.shapes_files())


def fixture_project(make_project, fixture: str) -> Path:
    if fixture.endswith(".ttl"):
        return make_project(data=["shapes/base.trig"], ontology=[f"shapes/{fixture}"])
    return make_project(data=["shapes/base.trig", f"shapes/{fixture}"])


def test_base_fixture_conforms(make_project):
    result = run(make_project(data=["shapes/base.trig"]))
    assert result.violations == [] and result.problems == [], result.text()


def test_shipped_data_conforms(project):
    result = run(project.home)
    assert result.violations == [], result.text()
    assert result.problems == [], result.text()


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.fixture.rsplit(".", 1)[0])
def test_fixture_breaks_exactly_its_rule(make_project, case: Case):
    result = run(fixture_project(make_project, case.fixture))
    found = {(v.focus, v.path, v.component) for v in result.violations}
    expected = {(expand(focus), expand(path), component(comp)) for focus, path, comp in case.results}
    assert found == expected, result.text()
    assert len(result.violations) == len(case.results), result.text()
    if case.message:
        assert all(case.message in v.message for v in result.violations), result.text()
    assert [p.message for p in result.problems] == list(case.problems), result.text()


def test_violation_names_the_file_that_describes_the_focus(make_project):
    home = fixture_project(make_project, "statement-speaker-mincount.trig")
    (violation,) = run(home).violations
    assert violation.files == [str(home / "data" / "statement-speaker-mincount.trig")]


def test_every_fixture_file_is_in_the_table():
    folder = ROOT / "tests" / "fixtures" / "shapes"
    on_disk = {p.name for p in folder.iterdir() if p.is_file() and p.suffix in {".trig", ".ttl"}}
    in_tables = {c.fixture for c in CASES} | {c[0] for c in INTEGRITY_CASES} | {"base.trig"}
    assert on_disk == in_tables


# --- coverage: every constraint of the shapes file is broken by some fixture ----------------------

PARAMETER_COMPONENTS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH["class"]: "Class",
    SH.pattern: "Pattern", SH.nodeKind: "NodeKind", SH["in"]: "In", SH.uniqueLang: "UniqueLang",
    SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals", SH.minInclusive: "MinInclusive",
    SH.languageIn: "LanguageIn", SH.qualifiedMinCount: "QualifiedMinCount", SH["or"]: "Or",
    SH.maxInclusive: "MaxInclusive", SH.disjoint: "Disjoint",
}
NOT_CONSTRAINTS = {SH.path, SH.message, SH.qualifiedValueShape, rdflib.RDF.type, rdflib.RDFS.comment}


def declared_constraints() -> set[tuple[str, str | None, str]]:
    """(node shape, path, component) for each constraint the shapes file declares."""
    g = rdflib.Graph().parse(ROOT / "shapes" / "intmk-shapes.ttl")
    keys = set()
    for shape in g.subjects(rdflib.RDF.type, SH.NodeShape):
        name = str(shape).rsplit("#", 1)[-1]
        for prop in g.objects(shape, SH.property):
            path = str(g.value(prop, SH.path))
            for p in set(g.predicates(prop)) - NOT_CONSTRAINTS:
                keys.add((name, path, PARAMETER_COMPONENTS.get(p, str(p))))
        if (shape, SH["or"], None) in g:
            keys.add((name, None, "Or"))
        if (shape, SH.sparql, None) in g:
            keys.add((name, None, "SPARQL"))
    return keys


def test_every_declared_constraint_has_a_fixture():
    covered = {(c.shape, expand(path), comp) for c in CASES for _, path, comp in c.results}
    assert declared_constraints() == covered


# --- integrity checks: what SHACL over the union graph cannot see ---------------------------------

INTEGRITY_CASES = [
    ("integrity-undeclared-property.trig",
     "https://w3id.org/intmk/ontology#honorifcPrefix is not declared in the ontology; "
     "used by https://w3id.org/intmk/id/person/daniela-behrens"),
    ("integrity-undeclared-class.trig",
     "https://w3id.org/intmk/ontology#Akteur is not declared in the ontology; used by https://w3id.org/intmk/id/actor/bund"),
    ("integrity-dangling.trig",
     "dangling reference: https://w3id.org/intmk/id/conference/20 https://w3id.org/intmk/ontology#participant "
     "https://w3id.org/intmk/id/person/nobody, but nothing describes https://w3id.org/intmk/id/person/nobody"),
    ("integrity-provenance-elsewhere.trig",
     "named graph https://w3id.org/intmk/graph/fixture-b does not state prov:wasDerivedFrom about itself"),
]


@pytest.mark.parametrize("fixture, expected", INTEGRITY_CASES, ids=[c[0].rsplit(".", 1)[0] for c in INTEGRITY_CASES])
def test_integrity_problem(make_project, fixture, expected):
    result = run(fixture_project(make_project, fixture))
    assert result.violations == [], result.text()
    (problem,) = result.problems
    assert problem.message.startswith(expected)
    assert not result.conforms


def test_integrity_problem_names_the_file(make_project):
    home = fixture_project(make_project, "integrity-undeclared-property.trig")
    (problem,) = run(home).problems
    assert problem.message.endswith(f"(in {home / 'data' / 'integrity-undeclared-property.trig'})")


# --- loader errors: bad input files stop the load with file and line ------------------------------


def load_error(home: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_project(Project.at(home))
    return caught.value


def test_malformed_trig_names_file_and_line(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/loader/syntax-error.trig"])
    problem = load_error(home).problems[0]
    assert problem.path == home / "data" / "syntax-error.trig"
    assert problem.line == 12


def test_malformed_ontology_turtle_names_file_and_line(make_project):
    home = make_project(data=["shapes/base.trig"], ontology=["shapes/loader/syntax-error.ttl"])
    problem = load_error(home).problems[0]
    assert problem.path == home / "ontology" / "syntax-error.ttl"
    assert problem.line == 6


def test_unknown_prefix_names_the_prefix_file_and_line(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/loader/unknown-prefix.trig"])
    problem = load_error(home).problems[0]
    assert problem.path == home / "data" / "unknown-prefix.trig"
    assert problem.line == 9
    assert "foaf:" in problem.message


def test_triples_outside_a_named_graph_are_refused(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/loader/default-graph.trig"])
    problem = load_error(home).problems[0]
    assert problem.path == home / "data" / "default-graph.trig"
    assert "1 triple(s) outside any named graph" in problem.message
    assert "https://w3id.org/intmk/id/actor/bund" in problem.message


def test_turtle_file_in_data_is_refused(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/loader/turtle-in-data.ttl"])
    problem = load_error(home).problems[0]
    assert problem.path == home / "data" / "turtle-in-data.ttl"
    assert "TriG or N-Quads" in problem.message


def test_minimal_reference_project_conforms(make_project):
    result = run(make_project(project="minimal"))
    assert result.conforms, result.text()


# Each row is appended to a table of tests/fixtures/projects/minimal, whose last row is on line 2.
SOURCE_URL = "https://www.integrationsministerkonferenz.de/MedienPresse.html"
CSV_CASES = [
    ("offices.csv", f"nobody,Integrationsministerin,DE-NI,2023-01-25,,,high,{SOURCE_URL}",
     "unknown person 'nobody' (not in persons.csv)"),
    ("conferences.csv", f"21,2026,atlantis,,,,,,,,,high,{SOURCE_URL}", "unknown place 'atlantis' (not in places.csv)"),
    ("conferences.csv", f"21,2026,,,,DE-XX,,,,,,high,{SOURCE_URL}", "unknown Land 'DE-XX'"),
    ("conferences.csv", f"21,2026,,,,DE-NI,nobody,,,,,high,{SOURCE_URL}", "unknown person 'nobody'"),
    ("conferences.csv", f"20,2025,,,,,,,,,,high,{SOURCE_URL}", "conference 20 appears twice (first on line 2)"),
    ("resolutions.csv", f"21-x,21,,,beschluss,,,,,,,,,high,{SOURCE_URL}", "unknown conference '21' (not in conferences.csv)"),
    ("resolutions.csv", f"20-x,20,,,antrag,,,,,,,,,high,{SOURCE_URL}",
     "unknown kind 'antrag'; known: beschluss, leitantrag, erklaerung, bericht, other"),
    ("resolutions.csv", f"20-x,20,,,beschluss,,angenommen,,,,,,,high,{SOURCE_URL}",
     "unknown result 'angenommen'; known: einstimmig, mehrheitlich, abgelehnt, zurueckgezogen, vertagt, kenntnisnahme "
     "(blank is unknown)"),
    ("resolutions.csv", f"20-x,20,,,beschluss,DE-XX,,,,,,,,high,{SOURCE_URL}",
     "proposers: not a Land (ISO 3166-2 code), 'all' or a bare count: DE-XX"),
    ("resolutions.csv", f"20-x,20,,,beschluss,,mehrheitlich,DE-NI,DE-NI,,,,,high,{SOURCE_URL}",
     "DE-NI is named both in votes_yes and in votes_no"),
    ("resolutions.csv", f"20-x,20,,,beschluss,,mehrheitlich,16,DE-NI,,,,,high,{SOURCE_URL}",
     "the votes add up to 17, more than the 16 Länder"),
    ("resolutions.csv", f"20-x,20,,,beschluss,,mehrheitlich,17,,,,,,high,{SOURCE_URL}",
     "votes_yes: a count of Länder cannot exceed 16: 17"),
    ("resolutions.csv", f"20-x,20,,,beschluss,3,,,,,,,,high,{SOURCE_URL}", "proposers names Länder, not a count: '3'"),
    ("resolutions.csv", f"20-top-1,20,,,beschluss,,,,,,,,,high,{SOURCE_URL}",
     "resolution key '20-top-1' appears twice (first on line 2)"),
    ("resolutions.csv", f"19-x,20,,,beschluss,,,,,,,,,high,{SOURCE_URL}", "key '19-x' does not start with its conference number 20"),
    ("resolutions.csv", "20-x,20,,,beschluss,,,,,,,,,medium,", "row has no sources"),
    ("conference-facts.csv", f"21,year,2026,high,{SOURCE_URL},", "unknown conference '21' (not in conferences.csv)"),
    ("conference-facts.csv", f"20,weather,sunny,high,{SOURCE_URL},",
     "unknown field 'weather'; known: year, start, end, motto, place, chair_person, chair_from, chair_to, participants, "
     "guests"),
    ("conference-facts.csv", f"20,year,2024,medium,{SOURCE_URL},",
     "year '2024' conflicts with '2025' in conferences.csv (line 2) without better confidence; "
     "a single-valued field cannot show both"),
    ("conference-facts.csv", f"20,place,atlantis,high,{SOURCE_URL},",
     "place 'atlantis' is not in places.csv, NEW_PLACES, or a known status"),
    ("attendance.csv", f"20,Someone,,,participant,high,{SOURCE_URL}",
     "a participant is a Land's delegate: the state is missing"),
    ("attendance.csv", f"20,Someone,DE-NI,,speaker,high,{SOURCE_URL}", "kind must be participant or guest, not 'speaker'"),
    ("attendance.csv", f"20,Andreas Philippi,DE-NI,,participant,high,{SOURCE_URL}",
     "attendance '20-andreas-philippi' appears twice (first on line 2)"),
    ("conference-facts.csv", f"20,year,ca. 2025,high,{SOURCE_URL},", "year 'ca. 2025' is not a year such as 2025"),
]


@pytest.mark.parametrize("table, row, message", CSV_CASES,
                         ids=["office-unknown-person", "conference-unknown-place", "conference-unknown-land",
                              "conference-unknown-person", "conference-duplicate-number",
                              "resolution-unknown-conference", "resolution-unknown-kind", "resolution-unknown-result",
                              "resolution-unknown-land", "resolution-land-votes-twice", "resolution-more-than-16-votes",
                              "resolution-count-above-16", "resolution-count-of-movers", "resolution-duplicate-key",
                              "resolution-key-of-another-conference", "resolution-without-sources",
                              "fact-unknown-conference", "fact-unknown-field", "fact-conflict-single-valued",
                              "fact-unknown-place", "attendance-participant-without-land", "attendance-unknown-kind",
                              "attendance-duplicate", "fact-year-not-a-year"])
def test_reference_row_error_names_table_and_line(make_project, table, row, message):
    home = make_project(project="minimal")
    path = home / "data" / "reference" / table
    with path.open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    problem = load_error(home).problems[0]
    assert problem.path == path
    assert problem.line == 3
    assert problem.message == message


# Domain facts that live in the tables (parties, ministries of posts, English law titles, milestones,
# venues): a bad cell stops the build with the table and line, as every other table does.
TABLE_CASES = [
    ("persons.csv", f"someone,Some One,,CDU,,high,{SOURCE_URL}", 3, "unknown party 'CDU'; add a row for it to parties.csv"),
    ("parties.csv", f"SPD,spd,SPD,SPD,,{SOURCE_URL}", 3, "party 'SPD' appears twice"),
    ("parties.csv", f"CDU,CDU,Christlich Demokratische Union,Christian Democratic Union,,{SOURCE_URL}", 3,
     "key 'CDU' is not a lower-case ASCII slug"),
    ("parties.csv", "CDU,cdu,CDU,CDU,,https://example.org/not-registered", 3,
     "source is not in the registry (sources.csv) nor a Wikidata item of this row: 'https://example.org/not-registered'"),
    ("offices.csv", f"andreas-philippi,Integrationsminister,DE-NI,2024-01-01,,ms-xx,high,{SOURCE_URL}", 3,
     "unknown ministry 'ms-xx' (not in organisations.csv)"),
    ("laws.csv", f"x,Gesetz X,,,,,A law.,Act X,Mehr Staaten,high,{SOURCE_URL}", 2,
     "milestone 'Mehr Staaten' is not a key such as chancen-aufenthaltsrecht"),
    ("places.csv", f"somewhere,Irgendwo,Somewhere,hall,,DE-NI,high,{SOURCE_URL}", 4, "unknown place kind 'hall'"),
]


@pytest.mark.parametrize("table, row, line, message", TABLE_CASES,
                         ids=["person-unknown-party", "party-twice", "party-key-not-a-slug", "party-source-unregistered",
                              "office-unknown-ministry", "law-milestone-not-a-key", "place-unknown-kind"])
def test_table_driven_domain_facts_name_table_and_line(make_project, table, row, line, message):
    home = make_project(project="minimal")
    path = home / "data" / "reference" / table
    with path.open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    problem = load_error(home).problems[0]
    assert (problem.path, problem.line, problem.message) == (path, line, message)


# The registry of tests/fixtures/projects/minimal (sources.csv) has 15 documents, the last on line 16.
REGISTRY_CASES = [
    ("conferences.csv", "21,2026,,,,,,,,,,high,https://example.org/not-registered", 3,
     "source is not in the registry (sources.csv) nor a Wikidata item of this row: 'https://example.org/not-registered'"),
    ("states.csv", "DE-NW,Nordrhein-Westfalen,North Rhine-Westphalia,,05,high,Wikidata", 3,
     "source is not in the registry (sources.csv) nor a Wikidata item of this row: 'Wikidata'"),
    ("sources.csv", "github,https://example.org/other,,,,,,", 17, "document key 'github' appears twice"),
    ("sources.csv", "other-doc,https://example.org/other,,,24.04.2025,news,,", 17,
     "date must be YYYY, YYYY-MM or YYYY-MM-DD: '24.04.2025'"),
    ("sources.csv", "other-doc,https://example.org/other,,,,blog,,", 17,
     "unknown kind 'blog'; one of official-record, official-press-release, news, other"),
    ("sources.csv", "other-doc,https://example.org/a b,,,,news,,", 17,
     "url 'https://example.org/a b' is not a valid IRI (Invalid IRI code point ' ')"),
]


@pytest.mark.parametrize("table, row, line, message", REGISTRY_CASES,
                         ids=["unregistered-url", "wikidata-without-qid", "duplicate-key", "bad-date", "bad-kind",
                              "url-not-an-iri"])
def test_registry_error_names_table_and_line(make_project, table, row, line, message):
    home = make_project(project="minimal")
    path = home / "data" / "reference" / table
    with path.open("a", encoding="utf-8") as f:
        f.write(row + "\n")
    problem = load_error(home).problems[0]
    assert (problem.path, problem.line, problem.message) == (path, line, message)


def test_a_weaker_field_only_in_a_medium_row(make_project):
    home = make_project(project="minimal")
    path = home / "data" / "reference" / "notes" / "weak-fields.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("table,record,fields,note\nconferences,20,place,not weaker\n", encoding="utf-8")
    problem = load_error(home).problems[0]
    assert (problem.path, problem.line) == (path, 2)
    assert problem.message == "conferences 20 is high, so no field of it is weaker than the rest"


def test_missing_registry_is_named(make_project):
    home = make_project(project="minimal")
    (home / "data" / "reference" / "sources.csv").unlink()
    problem = load_error(home).problems[0]
    assert "sources.csv" in problem.message and problem.path == home / "data" / "reference"


# --- conference-facts.csv: the merge rule ------------------------------------------------------------


def quads_of(home: Path, subject: str, predicate: str) -> set[tuple[str, str]]:
    """(graph, object) of every statement of a property about an entity, after loading the project."""
    store = load_project(Project.at(home)).store
    s, p = ox.NamedNode(BASE + subject), ox.NamedNode(PREFIXES["intmk"] + predicate)
    return {(q.graph_name.value.rsplit("/", 1)[1], q.object.value) for q in store.quads_for_pattern(s, p, None)
            if isinstance(q.graph_name, ox.NamedNode)}


def test_a_better_fact_supersedes_the_old_value(make_project):
    home = make_project(project="minimal")
    reference = home / "data" / "reference"
    conferences = reference / "conferences.csv"
    conferences.write_text(conferences.read_text(encoding="utf-8").replace(",high,", ",medium,", 1), encoding="utf-8")
    with (reference / "conference-facts.csv").open("a", encoding="utf-8") as f:
        f.write(f"20,start,2025-04-22,high,{SOURCE_URL},A test correction.\n")
    # the old start (2025-04-23, medium) is gone; the new one sits in the fact's own record
    assert quads_of(home, "id/conference/20", "startDate") == {("curation-conference-facts-20-start", "2025-04-22")}


def test_a_conflict_without_better_confidence_stays_visible(make_project):
    home = make_project(project="minimal")
    with (home / "data" / "reference" / "conference-facts.csv").open("a", encoding="utf-8") as f:
        f.write(f"20,motto,Zusammen leben,medium,{SOURCE_URL},A shorter form.\n")
    assert quads_of(home, "id/conference/20", "motto") == {
        ("curation-conferences-20", "Zusammen leben – zusammen arbeiten"),
        ("curation-conference-facts-20-motto", "Zusammen leben"),
    }


def test_one_news_report_alone_is_never_high(make_project):
    home = make_project(project="minimal")
    reference = home / "data" / "reference"
    news = "https://example.org/news-report"
    with (reference / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(f"news-report,{news},A report,A newspaper,2025-04-24,news,20,\n")
    attendance = reference / "attendance.csv"
    with attendance.open("a", encoding="utf-8") as f:
        f.write(f"20,Someone,DE-NI,,participant,high,{news}\n")
    problem = load_error(home).problems[0]
    assert (problem.path, problem.line) == (attendance, 3)
    assert problem.message.startswith("a row backed by one news report only is at most medium")
    # the same row at medium is what the rule allows
    attendance.write_text(attendance.read_text(encoding="utf-8").replace(",high,", ",medium,"), encoding="utf-8")
    load_project(Project.at(home))


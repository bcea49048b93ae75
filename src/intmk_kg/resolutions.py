"""Map resolutions.csv, the record of what each conference dealt with, to curation records.

A row is a resolution, lead motion, declaration, report or other agenda item of one conference.
Only a reported result of `einstimmig` or `mehrheitlich` says the conference adopted it
(`intmk:adoptedAt`); every item, whatever its result, was dealt with there (`intmk:consideredAt`).
A blank result is unknown: no voting outcome is written, and pages show "unknown". A row without a
printed title is labelled by its kind, conference and first keyword, and says the title is not
known; no title is made up. Per-Land votes come from the vote cells, or from a count only under the
rule in votes.py, and then in a medium record of their own that says how they were derived.
"""

from __future__ import annotations

from pathlib import Path

from . import votes
from .quads import integer, lit
from .reference import Curation, Fact, e, ordinal_en
from .tables import Row, read_rows

KINDS = {  # kind cell -> class, German and English name
    "beschluss": ("intmk:Resolution", "Beschluss", "resolution"),
    "leitantrag": ("intmk:LeadMotion", "Leitantrag", "lead motion"),
    "erklaerung": ("intmk:Declaration", "Erklärung", "declaration"),
    "bericht": ("intmk:Report", "Bericht", "report"),
    "other": ("intmk:ConferenceItem", "Beratungsgegenstand", "item"),
}

RESULTS = {
    "einstimmig": "intmk:Unanimous",
    "mehrheitlich": "intmk:NotUnanimous",
    "abgelehnt": "intmk:Rejected",
    "zurueckgezogen": "intmk:Withdrawn",
    "vertagt": "intmk:Postponed",
    "kenntnisnahme": "intmk:Noted",
}
ADOPTED = {"einstimmig", "mehrheitlich"}

VOTES = {  # column -> (property naming the Länder, property for a bare count)
    "votes_yes": ("intmk:approvedBy", "intmk:approvalCount"),
    "votes_no": ("intmk:opposedBy", "intmk:oppositionCount"),
    "votes_abstain": ("intmk:abstainedBy", "intmk:abstentionCount"),
}
VOTE_WORDS = {"votes_yes": "in favour", "votes_no": "against", "votes_abstain": "abstaining"}
Derived = tuple[list[Fact], str]  # facts the project derived, and the note that says how

# Rows that are a resolution the data already names (same conference, kind and title), in the seed
# press release or in the notes of conferences.csv: their facts describe that entity, not a second one.
# Value: its key and the title it is known by there.
KNOWN_AS = {
    "19-citizenship-reform": ("19-leitantrag", "Miteinander wachsen"),
    "20-labour-migration": ("20-leitantrag", "Zusammen leben – zusammen arbeiten"),
    "20-20th-anniversary": ("20-goettinger-erklaerung", "Göttinger Erklärung"),
}

# The curator's keywords that name a concept of the topic scheme (ontology/topics.ttl) exactly.
TOPIC_OF_KEYWORD = {
    "integration policy": "integration-policy",
    "integration courses": "integration-courses",
    "migration counselling": "migration-counselling",
    "migration counselling (MBE)": "migration-counselling",
    "language support": "language-support",
    "naturalisation": "citizenship",
    "citizenship": "citizenship",
    "citizenship law": "citizenship",
    "citizenship reform": "citizenship",
    "dual citizenship": "citizenship",
    "multiple nationality": "citizenship",
    "labour market": "labour-market-integration",
    "labour market access": "labour-market-integration",
    "skilled immigration": "skilled-immigration",
    "immigrant women": "immigrant-women",
    "diversity": "diversity",
    "social cohesion": "diversity",
    "federal funding": "integration-funding",
}


def map_resolutions(path: Path, sources: Curation, known: dict[str, set[str]]) -> None:
    cols = ["key", "conference", "top", "title", "kind", "proposers", "result", "votes_yes", "votes_no",
            "votes_abstain", "protocol_notes_by", "topics", "notes", "confidence", "sources"]
    all_states = sorted(known["state"])
    seen: dict[str, int] = {}
    for row in read_rows(path, cols):
        key = row["key"]
        if key in seen:
            raise row.problem(f"resolution key {key!r} appears twice (first on line {seen[key]})")
        seen[key] = row.line
        if row["confidence"] == "low":
            continue  # low rows are not asserted; their hints stay in the table
        facts, derived = resolution_facts(row, known, all_states)
        sources.emit(row, key, facts, "sources")
        if derived:
            sources.emit_derived(row, key, "derived-votes", *derived, source_column="sources")
        known["resolution"].add(key)


def resolution_facts(row: Row, known: dict[str, set[str]],
                     all_states: list[str]) -> tuple[list[Fact], Derived | None]:
    key, n = row["key"], row["conference"]
    if n not in known["conference"]:
        raise row.problem(f"unknown conference {n!r} (not in conferences.csv)")
    if row["kind"] not in KINDS:
        raise row.problem(f"unknown kind {row['kind']!r}; known: {', '.join(KINDS)}")
    if row["result"] and row["result"] not in RESULTS:
        raise row.problem(f"unknown result {row['result']!r}; known: {', '.join(RESULTS)} (blank is unknown)")
    if not key.startswith(f"{n}-"):
        raise row.problem(f"key {key!r} does not start with its conference number {n}")
    cls, kind_de, kind_en = KINDS[row["kind"]]
    documented, known_title = KNOWN_AS.get(key, (None, None))
    s = e("resolution", documented or key)
    conf = e("conference", n)
    facts: list[Fact] = [(s, "rdf:type", cls), (s, "intmk:consideredAt", conf)]
    keywords = row.many("topics")
    if not documented:
        facts += labels(s, row, kind_de, kind_en, keywords)
    if row["title"] and (not documented or row["title"] == known_title):
        facts.append((s, "intmk:title", lit(row["title"], "de")))
    elif row["title"]:  # a longer form of the title it is known by: another name, not a second title
        facts.append((s, "skos:altLabel", lit(row["title"], "de")))
    if row["result"]:
        facts.append((s, "intmk:votingOutcome", RESULTS[row["result"]]))
        if row["result"] in ADOPTED:
            facts.append((s, "intmk:adoptedAt", conf))
    if row["top"]:
        facts.append((s, "intmk:agendaItem", lit(row["top"])))
    for keyword in keywords:
        facts.append((s, "intmk:keyword", lit(keyword, "en")))
    for topic in dict.fromkeys(TOPIC_OF_KEYWORD[k] for k in keywords if k in TOPIC_OF_KEYWORD):
        facts.append((s, "intmk:topic", e("topic", topic)))
    for column, prop in (("proposers", "intmk:proposedBy"), ("protocol_notes_by", "intmk:protocolNoteBy")):
        tally = tally_of(row, column, all_states)
        if tally.count is not None:
            raise row.problem(f"{column} names Länder, not a count: {row[column]!r}")
        facts += [(s, prop, e("state", st)) for st in tally.states or ()]
    votes_stated, derived = vote_facts(s, row, all_states)
    return facts + votes_stated, derived



def vote_facts(s: str, row: Row, all_states: list[str]) -> tuple[list[Fact], Derived | None]:
    """The votes the cells state; and the Länder of a count where the rule of votes.py leaves no doubt."""
    tallies = {column: tally_of(row, column, all_states) for column in VOTES}
    facts: list[Fact] = []
    for column, tally in tallies.items():
        by, count = VOTES[column]
        facts += [(s, by, e("state", st)) for st in tally.states or ()]
        if tally.count is not None:
            facts.append((s, count, integer(tally.count)))
    try:
        found = votes.derive_states(tallies, all_states)
    except votes.VoteError as err:
        raise row.problem(str(err)) from None
    if not found:
        return facts, None
    column, states = found
    counts = ", ".join(f"{t.size} {VOTE_WORDS[c]}" for c, t in tallies.items() if t.size is not None)
    note = (f"Derived, not stated: the row gives {counts}; these make 16, so the Länder "
            f"{VOTE_WORDS[column]} are all those not named otherwise.")
    return facts, ([(s, VOTES[column][0], e("state", st)) for st in states], note)


def tally_of(row: Row, column: str, all_states: list[str]) -> votes.Tally:
    try:
        return votes.parse_tally(row[column], all_states)
    except votes.VoteError as err:
        raise row.problem(f"{column}: {err}") from None


def labels(s: str, row: Row, kind_de: str, kind_en: str, keywords: list[str]) -> list[Fact]:
    """The printed title where there is one; else kind, conference and first keyword, marked untitled."""
    n = int(row["conference"])
    title = row["title"]
    if title:
        printed_kind = title.startswith(kind_de)  # "Leitantrag: …" already says what it is
        named_de = title if printed_kind else f"{kind_de} „{title}“"
        named_en = title if printed_kind else f"{kind_en.capitalize()} „{title}“"
        return [(s, "rdfs:label", lit(f"{named_de} ({n}. IntMK)", "de")),
                (s, "rdfs:label", lit(f"{named_en} ({ordinal_en(n)} IntMK)", "en"))]
    about = f" – {keywords[0]}" if keywords else ""
    top_de = f", TOP {row['top']}" if row["top"] else ""
    top_en = f", agenda item {row['top']}" if row["top"] else ""
    return [(s, "rdfs:label", lit(f"{kind_de} der {n}. IntMK{top_de}{about} (Titel nicht bekannt)", "de")),
            (s, "rdfs:label", lit(f"{kind_en.capitalize()} of the {ordinal_en(n)} IntMK{top_en}{about} "
                                  f"(title not known)", "en"))]

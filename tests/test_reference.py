"""How the reference tables become graphs: one curation record per row, the registry, confidence per statement."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox

from intmk_kg import namespaces as ns

ID, ONT = ns.ID, ns.ONT


def ask(store, text: str) -> bool:
    return bool(store.query(ns.sparql_prologue() + text))


def graphs_stating(store, s: str, p: str, o: ox.NamedNode | ox.Literal) -> set[str]:
    return {q.graph_name.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), o, None)
            if isinstance(q.graph_name, ox.NamedNode)}


def test_a_row_is_one_curation_record_derived_from_its_sources(store):
    # states.csv: Niedersachsen cites two mapping files and its Wikidata item (Q1197)
    got = graphs_stating(store, ID + "state/DE-NI", ONT + "isoCode", ox.Literal("DE-NI"))
    assert got == {ns.graph("curation-states-DE-NI")}
    record = ns.graph("curation-states-DE-NI")
    derived = {r["d"].value for r in store.query(
        f"PREFIX prov: <http://www.w3.org/ns/prov#> SELECT ?d WHERE {{ GRAPH <{record}> {{ <{record}> prov:wasDerivedFrom ?d }} }}")}
    assert derived == {ID + "document/github", ID + "document/github-2",
                       ID + "document/wikidata-q1197"}
    assert ask(store, f"""ASK {{ GRAPH <{record}> {{ <{record}> a intmk:CurationRecord ;
        prov:wasAttributedTo <{ID}project/intmk-kg> ; intmk:confidence intmk:HighConfidence }} }}""")


def test_documents_are_registered_by_key_with_their_url(store):
    # sources.csv: integrationsministerkonferenz-2018-10-05, "Berlin übernimmt Vorsitz (IntMK news 296)"
    doc = ID + "document/integrationsministerkonferenz-2018-10-05"
    assert ask(store, f"""ASK {{ GRAPH <{ns.graph('registry')}> {{ <{doc}> a intmk:WebSource ;
        intmk:url <https://www.integrationsministerkonferenz.de/MedienPresse-Archiv.html?newsID=296> ;
        intmk:issued "2018-10-05"^^xsd:date ; intmk:documentKind intmk:OfficialPressReleaseKind ;
        rdfs:label "Berlin übernimmt Vorsitz (IntMK news 296)"@en }} }}""")
    # a month is kept at month precision (sources.csv: sat1regional-2024-07, "2024-07")
    assert ask(store, f"""ASK {{ <{ID}document/sat1regional-2024-07> intmk:issued "2024-07"^^xsd:gYearMonth }}""")


def test_confidence_is_per_statement(store):
    # conferences.csv row 9 is medium only for its place (Halle or Magdeburg); its dates and chair are not
    weak, main = ns.graph("curation-conferences-9-place"), ns.graph("curation-conferences-9")
    assert graphs_stating(store, ID + "conference/9", ONT + "location", ox.NamedNode(ID + "place/magdeburg")) == {weak}
    assert ask(store, f"ASK {{ GRAPH <{weak}> {{ <{weak}> intmk:confidence intmk:MediumConfidence ; skos:editorialNote ?n }} }}")
    assert graphs_stating(store, ID + "conference/9", ONT + "startDate", ox.Literal("2014-03-19", datatype=ox.NamedNode(ns.PREFIXES["xsd"] + "date"))) == {main}
    assert ask(store, f"ASK {{ GRAPH <{main}> {{ <{main}> intmk:confidence intmk:HighConfidence }} }}")
    # row 7 names no weaker field, so the whole row is medium
    assert ask(store, f"ASK {{ GRAPH ?g {{ <{ID}chair/7> intmk:chairState ?s . ?g intmk:confidence intmk:MediumConfidence }} }}")
    # no entity carries a confidence of its own any more
    assert not ask(store, f"ASK {{ ?x intmk:confidence ?c FILTER (STRSTARTS(STR(?x), \"{ID}\")) }}")


def test_curator_notes_are_statements_of_the_curation(store):
    # row 5: "Number inferred from the rotation." is a note of the record, in its graph
    assert ask(store, """ASK { GRAPH ?g { ?g skos:editorialNote "Number inferred from the rotation."@en } }""")
    notes = {q.graph_name.value for q in store.quads_for_pattern(None, ox.NamedNode(ns.PREFIXES["skos"] + "editorialNote"), None, None)
             if isinstance(q.graph_name, ox.NamedNode)}
    assert ns.graph("ms-ni-2025-068") not in notes
    # a curation record's, or the project's own note on what it inferred from medium facts
    assert all(ask(store, f"ASK {{ <{g}> a intmk:CurationRecord }}") for g in notes - {ns.graph("inferred-medium")})


def test_blank_cells_are_not_guessed(store):
    # row 2: place and date not found; row 21: dates not found. conference-facts.csv later gives the
    # year (high) and Kiel (medium) of the 2nd, in records of their own, but no date and no chair.
    assert not ask(store, f"ASK {{ <{ID}conference/2> intmk:startDate|intmk:chairmanship ?x }}")
    assert graphs_stating(store, f"{ID}conference/2", f"{ONT}location", ox.NamedNode(f"{ID}place/kiel")) == {
        ns.graph("curation-conference-facts-2-place-kiel")}
    assert not ask(store, f"ASK {{ GRAPH <{ns.graph('curation-conferences-2')}> {{ ?s intmk:year|intmk:location ?x }} }}")
    assert not ask(store, f"ASK {{ <{ID}conference/21> intmk:startDate|intmk:endDate ?x }}")
    # persons have no verified QID
    assert not ask(store, 'ASK { ?p a intmk:Person ; owl:sameAs ?q }')


def test_low_hints_stay_in_notes(store):
    # row 3: "Place possibly Kiel ... (low ...)": Kiel is not asserted, the note keeps the hint; the
    # Hannover of conference-facts.csv (medium, inferred) is the only place, in its own medium record
    assert not ask(store, f"ASK {{ <{ID}conference/3> intmk:location <{ID}place/kiel> }}")
    hannover = ns.graph("curation-conference-facts-3-place-hannover")
    assert graphs_stating(store, f"{ID}conference/3", f"{ONT}location", ox.NamedNode(f"{ID}place/hannover")) == {hannover}
    assert ask(store, f"ASK {{ GRAPH <{hannover}> {{ <{hannover}> intmk:confidence intmk:MediumConfidence }} }}")
    record = ns.graph("curation-conferences-3")
    assert ask(store, f'ASK {{ GRAPH <{record}> {{ <{record}> skos:editorialNote ?n FILTER CONTAINS(?n, "possibly Kiel") }} }}')


def test_the_seed_states_paul_as_minister_only_as_of_its_date(store):
    # offices.csv: Josefine Paul left office on 2026-01-27; the press release graph knows nothing of it
    assert ask(store, f'ASK {{ <{ID}office/josefine-paul-2022-06-29> intmk:endDate "2026-01-27"^^xsd:date }}')
    assert not ask(store, f"ASK {{ GRAPH <{ns.graph('ms-ni-2025-068')}> {{ ?s ?p <{ID}person/verena-schaeffer> }} }}")
    assert not ask(store, f"ASK {{ ?chair intmk:chairPerson <{ID}person/verena-schaeffer> }}")


def test_quotes_are_only_in_the_press_release_graph(store):
    graphs = {q.graph_name.value for q in store.quads_for_pattern(None, ox.NamedNode(ONT + "speaker"), None, None)
              if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {ns.graph("ms-ni-2025-068")}


def test_every_medium_record_has_a_note(store):
    # persons.csv marks Monika Bachmann and Norbert Bischoff medium and has no notes column
    rows = store.query(ns.sparql_prologue() + """SELECT ?g WHERE { GRAPH ?g { ?g intmk:confidence intmk:MediumConfidence }
        FILTER NOT EXISTS { GRAPH ?g { ?g skos:editorialNote ?n } } }""")
    assert not list(rows)
    record = ns.graph("curation-persons-monika-bachmann")
    assert ask(store, f"ASK {{ GRAPH <{record}> {{ <{record}> intmk:confidence intmk:MediumConfidence ; skos:editorialNote ?n }} }}")



def records(store, table: str) -> set[str]:
    prefix = ns.graph(f"curation-{table}-")
    return {g.value[len(prefix):] for g in store.named_graphs() if g.value.startswith(prefix)}


def test_every_conference_fact_is_a_record_or_left_out_with_a_reason(store):
    # conference-facts.csv: 33 rows. Left out: 17 year (low: "likely a numbering slip") and 15
    # chair_person (a sentence, not a name; the 15th's chair already has its person). Two rows of the
    # 7th name a place each, so their keys name the place.
    got = records(store, "conference-facts")
    assert len(got) == 31
    assert {"7-place-ueberherrn", "7-place-linslerhof", "13-chair-from", "4-chair-person"} <= got
    assert not {"17-year", "15-chair-person"} & got
    assert not ask(store, f'ASK {{ <{ID}conference/17> intmk:year "2023"^^xsd:gYear }}')


def test_cancelled_and_online_conferences_have_a_status_not_a_place(store):
    assert ask(store, f"ASK {{ <{ID}conference/15> intmk:eventStatus intmk:CancelledWrittenProcedure }}")
    assert ask(store, f"ASK {{ <{ID}conference/16> intmk:eventStatus intmk:HeldOnline }}")
    assert not ask(store, f"ASK {{ <{ID}conference/15> intmk:location|intmk:venue|intmk:placeDescription ?p }}")
    assert not ask(store, f"ASK {{ <{ID}conference/16> intmk:location|intmk:venue ?p }}")


def test_a_conflicting_motto_stays_as_two_statements_with_their_confidence(store):
    # conferences.csv (high) and conference-facts.csv (medium, "Variant, not a conflict") for the 13th
    motto = f"{ONT}motto"
    assert graphs_stating(store, f"{ID}conference/13", motto,
                          ox.Literal("Integration – Zusammenhalt durch Orientierung", language="de")) == {
        ns.graph("curation-conferences-13")}
    medium = ns.graph("curation-conference-facts-13-motto")
    assert graphs_stating(store, f"{ID}conference/13", motto,
                          ox.Literal("Zusammenhalt durch Orientierung", language="de")) == {medium}
    assert ask(store, f"ASK {{ GRAPH <{medium}> {{ <{medium}> intmk:confidence intmk:MediumConfidence }} }}")


def test_every_attendance_row_is_a_record_except_the_low_ones(store):
    # attendance.csv: 62 rows, three low (Schäuble at the 2nd, Widmann-Mauz and Cordt at the 13th)
    got = records(store, "attendance")
    assert len(got) == 59
    assert not {"2-wolfgang-schaeuble", "13-annette-widmann-mauz", "13-jutta-cordt"} & got
    assert "6-president-of-bamf" in got  # named only by office: no person


def test_attendees_are_reconciled_with_the_persons_by_name_and_land(store):
    # Melanie Leonhard (DE-HH) chaired the 17th and attended the 13th, 14th, 16th and 17th: one person
    leonhard = [r["c"].value for r in store.query(ns.sparql_prologue() + f"""
        SELECT ?c WHERE {{ ?a intmk:attendee <{ID}person/melanie-leonhard> ; intmk:attendedConference ?c }}
        ORDER BY ?c""")]
    assert leonhard == [f"{ID}conference/{n}" for n in ("13", "14", "16", "17")]
    # Maria Böhmer, a guest at the 5th, 7th and 8th, is one new person, known by her name only
    assert len(list(store.query(ns.sparql_prologue() + "SELECT DISTINCT ?p WHERE { ?p intmk:name \"Maria Böhmer\" }"))) == 1
    assert not ask(store, f"ASK {{ <{ID}person/maria-boehmer> owl:sameAs ?q }}")
    assert ask(store, f"ASK {{ <{ID}attendance/5-maria-boehmer> intmk:attendanceRole intmk:GuestRole }}")
    assert ask(store, f"ASK {{ <{ID}attendance/13-susi-moebbeck> intmk:attendanceRole intmk:StateSecretaryRole ; "
                      f"intmk:representedState <{ID}state/DE-ST> }}")


def rows(table: str) -> list[dict[str, str]]:
    with (Path(__file__).resolve().parents[1] / "data" / "reference" / table).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def literals(store, s: str, p: str, graph: str | None = None) -> set[tuple[str, str | None]]:
    g = ox.NamedNode(graph) if graph else None
    return {(q.object.value, q.object.language) for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, g)}


def test_parties_come_from_their_table_with_their_labels_in_each_members_record(store):
    """parties.csv names each party persons.csv writes; the labels sit in the record of each member."""
    parties = {r["name"]: r for r in rows("parties.csv")}
    members = [r for r in rows("persons.csv") if r["party"]]
    assert members and {r["party"] for r in members} <= set(parties)
    for person in members:
        party = parties[person["party"]]
        p, record = ID + "party/" + party["key"], ns.graph(f"curation-persons-{person['key']}")
        assert ox.Quad(ox.NamedNode(ID + "person/" + person["key"]), ox.NamedNode(ONT + "memberOfParty"),
                       ox.NamedNode(p), ox.NamedNode(record)) in store
        assert literals(store, p, ns.PREFIXES["rdfs"] + "label", record) == {(party["name_de"], "de"),
                                                                           (party["name_en"], "en")}
        assert literals(store, p, ns.PREFIXES["skos"] + "altLabel", record) == {(party["name"], "de")}


def test_ministries_law_titles_milestones_and_venues_come_from_their_tables(store):
    offices = [r for r in rows("offices.csv") if r["ministry"]]
    assert len(offices) == 4
    for r in offices:
        office = ox.NamedNode(f"{ID}office/{r['person_key']}-{r['start']}")
        assert ox.Quad(office, ox.NamedNode(ONT + "ministry"), ox.NamedNode(ID + "organisation/" + r["ministry"]),
                       ox.NamedNode(ns.graph(f"curation-offices-{r['person_key']}-{r['start']}"))) in store
    for r in rows("laws.csv"):
        law = ID + "law/" + r["key"]
        assert (r["title_en"] or r["title_de"], "en") in literals(store, law, ns.PREFIXES["rdfs"] + "label")
        established = {q.subject.value for q in store.quads_for_pattern(
            None, ox.NamedNode(ONT + "establishedBy"), ox.NamedNode(law), ox.NamedNode(ns.graph(f"curation-laws-{r['key']}")))}
        assert established == {ID + "milestone/" + m for m in r["milestones"].split(" ; ") if m}
    assert ask(store, f"ASK {{ <{ID}milestone/mehrstaatigkeit> intmk:establishedBy <{ID}law/starmodg> }}")
    venues = {r["key"] for r in rows("places.csv") if r["kind"] == "venue"}
    assert venues == {"graf-zeppelin-haus", "kloster-eberbach", "zeche-zollverein"}
    for place in venues:
        node = ox.NamedNode(ID + "place/" + place)
        assert list(store.quads_for_pattern(None, ox.NamedNode(ONT + "venue"), node, None))
        assert not list(store.quads_for_pattern(None, ox.NamedNode(ONT + "location"), node, None))

"""How the reference tables become graphs: one curation record per row, the registry, confidence per statement."""

from __future__ import annotations

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
    assert all(ask(store, f"ASK {{ <{g}> a intmk:CurationRecord }}") for g in notes)


def test_blank_cells_are_not_guessed(store):
    # row 2: place and date not found; row 21: dates not found
    assert not ask(store, f"ASK {{ <{ID}conference/2> intmk:location|intmk:startDate|intmk:year|intmk:chairmanship ?x }}")
    assert not ask(store, f"ASK {{ <{ID}conference/21> intmk:startDate|intmk:endDate ?x }}")
    # persons have no verified QID
    assert not ask(store, 'ASK { ?p a intmk:Person ; owl:sameAs ?q }')


def test_low_hints_stay_in_notes(store):
    # row 3: "Place possibly Kiel ... (low ...)": no place is asserted, the note keeps the hint
    assert not ask(store, f"ASK {{ <{ID}conference/3> intmk:location ?x }}")
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


"""How the reference tables become graphs: one graph per source, the confidence rule, no guessing."""

from __future__ import annotations

import pyoxigraph as ox

from intmk_kg import namespaces as ns
from intmk_kg.reference import source_key

ID, ONT = ns.ID, ns.ONT


def ask(store, text: str) -> bool:
    return bool(store.query(ns.sparql_prologue() + text))


def graphs_stating(store, s: str, p: str, o: ox.NamedNode | ox.Literal) -> set[str]:
    return {q.graph_name.value for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), o, None)
            if isinstance(q.graph_name, ox.NamedNode)}


def test_a_fact_lives_in_the_graph_of_each_source_that_states_it(store):
    # states.csv: Niedersachsen has three sources (two mapping files and Wikidata)
    got = graphs_stating(store, ID + "state/DE-NI", ONT + "isoCode", ox.Literal("DE-NI"))
    assert got == {
        ns.graph(source_key("https://github.com/Sultanow/dt_society/blob/HEAD/app/flask/flaskr/preprocessing/states.py")),
        ns.graph(source_key("https://github.com/schiersner/government-helper-tables/blob/main/tables/tbl_Bundeslaender.sql")),
        ns.graph("wikidata"),
    }


def test_each_source_graph_says_where_it_comes_from(store):
    url = "https://www.integrationsministerkonferenz.de/MedienPresse-Archiv.html?newsID=292"
    key = source_key(url)
    assert ask(store, f"""ASK {{ GRAPH <{ns.graph(key)}> {{
        <{ns.graph(key)}> prov:wasDerivedFrom <{ID}document/{key}> .
        <{ID}document/{key}> a intmk:WebSource ; intmk:url <{url}> }} }}""")


def test_medium_rows_carry_a_note_and_their_level(store):
    # conferences.csv row 5: "Number inferred from the rotation.", medium
    assert ask(store, f"""ASK {{ <{ID}conference/5> intmk:confidence intmk:MediumConfidence ;
        skos:editorialNote "Number inferred from the rotation."@en }}""")
    assert not ask(store, f"ASK {{ <{ID}conference/20> intmk:confidence ?any }}")


def test_blank_cells_are_not_guessed(store):
    # row 2: place and date not found; row 21: dates not found
    assert not ask(store, f"ASK {{ <{ID}conference/2> intmk:location|intmk:startDate|intmk:year|intmk:chairmanship ?x }}")
    assert not ask(store, f"ASK {{ <{ID}conference/21> intmk:startDate|intmk:endDate ?x }}")
    # persons have no verified QID
    assert not ask(store, f'ASK {{ ?p a intmk:Person ; owl:sameAs ?q }}')


def test_low_hints_stay_in_notes(store):
    # row 3: "Place possibly Kiel ... (low ...)": no place is asserted, the note keeps the hint
    assert not ask(store, f"ASK {{ <{ID}conference/3> intmk:location ?x }}")
    assert ask(store, f'ASK {{ <{ID}conference/3> skos:editorialNote ?n FILTER CONTAINS(?n, "possibly Kiel") }}')


def test_the_seed_states_paul_as_minister_only_as_of_its_date(store):
    # offices.csv: Josefine Paul left office on 2026-01-27; the press release graph knows nothing of it
    assert ask(store, f'ASK {{ <{ID}office/josefine-paul-2022-06-29> intmk:endDate "2026-01-27"^^xsd:date }}')
    assert not ask(store, f"ASK {{ GRAPH <{ns.graph('ms-ni-2025-068')}> {{ ?s ?p <{ID}person/verena-schaeffer> }} }}")
    assert not ask(store, f"ASK {{ ?chair intmk:chairPerson <{ID}person/verena-schaeffer> }}")


def test_quotes_are_only_in_the_press_release_graph(store):
    graphs = {q.graph_name.value for q in store.quads_for_pattern(None, ox.NamedNode(ONT + "speaker"), None, None)
              if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == {ns.graph("ms-ni-2025-068")}

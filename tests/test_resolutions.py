"""resolutions.csv in the graph: one curation record per item, results and votes as the table gives them.

Every expectation is read by hand from data/reference/resolutions.csv (row key in the comment).
"""

from __future__ import annotations

import pyoxigraph as ox

from intmk_kg import namespaces as ns

ID, ONT = ns.ID, ns.ONT
ALL = {"DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
       "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH"}


def ask(store, text: str) -> bool:
    return bool(store.query(ns.sparql_prologue() + text))


def states(store, key: str, prop: str, graph: str | None = None) -> set[str]:
    g = ox.NamedNode(ns.graph(graph)) if graph else None
    return {q.object.value.removeprefix(ID + "state/") for q in store.quads_for_pattern(
        ox.NamedNode(ID + "resolution/" + key), ox.NamedNode(ONT + prop), None, g)
        if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value != ns.graph("inferred")}


def test_each_row_is_a_curation_record_of_its_own(store):
    # 13-top-2-6: medium, one source (ejsa Bayern), result einstimmig
    record = ns.graph("curation-resolutions-13-top-2-6")
    assert ask(store, f"""ASK {{ GRAPH <{record}> {{
        <{record}> a intmk:CurationRecord ; intmk:confidence intmk:MediumConfidence ; skos:editorialNote ?note .
        <{ID}resolution/13-top-2-6> a intmk:Resolution ; intmk:agendaItem "2.6" ;
            intmk:title "Bedarfsgerechter Ausbau der Jugendmigrationsdienste"@de ;
            intmk:votingOutcome intmk:Unanimous ; intmk:adoptedAt <{ID}conference/13> ;
            intmk:consideredAt <{ID}conference/13> ; intmk:approvalCount 16 }} }}""")


def test_kinds_become_classes(store):
    assert ask(store, f"ASK {{ <{ID}resolution/16-top-a3> a intmk:Report ; intmk:agendaItem \"A3\" }}")  # bericht
    assert ask(store, f"ASK {{ <{ID}resolution/7-intercultural-opening> a intmk:ConferenceItem }}")  # other
    assert not ask(store, f"ASK {{ <{ID}resolution/7-intercultural-opening> a intmk:Resolution }}")
    assert ask(store, f"ASK {{ <{ID}resolution/12-top-2-1> a intmk:LeadMotion }}")  # leitantrag
    assert ask(store, f"ASK {{ <{ID}resolution/12-turkey> a intmk:Declaration }}")  # erklaerung


def test_a_blank_result_is_unknown_not_adopted(store):
    # 14-anti-discrimination: Leitantrag, result blank ("formal vote not given")
    r = f"<{ID}resolution/14-anti-discrimination>"
    assert ask(store, f"ASK {{ {r} intmk:consideredAt <{ID}conference/14> }}")
    assert not ask(store, f"ASK {{ {r} intmk:adoptedAt ?c }}")
    assert not ask(store, f"ASK {{ {r} intmk:votingOutcome ?o }}")
    # mehrheitlich is "not unanimous" (12-citizenship-law)
    assert ask(store, f"ASK {{ <{ID}resolution/12-citizenship-law> intmk:votingOutcome intmk:NotUnanimous }}")


def test_no_title_is_made_up(store):
    # 12-family-reunification has no printed title: no intmk:title, a label that says so
    r = f"<{ID}resolution/12-family-reunification>"
    assert not ask(store, f"ASK {{ {r} intmk:title ?t }}")
    assert ask(store, f"""ASK {{ {r} rdfs:label "Resolution of the 12th IntMK – family reunification (title not known)"@en ;
        rdfs:label "Beschluss der 12. IntMK – family reunification (Titel nicht bekannt)"@de }}""")


def test_low_rows_are_left_out(store):
    for key in ("2-national-integration-plan", "2-standing-conference", "3-naturalisation",
                "16-trust-in-authorities", "20-refugee-women"):
        assert not ask(store, f"ASK {{ <{ID}resolution/{key}> ?p ?o }}"), key
        assert not ask(store, f"ASK {{ GRAPH <{ns.graph('curation-resolutions-' + key)}> {{ ?s ?p ?o }} }}"), key


def test_named_votes_are_stated_and_counted_ones_derived_apart(store):
    # 12-immigration-law: 13 in favour, DE-BY against, DE-HE and DE-SL abstaining (medium row)
    key = "12-immigration-law"
    assert states(store, key, "opposedBy", f"curation-resolutions-{key}") == {"DE-BY"}
    assert states(store, key, "abstainedBy", f"curation-resolutions-{key}") == {"DE-HE", "DE-SL"}
    assert states(store, key, "approvedBy", f"curation-resolutions-{key}") == set()
    # the 13 in favour follow from 13 + 1 + 2 = 16: a medium record of their own that says so
    derived = f"curation-resolutions-{key}-derived-votes"
    assert states(store, key, "approvedBy", derived) == ALL - {"DE-BY", "DE-HE", "DE-SL"}
    assert states(store, key, "approvedBy") == ALL - {"DE-BY", "DE-HE", "DE-SL"}
    g = ns.graph(derived)
    assert ask(store, f"""ASK {{ GRAPH <{g}> {{ <{g}> intmk:confidence intmk:MediumConfidence ; skos:editorialNote ?n .
        FILTER (CONTAINS(?n, "Derived, not stated")) }} }}""")
    # 12-vocational-training: 15 in favour, DE-BY against -> the other 15
    assert states(store, "12-vocational-training", "approvedBy") == ALL - {"DE-BY"}
    # 18-diversity: all 16 in favour
    assert states(store, "18-diversity", "approvedBy") == ALL


def test_no_land_is_named_from_a_count_that_leaves_doubt(store):
    # 19-citizenship-reform (the Leitantrag "Miteinander wachsen"): DE-BY against and a protocol note; no count
    assert states(store, "19-leitantrag", "opposedBy") == {"DE-BY"}
    assert states(store, "19-leitantrag", "protocolNoteBy") == {"DE-BY"}
    assert states(store, "19-leitantrag", "approvedBy") == set()
    # no derived record for a row without a count in favour that makes 16
    assert not ask(store, f"ASK {{ GRAPH <{ns.graph('curation-resolutions-19-citizenship-reform-derived-votes')}> {{ ?s ?p ?o }} }}")


def test_a_row_about_a_resolution_the_seed_names_describes_that_resolution(store):
    # 20-20th-anniversary is the Göttinger Erklärung of the press release: one entity, one title
    r = f"<{ID}resolution/20-goettinger-erklaerung>"
    assert states(store, "20-goettinger-erklaerung", "protocolNoteBy") == {"DE-BY", "DE-TH"}
    titles = list(store.query(ns.sparql_prologue() + f"SELECT DISTINCT ?t WHERE {{ {r} intmk:title ?t }}"))
    assert [t["t"].value for t in titles] == ["Göttinger Erklärung"]
    assert ask(store, f"""ASK {{ {r} skos:altLabel
        "Göttinger Erklärung „Erfolgreiche Integrationspolitik erfordert Weitsicht und konsequentes Handeln“"@de }}""")
    assert not ask(store, f"ASK {{ <{ID}resolution/20-20th-anniversary> ?p ?o }}")


def test_movers_and_keywords(store):
    # 12-top-2-1 was moved by every Land but Bayern (15 codes in proposers)
    assert states(store, "12-top-2-1", "proposedBy") == ALL - {"DE-BY"}
    # 20-migration-counselling-mbe: keywords are the curator's, in English; migration counselling is a scheme concept
    assert ask(store, f"""ASK {{ <{ID}resolution/20-migration-counselling-mbe> intmk:keyword "migration counselling (MBE)"@en ;
        intmk:topic <{ID}topic/migration-counselling> }}""")


def test_a_land_backing_a_motion_with_all_names_no_movers(store):
    # 20-language-support: Saarland's release says it backed the motion together with all Länder; it
    # does not say who moved it, nor how anyone voted, so the row names no movers and no votes
    for prop in ("proposedBy", "approvedBy", "opposedBy", "abstainedBy"):
        assert states(store, "20-language-support", prop) == set(), prop
    assert ask(store, f"ASK {{ <{ID}resolution/20-language-support> intmk:consideredAt <{ID}conference/20> }}")
    assert not ask(store, f"ASK {{ <{ID}resolution/20-language-support> intmk:votingOutcome ?o }}")

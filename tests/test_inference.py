"""What a plain query finds on the built release: superclasses, inverse links, unknown as unknown.

The closure is recomputed here from the ontology file with rdflib, independently of the build's
SPARQL rules, so a new subclass or inverse pair is checked without touching this file.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from intmk_kg import namespaces as ns

ROOT = Path(__file__).resolve().parents[1]
ID, ONT = ns.ID, ns.ONT
INFERRED = ox.NamedNode(ns.graph("inferred"))
P = ns.sparql_prologue(["rdf", "rdfs", "intmk", "prov"])


def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "intmk.ttl")


def count(store, where: str) -> int:
    return int(next(iter(store.query(P + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")))["n"].value)


def has(store, quad: ox.Quad) -> bool:
    return quad in store


def asserted(store, p: ox.NamedNode | None = None, o=None):
    for q in store.quads_for_pattern(None, p, o, None):
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name != INFERRED and q.graph_name.value != ns.graph("ontology"):
            yield q


def test_superclasses_find_every_instance(store):
    # the 20th IntMK adopted the Leitantrag, the Göttinger Erklärung and the Anwerbegeneration resolution (press
    # release) and the three rows of resolutions.csv reported "einstimmig"
    assert count(store, f"?x a intmk:Resolution ; intmk:adoptedAt <{ID}conference/20>") == 6
    # resolutions.csv: 133 rows, 5 low ones left out; 3 rows describe resolutions named already (19-leitantrag,
    # 20-leitantrag, 20-goettinger-erklaerung); plus the press release's Anwerbegeneration resolution
    assert count(store, "?x a intmk:ConferenceItem") == 133 - 5 - 3 + 4
    # the press release has 13 statements: 8 quotes (2, 3, 4, 6, 8, 11, 12, 13) and 5 reported speeches (1, 5, 7, 9, 10)
    assert count(store, "?x a intmk:Statement") == 13
    # places.csv has 23 rows (countries, cities, venues) and states.csv 16 Länder, each a place;
    # conference-facts.csv names two more of the 7th: Überherrn and the Linslerhof
    assert count(store, "?x a intmk:Place") == 23 + 16 + 2


def test_every_instance_has_every_superclass_of_its_class(store):
    g = ontology()
    supers = {c: set(g.transitive_objects(c, RDFS.subClassOf)) - {c} for c in set(g.subjects(RDF.type, OWL.Class))}
    missing = []
    for q in asserted(store, ox.NamedNode(ns.PREFIXES["rdf"] + "type")):
        for s in supers.get(rdflib.URIRef(q.object.value), ()):
            if isinstance(s, rdflib.URIRef) and not has(store, ox.Quad(q.subject, q.predicate, ox.NamedNode(str(s)), ox.DefaultGraph())):
                missing.append((q.subject.value, str(s)))
    assert not missing, missing[:5]


def test_every_declared_inverse_is_materialised(store):
    g = ontology()
    pairs = [(p, i) for p, i in g.subject_objects(OWL.inverseOf)]
    assert len(pairs) >= 10  # chairmanship/chairOf plus the nine inverse properties
    missing = []
    for p, inv in pairs + [(i, p) for p, i in pairs]:
        for q in asserted(store, ox.NamedNode(str(p))):
            back = ox.Quad(q.object, ox.NamedNode(str(inv)), q.subject, ox.DefaultGraph())
            if not has(store, back):
                missing.append((q.subject.value, str(p), q.object.value))
    assert not missing, missing[:5]


def test_inferred_graph_is_apart_and_holds_nothing_asserted(store):
    assert has(store, ox.Quad(INFERRED, ox.NamedNode(ns.PREFIXES["rdf"] + "type"), ox.NamedNode(ONT + "InferredGraph"), INFERRED))
    overlap = [q for q in store.quads_for_pattern(None, None, None, INFERRED)
               if any(True for _ in asserted(store, q.predicate, q.object)
                      if _.subject == q.subject)]
    assert not overlap, overlap[:3]


def describe(store, key: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in store.query(f"DESCRIBE <{ID}person/{key}>"):
        if t.subject.value == ID + f"person/{key}" and t.predicate.value.startswith(ONT):
            out.setdefault(t.predicate.value[len(ONT):], set()).add(t.object.value.removeprefix(ID))
    return out


def test_describe_a_person_gives_what_she_said_held_and_chaired(store):
    # Drese speaks in statements 5 to 10 of the press release; offices.csv lists two posts and the text
    # names her as Integrationsministerin; conferences.csv: she chaired the 19th IntMK
    drese = describe(store, "stefanie-drese")
    assert drese["made"] == {f"statement/ms-ni-2025-068-{n:02d}" for n in range(5, 11)}
    assert drese["holds"] == {"office/stefanie-drese-2016-11-01", "office/stefanie-drese-2021-11-15",
                              "office/stefanie-drese-integration-mv"}
    assert drese["chaired"] == {"chair/19"}
    assert len(drese["raised"]) == 4  # job placement, welcome centres, immigrant women, migration policy
    philippi = describe(store, "andreas-philippi")
    assert philippi["made"] == {f"statement/ms-ni-2025-068-{n:02d}" for n in (1, 2, 3, 4, 12, 13)}
    assert philippi["chaired"] == {"chair/20"}
    paul = describe(store, "josefine-paul")
    assert paul["made"] == {"statement/ms-ni-2025-068-11"}
    assert paul["chaired"] == {"chair/21"}
    assert paul["holds"] == {"office/josefine-paul-2022-06-29", "office/josefine-paul-integration-nw"}


def test_conference_law_and_place_link_back(store):
    adopted = {r["r"].value.removeprefix(ID) for r in store.query(P + f"SELECT ?r WHERE {{ <{ID}conference/20> intmk:adopted ?r }}")}
    assert adopted == {"resolution/20-leitantrag", "resolution/20-goettinger-erklaerung", "resolution/20-anwerbegeneration",
                       # resolutions.csv: the rows of the 20th reported "einstimmig"
                       "resolution/20-federal-funding", "resolution/20-migration-counselling-mbe",
                       "resolution/20-psychosocial-care"}
    # everything the 12th dealt with (resolutions.csv: seven rows), adopted or with a result unknown
    considered = {r["r"].value.removeprefix(ID) for r in store.query(P + f"SELECT ?r WHERE {{ <{ID}conference/12> intmk:considered ?r }}")}
    assert len(considered) == 7 and "resolution/12-family-reunification" in considered
    made = {r["m"].value.removeprefix(ID) for r in store.query(P + f"SELECT ?m WHERE {{ <{ID}law/starmodg> intmk:established ?m }}")}
    assert made == {"milestone/mehrstaatigkeit", "milestone/einbuergerung-nach-fuenf-jahren"}
    # conferences.csv: the 1st (2007) and the 5th (2010) IntMK met in Düsseldorf
    held = {r["c"].value.removeprefix(ID) for r in store.query(P + f"SELECT ?c WHERE {{ <{ID}place/duesseldorf> intmk:locationOf ?c }}")}
    assert held == {"conference/1", "conference/5"}


def test_held_in_state_for_every_conference_with_a_place(store):
    # conferences.csv, with the Land of each place from places.csv: NRW hosted the 1st and 5th (Düsseldorf)
    # and the 21st (Essen); the seed also says the 1st and 21st are in NRW
    nrw = {r["c"].value.removeprefix(ID) for r in store.query(P + f"SELECT ?c WHERE {{ ?c intmk:heldInState <{ID}state/DE-NW> }}")}
    assert nrw == {"conference/1", "conference/5", "conference/21"}
    without = store.query(P + """SELECT ?c WHERE { ?c a intmk:Conference ; intmk:location|intmk:venue ?p
        FILTER NOT EXISTS { ?c intmk:heldInState ?s } }""")
    assert not list(without)


def test_offices_named_in_the_text_link_to_the_dated_posts(store):
    links = {(r["o"].value.removeprefix(ID), r["post"].value.removeprefix(ID)) for r in store.query(
        P + "SELECT ?o ?post WHERE { ?o intmk:asPost ?post }")}
    assert links == {
        ("office/andreas-philippi-integration-ni", "office/andreas-philippi-2023-01-25"),
        ("office/josefine-paul-integration-nw", "office/josefine-paul-2022-06-29"),
        ("office/stefanie-drese-integration-mv", "office/stefanie-drese-2021-11-15"),
    }
    # same person, same Land, the release's date (2025-04-24) within the term
    bad = store.query(P + """SELECT ?o WHERE { ?o intmk:asPost ?post ; intmk:holder ?who ; intmk:state ?land .
        FILTER NOT EXISTS { ?post intmk:holder ?who ; intmk:state ?land ; intmk:startDate ?from
            FILTER (?from <= "2025-04-24"^^<http://www.w3.org/2001/XMLSchema#date>)
            FILTER NOT EXISTS { ?post intmk:endDate ?to FILTER (?to < "2025-04-24"^^<http://www.w3.org/2001/XMLSchema#date>) } } }""")
    assert not list(bad)


def test_a_chair_who_left_office_says_until_when(store):
    # conferences.csv row 21: "Josefine Paul chaired until she left office on 2026-01-27"
    assert store.query(P + f"""ASK {{ <{ID}chair/21> intmk:chairPerson <{ID}person/josefine-paul> ;
        intmk:chairPersonEndDate "2026-01-27"^^<http://www.w3.org/2001/XMLSchema#date> }}""")


def test_speakers_at_a_conference_are_its_participants(store):
    outside = store.query(P + """SELECT ?who ?c WHERE { ?s a intmk:Statement ; intmk:speaker ?who ; intmk:occasion ?c .
        ?c a intmk:Conference FILTER NOT EXISTS { ?c intmk:participant ?who } }""")
    assert not list(outside)


def test_what_the_text_names_is_an_entity_linked_to_where_it_is_named(store):
    # "zugewanderten Frauen": Drese's reported speech (5), her quote (8) and the demand drawn from it
    women = {r["x"].value.removeprefix(ID) for r in store.query(
        P + f"SELECT ?x WHERE {{ <{ID}group/zugewanderte-frauen> intmk:mentionedIn ?x }}")}
    assert women == {"statement/ms-ni-2025-068-05", "statement/ms-ni-2025-068-08", "demand/20-drese-frauen"}
    # "für Personen mit Aufenthaltsgestattung (oder teilweise mit Duldung) ... an einem Integrationskurs teilzunehmen"
    named = {r["x"].value.removeprefix(ID) for r in store.query(
        P + f"SELECT ?x WHERE {{ <{ID}milestone/chancen-aufenthaltsrecht> intmk:mentions ?x }}")}
    assert named == {"status/aufenthaltsgestattung", "status/duldung", "service/integrationskurs"}
    # "anlässlich des 20. Jubiläums der IntMK"
    assert store.query(P + f"ASK {{ <{ID}resolution/20-goettinger-erklaerung> intmk:mentions ?a . ?a a intmk:Anniversary }}")
    unlabelled = store.query(P + """SELECT ?x WHERE { ?s intmk:mentions ?x
        FILTER NOT EXISTS { ?x rdfs:label ?de , ?en FILTER (LANG(?de) = "de" && LANG(?en) = "en") } }""")
    assert not list(unlabelled)


def test_claims_are_the_projects_summaries(store):
    rows = list(store.query(P + """SELECT ?g ?c WHERE { GRAPH ?g { ?s intmk:makesClaim ?c } }"""))
    # quotes 3, 8, 9 make one claim each, quotes 4 and 11 two each
    assert len({r["c"].value for r in rows}) == 7
    graphs = {r["g"].value for r in rows}
    assert graphs == {ns.graph("curation-ms-ni-2025-068-claims")}
    assert store.query(P + f"""ASK {{ GRAPH ?g {{ ?g a intmk:CurationRecord ;
        prov:wasAttributedTo <{ID}project/intmk-kg> }} FILTER (?g = <{ns.graph("curation-ms-ni-2025-068-claims")}>) }}""")
    nine = store.query(P + f"""SELECT ?l WHERE {{ <{ID}statement/ms-ni-2025-068-09> intmk:makesClaim ?c .
        ?c rdfs:label ?l FILTER (LANG(?l) = "en") }}""")
    assert [r["l"].value for r in nine] == ["People only come where they are welcome."]


def test_what_follows_from_a_medium_fact_is_not_stated_as_a_plain_one(store):
    """conferences.csv/resolutions.csv: the 8th's Welcome-culture resolution was adopted "einstimmig"
    only as the curator read the wording (a medium record); its inverse must carry that confidence."""
    prologue = "PREFIX intmk: <https://w3id.org/intmk/ontology#> "
    adopted = f"<{ns.ID}conference/8> intmk:adopted <{ns.ID}resolution/8-welcome-culture>"
    graphs = {r["g"].value for r in store.query(prologue + f"SELECT ?g WHERE {{ GRAPH ?g {{ {adopted} }} }}")}
    assert graphs == {ns.graph("inferred-medium")}
    medium = ox.NamedNode(ns.graph("inferred-medium"))
    confidence = list(store.quads_for_pattern(medium, ox.NamedNode(ns.ONT + "confidence"), None, medium))
    assert [q.object.value for q in confidence] == [ns.ONT + "MediumConfidence"]
    # nothing in graph/inferred rests on a medium record alone: its inverse of a high fact is there
    high = "<https://w3id.org/intmk/id/conference/20> intmk:adopted ?r"
    assert list(store.query(prologue + f"SELECT ?r WHERE {{ GRAPH <{ns.graph('inferred')}> {{ {high} }} }}"))


DOMAIN_MISSES = P + """SELECT ?s ?p ?class WHERE {
  { GRAPH <https://w3id.org/intmk/graph/ontology> { ?p rdfs:domain ?class } ?s ?p ?o }
  UNION
  { GRAPH <https://w3id.org/intmk/graph/ontology> { ?p rdfs:range ?class } ?o ?p ?s
    FILTER (isIRI(?s) && STRSTARTS(STR(?class), STR(intmk:))) }
  FILTER NOT EXISTS { ?s a ?class } }"""


def test_no_domain_makes_a_thing_what_it_is_not(store):
    """An RDFS reasoner types every subject of a property with the property's domain (and every object
    with its range). The data must already be of that type, else the ontology says something the data
    does not mean. (Ranges outside our namespace, schema.org's enumerations, are left out.)"""
    assert [tuple(str(t) for t in r) for r in store.query(DOMAIN_MISSES)] == []


def test_a_report_with_a_result_is_not_made_a_resolution(make_project):
    """resolutions.py writes intmk:votingOutcome and intmk:adoptedAt for any conference item (a report
    can be adopted unanimously too), so their domain is intmk:ConferenceItem, not intmk:Resolution, and so
    is the range of intmk:adopted, the inverse the build infers."""
    from intmk_kg.inference import materialize_inferred
    from intmk_kg.loader import load_project
    from intmk_kg.project import Project

    home = make_project(project="minimal")
    with (home / "data" / "reference" / "resolutions.csv").open("a", encoding="utf-8") as f:
        f.write("20-monitoring-report,20,,,bericht,,einstimmig,,,,,,,high,"
                "https://www.integrationsministerkonferenz.de/MedienPresse.html\n")
    store = load_project(Project.at(home)).store
    materialize_inferred(store)
    report = ox.NamedNode(ID + "resolution/20-monitoring-report")
    assert has(store, ox.Quad(report, ox.NamedNode(ONT + "adoptedAt"), ox.NamedNode(ID + "conference/20"),
                              ox.NamedNode(ns.graph("curation-resolutions-20-monitoring-report"))))
    assert [tuple(str(t) for t in r) for r in store.query(DOMAIN_MISSES)] == []

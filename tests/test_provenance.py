"""No document is credited with a fact it does not state (checked on the built release).

The only document graph today is that of the seed press release; its facts are checked against the
verbatim text in sources/. Every other graph is a curation record (derived from the documents a
reference row lists, attributed to the project), the registry, the ontology or the inferred graph.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from intmk_kg import namespaces as ns

ROOT = Path(__file__).resolve().parents[1]
SEED = ns.graph("ms-ni-2025-068")
SEED_DOC = ns.entity("document", "ms-ni-2025-068")
XSD = ns.PREFIXES["xsd"]
P = ns.sparql_prologue(["rdf", "prov", "intmk", "skos"])


def normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def seed_text() -> str:
    return normalised((ROOT / "sources" / "ms-ni-2025-068-intmk20.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_quads(store) -> list[ox.Quad]:
    return list(store.quads_for_pattern(None, None, None, ox.NamedNode(SEED)))


def kinds_of_graphs(store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for g in store.named_graphs():
        types = {q.object.value for q in store.quads_for_pattern(g, ox.NamedNode(ns.PREFIXES["rdf"] + "type"), None, g)}
        out[g.value] = types
    return out


def test_the_seed_is_the_only_document_graph(store):
    special = {ns.graph("ontology"), ns.graph("registry"), ns.graph("inferred"), ns.graph("inferred-medium")}
    documents = {g for g, types in kinds_of_graphs(store).items()
                 if g not in special and ns.ONT + "CurationRecord" not in types}
    assert documents == {SEED}


def test_every_curation_record_names_its_documents_and_the_project(store):
    rows = store.query(P + """SELECT ?g (COUNT(DISTINCT ?d) AS ?docs) (COUNT(DISTINCT ?c) AS ?levels)
        (COUNT(DISTINCT ?a) AS ?agents) WHERE {
          GRAPH ?g { ?g a intmk:CurationRecord OPTIONAL { ?g prov:wasDerivedFrom ?d }
                     OPTIONAL { ?g intmk:confidence ?c } OPTIONAL { ?g prov:wasAttributedTo ?a } }
        } GROUP BY ?g""")
    records = {r["g"].value: (int(r["docs"].value), int(r["levels"].value), int(r["agents"].value)) for r in rows}
    # conferences.csv has 21 rows and each is one record; row 9's place is a record of its own
    assert {g for g in records if g.startswith(ns.graph("curation-conferences-"))} == (
        {ns.graph(f"curation-conferences-{n}") for n in range(1, 22)}
        | {ns.graph(f"curation-conferences-{k}") for k in ("4-number", "4-year", "5-number", "6-year", "9-place")})
    bad = {g: v for g, v in records.items() if v[0] < 1 or v[1] != 1 or v[2] != 1}
    assert not bad


def test_registry_documents_have_no_graph_of_their_own(store):
    # e.g. evangelisch.de of 2021-07-01 (Hamburg takes the chair) is cited by row 17, which also holds the
    # dates of April 2022, and by the row of Melanie Leonhard in persons.csv: only those two curation
    # records, the fact of conference-facts.csv that dates the end of the 16th's chair from it, and the
    # registry (which describes it) are derived from it
    rows = store.query(P + f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g prov:wasDerivedFrom ?d }}
        FILTER NOT EXISTS {{ GRAPH ?g {{ ?g a intmk:CurationRecord }} }} FILTER (?d != <{SEED_DOC}>) }}""")
    assert {r["g"].value for r in rows} == {ns.graph("ontology"), ns.graph("inferred"), ns.graph("inferred-medium")}
    evangelisch = store.query(P + """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?d }
        ?d intmk:url <https://evangelisch.de/inhalte/187948/01-07-2021/hamburg-uebernimmt-vorsitz-der-integrationsministerkonferenz> }""")
    assert {r["g"].value for r in evangelisch} == {
        ns.graph("curation-conferences-17"), ns.graph("curation-persons-melanie-leonhard"),
        ns.graph("curation-conference-facts-16-chair-to"), ns.graph("registry")}


def test_seed_graph_holds_no_curated_fact(seed_quads):
    # the press release names no QID, no ISO or Destatis code, no confidence and no curator's note
    predicates = {q.predicate.value for q in seed_quads}
    for p in ("owl:sameAs", "intmk:destatisKey", "intmk:isoCode", "intmk:confidence", "skos:editorialNote"):
        prefix, local = p.split(":")
        assert ns.PREFIXES[prefix] + local not in predicates, p


# Literals that must be the text's own words (German or untranslated).
VERBATIM = {"intmk:name", "intmk:honorificPrefix", "intmk:title", "intmk:roleTitle", "intmk:pressReleaseNumber",
            "intmk:contactName", "intmk:address", "intmk:telephone", "intmk:faxNumber", "intmk:email",
            "intmk:shortName", "intmk:item"}


def test_seed_literals_are_the_texts_own_words(seed_quads, seed_text):
    expanded = {ns.ONT + p.split(":")[1] for p in VERBATIM}
    checked = 0
    for q in seed_quads:
        o = q.object
        if q.predicate.value in expanded and isinstance(o, ox.Literal) and o.language in (None, "de"):
            assert normalised(o.value) in seed_text, (q.subject.value, q.predicate.value, o.value)
            checked += 1
    # 3 names, 1 honorific, 3 titles, 3 German role titles, number, contact name, address, telephone, fax,
    # e-mail, short name "IntMK", item "Weltkugel"
    assert checked == 18


def test_seed_quotes_are_verbatim(seed_quads, seed_text):
    texts = [q.object.value for q in seed_quads if q.predicate.value == ns.ONT + "text"]
    assert len(texts) == 13
    for text in texts:
        # quote 4 is interrupted by the page footer in the source: each sentence is checked on its own
        for sentence in re.split(r"(?<=[.!?])\s+", normalised(text)):
            assert sentence.rstrip(".!?") in seed_text, sentence


def test_seed_dates_are_stated_by_the_text(seed_quads, seed_text):
    dates = {(q.subject.value, q.predicate.value.split("#")[1], q.object.value) for q in seed_quads
             if isinstance(q.object, ox.Literal) and q.object.datatype.value in (XSD + "date", XSD + "gYear")}
    # "zum 01.07.2025 den Vorsitz der 21. IntMK"; "im kommenden Jahr" (the 21st, a year after 2025);
    # the release's own issue date (its metadata, the day the conference ended)
    assert "01.07.2025" in seed_text and "im kommenden Jahr" in seed_text
    assert dates == {
        (ns.entity("chair", "21"), "startDate", "2025-07-01"),
        (ns.entity("conference", "21"), "year", "2026"),
        (SEED_DOC, "issued", "2025-04-24"),
    }

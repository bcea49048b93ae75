"""The documentation keeps up with the ontology."""

import re
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF

ROOT = Path(__file__).resolve().parents[1]


def _rows(table: str) -> list[dict[str, str]]:
    import csv

    with (ROOT / "data" / "reference" / table).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_ontology_term_is_in_the_data_model_doc():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    g = rdflib.Graph().parse(ROOT / "ontology" / "intmk.ttl")
    terms = set()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        terms |= {g.qname(t) for t in g.subjects(RDF.type, kind)}
    missing = sorted(t for t in terms if f"`{t}`" not in doc)
    assert not missing, f"undocumented in docs/data-model.md: {missing}"


def test_worked_examples_in_the_data_model_doc_answer(store):
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    examples = re.findall(r"```sparql\n(.+?)```", doc, re.S)
    # a document graph, a curation record, confidence per statement, the inferred graph; then three questions
    # of the record: lead motions by year, attendance of the 19th, the documents of a protocol note
    assert len(examples) == 7
    answers = [list(store.query(q)) for q in examples]
    assert all(answers), [q.splitlines()[0] for q, a in zip(examples, answers) if not a]
    # the inferred graph's example finds the six resolutions the 20th IntMK adopted: three the press release
    # names, and the three rows of resolutions.csv reported "einstimmig"
    assert len(answers[3]) == 6
    assert len(answers[4]) == 14  # resolutions.csv: 14 lead motions, none low
    assert len(answers[5]) == 6  # attendance.csv: 6 rows of the 19th
    # resolutions.csv row 20-20th-anniversary lists two sources
    assert len(answers[6]) == len(next(r for r in _rows("resolutions.csv") if r["key"] == "20-20th-anniversary")
                                  ["sources"].split(" ; "))

"""/queries/: canned queries read from queries/*.rq at request time, answered as HTML, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from intmk_kg.web import create_app

ROOT = Path(__file__).resolve().parents[1]
LABELS = """# What is Lower Saxony called in German and in English?
# Labels come from the reference table of the Länder.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label (LANG(?label) AS ?lang) WHERE { <https://w3id.org/intmk/id/state/DE-NI> rdfs:label ?label }
"""
ASK = """# Did the 20th IntMK take place in Göttingen?
ASK { <https://w3id.org/intmk/id/conference/20> <https://w3id.org/intmk/ontology#location> <https://w3id.org/intmk/id/place/goettingen> }
"""
CONSTRUCT = """# Which Wikidata item is Lower Saxony?
PREFIX owl: <http://www.w3.org/2002/07/owl#>
CONSTRUCT { <https://w3id.org/intmk/id/state/DE-NI> owl:sameAs ?item } WHERE { <https://w3id.org/intmk/id/state/DE-NI> owl:sameAs ?item }
"""
BROKEN = """# A query with a typo
SELEKT * WHERE { ?s ?p ?o }
"""


@pytest.fixture()
def home(tmp_path) -> Path:
    (tmp_path / "queries").mkdir()
    for name, text in [("labels", LABELS), ("in-goettingen", ASK), ("wikidata-item", CONSTRUCT), ("broken", BROKEN)]:
        (tmp_path / "queries" / f"{name}.rq").write_text(text, encoding="utf-8")
    (tmp_path / "queries" / "notes.txt").write_text("not a query", encoding="utf-8")
    return tmp_path


@pytest.fixture()
def canned(release_dir, home):
    return create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "HOME": str(home)}).test_client()


def test_listing_shows_each_question(canned):
    page = canned.get("/queries/?lang=en").get_data(as_text=True)
    # the questions are English (as written in the files) on a page of either language, marked so
    assert '<a href="/queries/labels?lang=en" lang="en">What is Lower Saxony called in German and in English?</a>' in page
    assert 'href="/queries/in-goettingen?lang=en"' in page
    assert "notes" not in page
    listing = json.loads(canned.get("/queries/?format=json").data)["queries"]
    assert [q["name"] for q in listing] == ["broken", "in-goettingen", "labels", "wikidata-item"]


def test_select_as_html_table(canned):
    page = canned.get("/queries/labels?lang=en").get_data(as_text=True)
    assert '<h1 lang="en">What is Lower Saxony called in German and in English?</h1>' in page
    assert "Labels come from the reference table of the Länder." in page
    assert "SELECT ?label (LANG(?label) AS ?lang)" in page
    assert "Niedersachsen" in page and "Lower Saxony" in page
    assert "2 rows" in page
    assert "2 Zeilen" in canned.get("/queries/labels?lang=de").get_data(as_text=True)


def test_select_as_json_and_csv(canned):
    data = json.loads(canned.get("/queries/labels", headers={"Accept": "application/json"}).data)
    assert data["question"] == "What is Lower Saxony called in German and in English?"
    assert data["query"] == LABELS
    assert data["head"]["vars"] == ["label", "lang"]
    values = {(b["label"]["value"], b["lang"]["value"]) for b in data["results"]["bindings"]}
    assert values == {("Niedersachsen", "de"), ("Lower Saxony", "en")}

    response = canned.get("/queries/labels.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["label", "lang"]
    assert sorted(rows[1:]) == [["Lower Saxony", "en"], ["Niedersachsen", "de"]]
    assert canned.get("/queries/labels?format=json").mimetype == "application/json"


def test_query_text_itself(canned):
    response = canned.get("/queries/labels.rq")
    assert response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True) == LABELS


def test_ask_and_construct(canned):
    assert "<strong>yes</strong>" in canned.get("/queries/in-goettingen?lang=en").get_data(as_text=True)
    assert "<strong>ja</strong>" in canned.get("/queries/in-goettingen?lang=de").get_data(as_text=True)
    assert json.loads(canned.get("/queries/in-goettingen.json").data)["boolean"] is True
    assert canned.get("/queries/in-goettingen.csv").get_data(as_text=True) == "boolean\r\ntrue\r\n"
    rows = list(csv.reader(io.StringIO(canned.get("/queries/wikidata-item.csv").get_data(as_text=True))))
    assert rows == [["subject", "predicate", "object"], [
        "https://w3id.org/intmk/id/state/DE-NI", "http://www.w3.org/2002/07/owl#sameAs", "http://www.wikidata.org/entity/Q1197"]]


def test_broken_query_is_a_readable_400(canned):
    response = canned.get("/queries/broken", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "broken" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_unknown_and_hostile_names_are_404(canned):
    for path in ["/queries/nope", "/queries/notes", "/queries/..%2Fsecret", "/queries/.hidden", "/queries/../pyproject.toml"]:
        assert canned.get(path).status_code == 404, path


def test_files_are_read_at_request_time(canned, home):
    first = canned.get("/queries/labels")
    assert 'href="/queries/later"' not in canned.get("/queries/").get_data(as_text=True)
    (home / "queries" / "later.rq").write_text("# Added while running?\nASK { ?s ?p ?o }\n", encoding="utf-8")
    assert 'href="/queries/later"' in canned.get("/queries/").get_data(as_text=True)
    (home / "queries" / "labels.rq").write_text(LABELS.replace("German and in English", "both languages"), encoding="utf-8")
    second = canned.get("/queries/labels", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200  # the text changed, so the tag did
    assert "both languages" in second.get_data(as_text=True)


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_every_project_query_has_a_page(client, name):
    response = client.get(f"/queries/{name}")
    assert response.status_code == 200
    first_line = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8").splitlines()[0]
    assert first_line.lstrip("# ").strip() in response.get_data(as_text=True)

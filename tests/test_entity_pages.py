"""The entity pages in the real browser, served by `intmk-kg serve`: one page of each kind at
1280 px and at 390 px. Each page must not scroll sideways, must have no serious or critical axe-core
violation, and is kept as a screenshot; what it shows is read from the rendered page and checked
against separate SPARQL queries of the store (the chair and neighbours of a conference, its agenda
in order, a resolution's 16 tiles, a person's offices, a Land's hosted conferences, the statements
marked in the seed document).
"""

from __future__ import annotations

import re

import pagecheck
import pytest

from intmk_kg.readable import natural_key

pytestmark = pytest.mark.browser

PREFIX = "PREFIX intmk: <https://w3id.org/intmk/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
PAGES = {  # kind -> page
    "conference": "doc/conference/20",
    "resolution": "doc/resolution/12-immigration-law",
    "person": "doc/person/andreas-philippi",
    "land": "doc/state/DE-BY",
    "document": "doc/document/ms-ni-2025-068",
    "office": "doc/office/andreas-philippi-2023-01-25",
    "topic": "doc/topic/citizenship",
    "statement": "doc/statement/ms-ni-2025-068-03",
}
VIEWPORTS = {"desktop": pagecheck.DESKTOP, "phone": pagecheck.PHONE}


@pytest.fixture(scope="module")
def server(start_server):
    return start_server()


@pytest.fixture()
def open_page(chromium, server):
    pages = []

    def open_(path: str, lang: str = "en", viewport: dict = pagecheck.DESKTOP):
        page = chromium.new_page(viewport=viewport)
        pages.append(page)
        response = page.goto(f"{server.url}{path}?lang={lang}")
        assert response.status == 200
        return page

    yield open_
    for page in pages:
        page.close()


def select(store, query: str) -> list[dict]:
    return [{v: (row[v].value if row[v] is not None else None) for v in ("a", "b", "c") if v in query}
            for row in store.query(PREFIX + query)]


def key(href: str | None) -> str | None:
    return href.split("?")[0].rsplit("/", 1)[1] if href else None


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_fits_the_screen_and_passes_axe(open_page, kind, viewport):
    lang = "de" if viewport == "phone" else "en"  # both languages, both sizes
    page = open_page(PAGES[kind], lang, VIEWPORTS[viewport])
    assert page.evaluate("document.documentElement.lang") == lang
    pagecheck.screenshot(page, f"entity-{kind}-{viewport}")
    assert pagecheck.horizontal_overflow(page) == 0
    assert pagecheck.axe_violations(page) == []


def test_conference_shows_its_chair_neighbours_and_agenda(open_page, store):
    page = open_page("doc/conference/20")
    chair = select(store, """SELECT ?a ?b WHERE { <https://w3id.org/intmk/id/conference/20> intmk:chairmanship ?c .
        ?c intmk:chairState/rdfs:label ?a ; intmk:chairPerson/intmk:name ?b FILTER (LANG(?a) = "en") }""")
    assert len(chair) == 1
    assert page.locator("#conf-chair").inner_text() == f"{chair[0]['a']}: {chair[0]['b']}"  # Lower Saxony: Andreas Philippi
    assert page.locator("#conf-dates").inner_text().startswith("23–24 April 2025 (2 days)")
    neighbours = select(store, """SELECT ?a ?b WHERE { ?a a intmk:Conference ; intmk:ordinal ?b FILTER (?b IN (19, 21)) }""")
    expected = {int(r["b"]): key(r["a"]) for r in neighbours}
    assert key(page.locator("#conf-previous").get_attribute("href")) == expected[19]
    assert key(page.locator("#conf-next").get_attribute("href")) == expected[21]
    assert page.locator("#conf-previous").inner_text() == "← Previous: 19th Conference of Integration Ministers"

    items = select(store, """SELECT ?a ?b WHERE { ?a a intmk:ConferenceItem ; intmk:consideredAt
        <https://w3id.org/intmk/id/conference/20> OPTIONAL { ?a intmk:agendaItem ?b } }""")
    # agenda order: items with an agenda number by that number (2.10 after 2.9), then the others by key
    expected_order = [key(r["a"]) for r in sorted(items, key=lambda r: (r["b"] is None, natural_key(r["b"] or ""), r["a"]))]
    shown = [key(a.get_attribute("href")) for a in page.locator("#record tbody tr td:nth-child(2) a").all()]
    assert shown == expected_order and len(shown) == len(items) > 2
    badges = page.locator("#record tbody .badge").all_inner_texts()
    assert len(badges) == len(items) and "unknown" in badges  # a blank result is shown as unknown
    # the quotes the press release gives for the conference
    quotes = select(store, "SELECT ?a WHERE { ?a a intmk:Statement ; intmk:occasion <https://w3id.org/intmk/id/conference/20> }")
    assert page.locator("#quotes blockquote").count() == len(quotes) == 13


def test_resolution_shows_sixteen_tiles_marked_as_the_store_says(open_page, store):
    page = open_page("doc/resolution/12-immigration-law")
    rows = select(store, """SELECT ?a ?b ?c WHERE { ?l a intmk:State ; intmk:isoCode ?a .
        OPTIONAL { VALUES (?p ?b) { (intmk:approvedBy "for") (intmk:opposedBy "against") (intmk:abstainedBy "abstained") }
                   <https://w3id.org/intmk/id/resolution/12-immigration-law> ?p ?l }
        BIND (EXISTS { <https://w3id.org/intmk/id/resolution/12-immigration-law> intmk:protocolNoteBy ?l } AS ?c) }""")
    noted = any(r["c"] == "true" for r in rows)  # where no Land is named for a note, every Land's note is unknown
    expected = {r["a"]: (r["b"] or "unknown", ("yes" if r["c"] == "true" else "no") if noted else "unknown") for r in rows}
    tiles = page.locator("ul.tiles li.tile").all()
    assert len(tiles) == 16
    got = {t.get_attribute("data-land"): (t.get_attribute("data-mark"), t.get_attribute("data-note")) for t in tiles}
    assert got == expected
    # 13 in favour, Bayern against, Hessen and Saarland abstaining (docs/data-model.md)
    assert got["DE-BY"][0] == "against" and got["DE-HE"][0] == got["DE-SL"][0] == "abstained"
    assert sum(1 for m, _ in got.values() if m == "for") == 13
    # colour is not the only carrier: each tile shows its code and a symbol, and names its vote in words
    by = page.locator('li.tile[data-land="DE-BY"]')
    assert by.locator(".code").inner_text() == "BY" and by.locator(".mark").inner_text() == "✗"
    assert by.locator(".visually-hidden").inner_text() == "Bavaria: against"
    # the table says the same
    page.locator("#votes details summary, #votes summary").first.click()
    table = {tr.get_attribute("data-land"): tr.locator("td").nth(1).inner_text()
             for tr in page.locator("#votes-table tbody tr").all()}
    assert table == {code: mark for code, (mark, _) in expected.items()}
    assert page.locator("#item-outcome .badge").inner_text() == "not unanimous"


def test_person_shows_offices_chairs_and_statements(open_page, store):
    page = open_page("doc/person/andreas-philippi")
    offices = select(store, "SELECT ?a WHERE { ?a intmk:holder <https://w3id.org/intmk/id/person/andreas-philippi> }")
    shown = {key(a.get_attribute("href")) for a in page.locator("#offices tbody tr td:first-child a").all()}
    assert shown == {key(r["a"]) for r in offices}
    assert "since 25 January 2023 (end unknown)" in page.locator("#offices").inner_text()
    assert [key(a.get_attribute("href")) for a in page.locator("#chairs li > a:first-child").all()] == ["20"]
    made = select(store, "SELECT ?a WHERE { ?a intmk:speaker <https://w3id.org/intmk/id/person/andreas-philippi> }")
    assert page.locator("#statements blockquote").count() == len(made) > 0
    # an incoming link named from the person's side
    assert page.locator('#facts-in tr[data-property="https://w3id.org/intmk/ontology#chairPerson"] th').inner_text() == "chaired"


def test_land_shows_hosted_conferences_chair_years_and_ministers(open_page, store):
    page = open_page("doc/state/DE-BY")
    hosted = select(store, """SELECT ?a ?b WHERE { ?a a intmk:Conference ; intmk:heldInState
        <https://w3id.org/intmk/id/state/DE-BY> ; intmk:ordinal ?b }""")
    shown = [key(a.get_attribute("href")) for a in page.locator("#hosted li > a:first-child").all()]
    assert shown == [key(r["a"]) for r in sorted(hosted, key=lambda r: int(r["b"]))]
    chairs = select(store, """SELECT ?a ?b WHERE { ?c intmk:chairState <https://w3id.org/intmk/id/state/DE-BY> ;
        intmk:chairOf ?a OPTIONAL { ?c intmk:chairPerson ?b } }""")
    items = page.locator("#chair-years li").all()
    assert {key(li.locator("a").first.get_attribute("href")) for li in items} == {key(r["a"]) for r in chairs}
    persons = {key(li.locator("a").nth(1).get_attribute("href")) for li in items if li.locator("a").count() > 1}
    assert persons == {key(r["b"]) for r in chairs if r["b"]}  # Emilia Müller chaired the 13th
    ministers = select(store, "SELECT ?a WHERE { ?a a intmk:Office ; intmk:state <https://w3id.org/intmk/id/state/DE-BY> }")
    assert page.locator("#ministers tbody tr").count() == len(ministers)
    assert page.locator("#voting-record tbody tr").count() == 8  # as tests/test_record_pages.py lists them


def test_document_marks_the_statements_found_verbatim(open_page, store, release):
    page = open_page("doc/document/ms-ni-2025-068")
    text = release.file("texts/ms-ni-2025-068-intmk20.txt").read_text(encoding="utf-8")
    statements = select(store, """SELECT ?a ?b WHERE { ?a intmk:statedIn <https://w3id.org/intmk/id/document/ms-ni-2025-068> ;
        intmk:text ?b }""")
    found = {r["a"] for r in statements if r["b"] in text}
    marks = page.locator(".verbatim mark").all()
    assert {m.get_attribute("data-statement") for m in marks} == found
    for m in marks:  # each mark links to its statement and holds exactly the statement's text
        iri = m.get_attribute("data-statement")
        assert key(m.locator("a").get_attribute("href")) == key(iri)
        assert m.inner_text() == next(r["b"] for r in statements if r["a"] == iri)
    # the quote of Philippi that runs across the transcript's page break is not marked, and the page says so
    assert len(found) == len(statements) - 1 == 12
    assert page.locator("#marked-count").inner_text() == "12 of 13 statements taken from this document are marked in the text."
    assert page.locator("#doc-date").inner_text().startswith("24 April 2025")
    assert re.fullmatch(r"https://polit-x\.de/\S+", page.locator("#doc-url a.external").inner_text())


def test_office_table_starts_with_what_defines_an_office(open_page):
    page = open_page("doc/office/andreas-philippi-2023-01-25")
    properties = [tr.get_attribute("data-property").rsplit("#", 1)[-1] for tr in page.locator("#facts-out tbody tr").all()]
    assert properties[:2] == ["type", "label"]  # rdf:type, rdfs:label
    names = page.locator("#facts-out tbody th").all_inner_texts()
    assert names[:2] == ["kind", "label"] and not [n for n in names if re.fullmatch(r"\w+:\w+", n)]  # no raw CURIEs
    ours = [p for p in properties if p in ("holder", "state", "ministry", "startDate", "endDate")]
    assert ours == ["holder", "state", "ministry", "startDate", "endDate"]
    end = page.locator('#facts-out tr[data-property="https://w3id.org/intmk/ontology#endDate"] td').inner_text()
    assert end.strip() == "unknown"  # offices.csv gives no end date
    start = page.locator('#facts-out tr[data-property="https://w3id.org/intmk/ontology#startDate"] td .literal')
    assert start.first.inner_text() == "25 January 2023" and start.first.get_attribute("title") == "xsd:date: 2023-01-25"

"""The record on entity pages: a conference's items in agenda order and its attendance, a Land's votes.

Read in the real browser from the rendered page. Expected rows are written by hand from
data/reference/resolutions.csv and attendance.csv.
"""

from __future__ import annotations

import pytest
from browser import launch_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def table(page, html: str, section: str) -> list[list[str]]:
    """The rows of a section's table: each cell's text, the first cell's link target where it has one."""
    page.set_content(html)
    rows = []
    for tr in page.locator(f"#{section} tbody tr").all():
        cells = [td.inner_text().strip() for td in tr.locator("td").all()]
        links = [a.get_attribute("href") for a in tr.locator("a").all()]
        rows.append(cells + links)
    return rows


def key(href: str) -> str:
    return href.split("?")[0].rsplit("/", 1)[1]


def test_conference_lists_its_items_in_agenda_order_with_outcome(client, browser_page):
    html = client.get("/doc/conference/12?lang=en").get_data(as_text=True)
    got = [(r[0], key(r[3]), r[2]) for r in table(browser_page, html, "record")]
    # conference 12: TOP 2.1 first, then the items without an agenda item; blank results are unknown
    assert got == [
        ("2.1", "12-top-2-1", "not unanimous"),
        ("", "12-citizenship-law", "not unanimous"),
        ("", "12-family-reunification", "unknown"),
        ("", "12-immigration-law", "not unanimous"),
        ("", "12-integration-courses", "unknown"),
        ("", "12-turkey", "unanimous"),
        ("", "12-vocational-training", "not unanimous"),
    ]
    # attendance.csv has no row of the 12th: unknown, said so
    assert table(browser_page, html, "attendance") == [["No source names who attended."]]


def test_conference_lists_its_attendance_by_land_then_guests(client, browser_page):
    rows = table(browser_page, client.get("/doc/conference/16?lang=en").get_data(as_text=True), "attendance")
    # the Länder by name (in the page's language), in the order of their codes (HB, HE, HH, SH)
    assert [r[:3] for r in rows] == [
        ["Bremen", "Anja Stahmann", "Land delegate (chair)"],
        ["Hesse", "Anne Janz", "Land state secretary (state secretary)"],
        ["Hamburg", "Melanie Leonhard", "Land delegate"],
        ["Schleswig-Holstein", "Sabine Sütterlin-Waack", "Land delegate"],
    ]
    assert key(rows[2][4]) == "melanie-leonhard"  # the existing person, not a duplicate
    guests = table(browser_page, client.get("/doc/conference/6?lang=en").get_data(as_text=True), "attendance")
    assert sorted(r[2] for r in guests) == [
        "guest (Federal Commissioner for Migration, Refugees and Integration)",
        "guest (Parliamentary State Secretary of the Federal Interior Ministry, representing the minister)",
        "guest (President of BAMF)",
    ]
    assert {(r[0], r[1]) for r in guests} == {("guest", "not named")}


def test_land_page_shows_its_voting_record(client, browser_page):
    rows = table(browser_page, client.get("/doc/state/DE-BY?lang=en").get_data(as_text=True), "voting-record")
    assert [(r[0], r[1], key(r[4]), r[3]) for r in rows] == [
        ("moved", "7", "7-top-2-1", "unanimous"),
        ("moved", "13", "13-top-2-8", "unknown"),
        ("moved", "14", "14-top-3-2", "unknown"),
        ("against", "12", "12-immigration-law", "not unanimous"),
        ("against", "12", "12-vocational-training", "not unanimous"),
        ("against", "19", "19-leitantrag", "not unanimous"),
        ("protocol note", "19", "19-leitantrag", "not unanimous"),
        ("protocol note", "20", "20-goettinger-erklaerung", "unknown"),
    ]


def test_other_pages_have_no_record_sections(client):
    page = client.get("/doc/person/andreas-philippi?lang=en").get_data(as_text=True)
    assert 'id="record"' not in page and 'id="voting-record"' not in page


def test_resolution_page_gives_the_kinds_of_its_sources(client, browser_page):
    # resolutions.csv row 19-citizenship-reform (the lead motion of the 19th): five sources, all news;
    # conferences.csv row 19's notes (notes/conference-19.ttl) name it too
    browser_page.set_content(client.get("/doc/resolution/19-leitantrag?lang=en").get_data(as_text=True))
    items = {li.locator("a").last.get_attribute("href").rsplit("/", 1)[1].split("?")[0]: li.inner_text()
             for li in browser_page.locator("ol.sources li").all()}
    assert "(news ×5)" in items["curation-resolutions-19-citizenship-reform"]
    assert items["curation-resolutions-19-citizenship-reform"].startswith("compiled from 5 documents")

"""The reader's pages in a real browser at 1280 px and 390 px: the home page, each browse list and the
search results. Each shows what it should (read from the rendered page), scrolls only vertically, passes
axe-core (no serious or critical violation) and leaves a screenshot in test-screenshots/.

Expected values are taken by hand from data/reference/: conferences.csv (21 conferences), persons.csv
(Andreas Philippi, Emilia Müller, Christine Clauß), states (16 Länder).
"""

from __future__ import annotations

import pytest
from browser import launch_chromium
from pagecheck import DESKTOP, PHONE, axe_violations, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
LISTS = ["conferences", "states", "persons", "topics", "documents", "entries", "resolutions"]


@pytest.fixture(scope="module")
def server(live_server):
    return live_server.url.rstrip("/")


@pytest.fixture(scope="module", params=list(VIEWPORTS))
def page(request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=VIEWPORTS[request.param], locale="de-DE")
            page = context.new_page()
            page.viewport_name = request.param
            yield page
        finally:
            browser.close()


def check(page, name: str) -> None:
    """What every page must pass: no sideways scrolling, axe-core clean; a screenshot to look at."""
    screenshot(page, f"{name}-{page.viewport_name}")
    assert horizontal_overflow(page) == 0, name
    assert axe_violations(page) == [], name


def picture_with_table(page, picture: str) -> None:
    figure = page.locator(f"#picture-{picture}")
    assert figure.locator("svg[role=img]").count() == 1
    assert figure.locator("svg").get_attribute("viewBox")
    box = figure.locator("svg").bounding_box()
    assert box["width"] <= page.viewport_size["width"]  # scaled to the page, not cut
    assert figure.locator("details table tbody tr").count() > 0  # the table equivalent
    assert figure.locator("a[href^='/sparql?query=']").count() == 1  # the query behind it


def test_home(page, server):
    page.goto(server + "/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "IntMK knowledge graph"
    nav = [a.get_attribute("href") for a in page.locator("ul.lists a").all()]
    assert nav == [f"/{name}/?lang=en" for name in
                   ["conferences", "states", "persons", "resolutions", "topics", "documents", "entries"]]
    picture_with_table(page, "timeline")
    picture_with_table(page, "tiles")
    check(page, "home")


def test_home_in_german_by_the_browser(page, server):
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "IntMK-Wissensgraph"
    assert page.locator("nav.main").inner_text().split("\n")[:2] == ["Konferenzen", "Länder"]


@pytest.mark.parametrize("name", LISTS)
def test_each_list(page, server, name):
    page.goto(f"{server}/{name}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    rows = page.locator("#list tbody tr")
    assert rows.count() >= 15  # 21 conferences, 16 Länder, 49 persons, 15 topics, …
    assert rows.first.locator("a").count() >= 1  # each row links its entity
    if name in ("conferences", "states", "topics", "resolutions"):
        picture_with_table(page, {"conferences": "timeline", "states": "tiles", "topics": "topics",
                                  "resolutions": "matrix"}[name])
    check(page, f"list-{name}")


def test_conferences_sorted_numerically_by_the_heading(page, server):
    page.goto(server + "/conferences/?lang=en&sort=-conference")
    first = page.locator("#list tbody tr td:first-child").all_inner_texts()
    assert first[:3] == ["21st IntMK", "20th IntMK", "19th IntMK"]  # 21 > 20 > 19 > … > 2 > 1, not 9 > 8 > … > 21
    assert first[-3:] == ["3rd IntMK", "2nd IntMK", "1st IntMK"]
    page.locator("#list thead th").first.locator("a").click()  # the heading sorts ascending again
    assert page.locator("#list tbody tr td:first-child").first.inner_text() == "1st IntMK"
    assert "sort=conference" in page.url


def test_states_tile_map_by_measure(page, server):
    page.goto(server + "/states/?lang=en&measure=hosted")
    assert "conferences hosted" in page.locator("#picture-tiles figcaption").inner_text()
    page.locator("nav.measures a", has_text="chairs held").click()
    assert "measure=chairs" in page.url
    assert "chairs held" in page.locator("#picture-tiles figcaption").inner_text()


@pytest.mark.parametrize(("typed", "found"), [("philipi", "Andreas Philippi"), ("Mueller", "Emilia Müller"),
                                               ("Clauss", "Christine Clauß")])
def test_search_from_the_box_of_any_page(page, server, typed, found):
    page.goto(server + "/topics/?lang=en")
    page.locator("header form.search input[name=q]").fill(typed)
    page.locator("header form.search input[name=q]").press("Enter")
    page.wait_for_url("**/search?**")
    assert page.locator("html").get_attribute("lang") == "en"  # the box keeps the chosen language
    persons = page.locator("#group-persons")
    assert persons.locator("h2").inner_text().startswith("Persons")
    assert persons.locator("li a").first.inner_text() == found
    check(page, f"search-{typed.lower()}")


def test_language_switch_keeps_the_page(page, server):
    page.goto(server + "/persons/?sort=-chairs&lang=en")
    page.locator("header nav.lang a[hreflang=de]").click()
    assert page.locator("html").get_attribute("lang") == "de"
    assert "/persons/?" in page.url and "sort=-chairs" in page.url and "lang=de" in page.url
    assert page.locator("h1").inner_text() == "Personen"


def test_keyboard_reaches_the_search_box_and_the_navigation(page, server):
    page.goto(server + "/?lang=en")
    page.keyboard.press("Tab")  # the skip link
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    page.keyboard.press("Tab")  # the site's name
    page.keyboard.press("Tab")  # the search box
    assert page.evaluate("document.activeElement.name") == "q"


@pytest.mark.parametrize("path", ["/queries/", "/queries/chair-history", "/dumps/", "/graph/"])
def test_the_other_pages_in_german(page, server, path):
    page.goto(server + path)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("nav.main a").first.inner_text() == "Konferenzen"
    check(page, "other-" + path.strip("/").replace("/", "-"))


def test_error_page(page, server):
    page.goto(server + "/no-such-page?lang=en")
    assert page.locator("h1").inner_text() == "404 Page not found"
    check(page, "error-404")

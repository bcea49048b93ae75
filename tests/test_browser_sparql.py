"""YASGUI in a real browser (Debian's chromium): the example queries as tabs, a query run, its table.

Every request the page makes is recorded; all go to the server itself (YASGUI is vendored).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import launch_chromium

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.browser
QUESTION = "Who chaired the 20th IntMK (Land and person), and where did it take place?"  # queries/chair-and-place-of-20th.rq


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def test_yasgui_runs_an_example_query_and_shows_the_table(browser, live_server):
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(live_server.sparql)
    tabs = page.locator(".yasgui .tabsList .tab")
    tabs.first.wait_for()
    names = [t.strip().rstrip("✖").strip() for t in tabs.all_inner_texts()]
    assert len(names) == len(list((ROOT / "queries").glob("*.rq")))
    assert QUESTION in names

    page.locator(".yasgui .tabsList .tab", has_text=QUESTION).click()
    panel = page.locator(".tabPanel.active")
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable")
    table.locator("tbody tr").first.wait_for()
    text = table.inner_text()
    assert "Göttingen" in text and "Niedersachsen" in text and "Andreas Philippi" in text
    assert table.locator("tbody tr").count() == 1

    assert errors == []
    hosts = {urlsplit(u).netloc for u in requested if not u.startswith("data:")}
    assert hosts == {urlsplit(live_server.url).netloc}
    page.close()


def test_a_new_tab_opens_with_its_prefixes_declared_and_runs(browser, live_server):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.sparql)
    tabs = page.locator(".yasgui .tabsList .tab")
    tabs.first.wait_for()
    before = tabs.count()
    page.get_by_role("button", name="Add a new tab").click()  # outside the tab list (sparql.js)
    page.wait_for_function(f"document.querySelectorAll('.yasgui .tabsList .tab').length > {before}")
    panel = page.locator(".tabPanel.active")
    text = panel.locator(".CodeMirror").evaluate("el => el.CodeMirror.getValue()")
    assert text.startswith("PREFIX intmk: <https://w3id.org/intmk/ontology#>")
    assert panel.locator(".CodeMirror .cm-error").count() == 0  # no prefix marked as undefined
    panel.locator(".yasqe_queryButton").click()
    table = panel.locator(".yasr table.dataTable")
    table.locator("tbody tr").first.wait_for()
    assert "20. Integrationsministerkonferenz" in table.inner_text() or table.locator("tbody tr").count() >= 20
    assert errors == []
    page.close()


def test_a_syntax_error_is_shown_whole_in_the_editor(browser, live_server):
    page = browser.new_page()
    page.goto(live_server.sparql + "?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20foo%3Abar%20%3Fo%20%7D")
    results = page.locator(".tabPanel.active .yasr")
    results.get_by_text("is not declared").wait_for()
    text = results.inner_text()
    assert "the prefix foo: is not declared" in text and "orgn:" in text  # the whole list, to its end
    assert "SELECT * WHERE { ?s foo:bar ?o }" in text and text.rstrip().endswith("^")
    page.close()

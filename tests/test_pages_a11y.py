"""The other pages of the site, on a phone (in German) and on a desktop (in English): each fits the screen,
axe-core finds no serious or critical fault, and its `<html lang>` is the language asked for.

One page per kind is enough (the templates are shared within a kind). Screenshots of each are written
to test-screenshots/ for a person to look at (tests/pagecheck.py).
"""

from __future__ import annotations

import pytest
from pagecheck import DESKTOP, PHONE, axe_violations, horizontal_overflow, screenshot

pytestmark = pytest.mark.browser

# The pages of the site that tests/test_browse_pages.py (home, lists, search, queries, dumps, graphs, the
# 404) and tests/test_entity_pages.py (each kind of entity) do not already check in the browser.
PAGES = {  # kind -> path (the language is added as ?lang=)
    "sparql-editor": "sparql",
    "graph": "graph/ms-ni-2025-068",
    "conference-cancelled": "doc/conference/15",
    "ontology": "ontology",
    "shapes": "shapes",
    "void": ".well-known/void",
    "entity-not-found": "doc/conference/999",
}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
LANG = {"phone": "de", "desktop": "en"}  # each language once per page, each width once


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_fits_the_screen_and_passes_axe(live_server, chromium, kind, viewport):
    lang = LANG[viewport]
    page = chromium.new_page(viewport=VIEWPORTS[viewport])
    try:
        response = page.goto(f"{live_server.url}{PAGES[kind]}?lang={lang}")
        assert response.status == (404 if kind == "entity-not-found" else 200), kind
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{kind}-{viewport}-{lang}")
        assert page.evaluate("document.documentElement.lang") == lang
        assert horizontal_overflow(page) == 0, f"{kind} scrolls sideways at {VIEWPORTS[viewport]['width']} px"
        assert axe_violations(page) == []
    finally:
        page.close()

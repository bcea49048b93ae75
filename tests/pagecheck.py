"""What every page must pass in the browser: no sideways scrolling, no serious accessibility fault.

axe-core comes from the npm registry (tests/clients, installed by `npm ci`) and is injected into the
page under test; nothing is fetched by the page itself. Screenshots go to `test-screenshots/` (or
`$INTMK_SCREENSHOTS`) for a person to look at after the run.
"""

from __future__ import annotations

import os
from pathlib import Path

AXE = Path(__file__).parent / "clients" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("INTMK_SCREENSHOTS", Path(__file__).parent.parent / "test-screenshots"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def axe_violations(page, impacts=("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts, one readable line each (rule, impact, first targets)."""
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run `npm ci` in tests/clients")
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script> tag: the page's CSP forbids inline scripts
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"] if v["impact"] in impacts]


def screenshot(page, name: str) -> Path:
    """The whole page as PNG, named after the page kind and viewport."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

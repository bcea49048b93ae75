"""One way to start the browser for UI tests: Debian's chromium, headless, with no network of its own."""

import shutil

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch_chromium(playwright):
    """A Playwright Browser on the system chromium (no browser download)."""
    return playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)

"""Every server setting is documented with its flag, key and default, and the CLI offers it."""

from pathlib import Path

from click.testing import CliRunner

from intmk_kg.cli import main
from intmk_kg.web.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_docs_with_its_default():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    rows = {line.split("|")[2].strip(" `"): line for line in doc.splitlines() if line.startswith("| `--")}
    assert set(rows) == {s.name for s in SETTINGS}
    for s in SETTINGS:
        assert f"`{s.flag}`" in rows[s.name]
        assert f"`{s.default}`" in rows[s.name], f"{s.name}: default {s.default!r} not documented"


def test_serve_offers_every_setting_as_a_flag():
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    for s in SETTINGS:
        assert s.flag in help_text

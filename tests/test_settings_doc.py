"""docs/settings.md's table is the SETTINGS table (written from it, checked by a test), and the CLI offers every setting."""

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from intmk_kg.cli import main
from intmk_kg.web.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "intmk_kg.web.settings_doc", "--check", str(path)],
                          capture_output=True, text=True, cwd=ROOT)


def test_settings_doc_is_the_settings_table():
    """Help texts and defaults in docs/settings.md are exactly the code's, so neither can drift."""
    result = check(ROOT / "docs" / "settings.md")
    assert result.returncode == 0, result.stderr


def test_the_check_fails_on_a_drifted_doc(tmp_path):
    """The check above is worth something only if a changed row fails it."""
    doc = tmp_path / "settings.md"
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert "| `8080` | Port to bind. |" in text
    doc.write_text(text.replace("| `8080` | Port to bind. |", "| `8081` | Port to bind. |"), encoding="utf-8")
    result = check(doc)
    assert result.returncode == 1
    assert "differs" in result.stderr


def test_serve_offers_every_setting_as_a_flag():
    help_text = CliRunner().invoke(main, ["serve", "--help"]).output
    for s in SETTINGS:
        assert s.flag in help_text

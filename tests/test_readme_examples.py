"""The README's curl and Python examples run as printed, in order, against a real server.

Only the server's address differs: the examples name `http://127.0.0.1:8080` (where `intmk-kg
serve` listens by default) and the test's server has a free port. curl is run with a `.curlrc`
saying `--fail-with-body`, so an example answered with an HTTP error fails the test too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DEFAULT = "http://127.0.0.1:8080"


def shell_examples(text: str) -> list[str]:
    """The indented code blocks that hold a curl command, each as one script (`Q='…'` may span lines)."""
    blocks, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("    "):
            current.append(line[4:])
        else:
            if any(part.startswith("curl ") for part in current):
                blocks.append("\n".join(current))
            current = []
    return blocks


def python_examples(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_the_first_curl_example_defines_base():
    first = shell_examples(README.read_text(encoding="utf-8"))[0]
    assert first.splitlines()[0].startswith("BASE=")


def test_every_curl_example_runs(live_server, tmp_path):
    assert shutil.which("curl"), "curl is needed (Debian's curl)"
    (tmp_path / ".curlrc").write_text("fail-with-body\nsilent\nshow-error\n", encoding="utf-8")
    scripts = shell_examples(README.read_text(encoding="utf-8"))
    assert len(scripts) >= 6, "the README's curl examples were not found"
    script = "set -e\n" + "\n".join(scripts).replace(DEFAULT, live_server.url.rstrip("/"))
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, f"{done.stderr[-2000:]}\n{done.stdout[-2000:]}"
    assert '"boolean"' not in done.stdout or "true" in done.stdout
    assert "Göttingen" in done.stdout or "goettingen" in done.stdout  # the SPARQL examples' answers
    assert (tmp_path / "intmk-kg.nq.gz").is_file()  # curl -O saved the dump


def test_every_python_example_runs(live_server, tmp_path):
    code = "\n".join(python_examples(README.read_text(encoding="utf-8")))
    assert "SPARQLWrapper" in code and "rdflib" in code
    script = tmp_path / "examples.py"
    script.write_text(code.replace(DEFAULT, live_server.url.rstrip("/")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0] == "16"  # the Länder with an ISO code, as the example's comment says
    assert "http://www.wikidata.org/entity/Q1197" in lines  # Niedersachsen's QID (data/reference/states.csv)


DOCS_USING_BASE = sorted(p.name for p in (ROOT / "docs").glob("*.md") if "$BASE" in p.read_text(encoding="utf-8"))


def test_some_doc_uses_base():
    assert DOCS_USING_BASE, "no doc has a $BASE example: the test below checks nothing"


@pytest.mark.parametrize("name", DOCS_USING_BASE)
def test_docs_examples_name_base_before_use(name):
    """A doc whose shell examples use $BASE says what it is in the same block or the prose before."""
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert "BASE=" in text[:text.find("$BASE")]

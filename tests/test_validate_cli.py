"""`intmk-kg validate` and `intmk-kg build` on broken projects, run as a user runs them.

Every test starts the installed console script in a subprocess on a throw-away project made of
this checkout's ontology and shapes plus fixtures from tests/fixtures/shapes/.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("intmk-kg"))

QUOTE = "https://w3id.org/intmk/id/statement/20-philippi-1"
SPEAKER = "https://w3id.org/intmk/ontology#speaker"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture()
def broken(make_project) -> Path:
    """A project whose only fault is a quote without a speaker."""
    return make_project(data=["shapes/base.trig", "shapes/statement-speaker-mincount.trig"])


def test_validate_names_focus_path_message_and_file(broken):
    out = run("validate", "--home", str(broken), cwd=broken)
    assert out.returncode == 1, out.stderr
    source = broken / "data" / "statement-speaker-mincount.trig"
    assert out.stdout.splitlines() == [
        f"Violation: {QUOTE} {SPEAKER}: every quote needs exactly one speaker (a person) [{source}]",
        "1 SHACL result(s), 0 integrity problem(s)",
    ]


def test_validate_reports_integrity_problems(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/integrity-dangling.trig"])
    out = run("validate", "--home", str(home), cwd=home)
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(
        "Integrity: dangling reference: https://w3id.org/intmk/id/conference/20 "
        "https://w3id.org/intmk/ontology#participant https://w3id.org/intmk/id/person/nobody"
    )
    assert lines[-1] == "0 SHACL result(s), 1 integrity problem(s)"


def test_validate_turtle_is_a_shacl_report_graph(broken):
    out = run("validate", "--home", str(broken), "--format", "turtle", cwd=broken)
    assert out.returncode == 1, out.stderr
    report = rdflib.Graph().parse(data=out.stdout, format="turtle")
    (node,) = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == rdflib.Literal(False)
    (result,) = report.objects(node, SH.result)
    assert report.value(result, SH.focusNode) == rdflib.URIRef(QUOTE)
    assert report.value(result, SH.resultPath) == rdflib.URIRef(SPEAKER)
    assert report.value(result, SH.sourceConstraintComponent) == SH.MinCountConstraintComponent


def test_validate_shipped_project_conforms(tmp_path):
    out = run("validate", "--home", str(ROOT), cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "conforms: no SHACL violation, no integrity problem"


def test_validate_names_file_and_line_of_a_syntax_error(make_project):
    home = make_project(data=["shapes/base.trig", "shapes/loader/syntax-error.trig"])
    out = run("validate", "--home", str(home), cwd=home)
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr.startswith(f"error: {home / 'data' / 'syntax-error.trig'}:12:")
    assert "Traceback" not in out.stderr


def snapshot(out: Path) -> dict[str, str]:
    """Every file under the output folder with its SHA-256, and where `current` points."""
    files = {"current ->": os.readlink(out / "current")}
    for folder, _, names in os.walk(out):
        for name in names:
            path = Path(folder) / name
            if not path.is_symlink():
                files[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


@pytest.mark.parametrize(
    "fault, code, says",
    [
        ("shapes/statement-speaker-mincount.trig", 1, "error: the data does not conform; nothing was published"),
        ("shapes/loader/syntax-error.trig", 2, "syntax-error.trig:12:"),
    ],
    ids=["shacl-violation", "syntax-error"],
)
def test_failed_build_leaves_the_previous_release_current(make_project, tmp_path, fault, code, says):
    home = make_project(data=["shapes/base.trig"])
    out = tmp_path / "dist"
    first = run("build", "--home", str(home), "--out", str(out), "--quiet", cwd=home)
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert any(name.endswith("release.json") for name in before)

    (home / "data" / Path(fault).name).write_bytes((ROOT / "tests" / "fixtures" / fault).read_bytes())
    second = run("build", "--home", str(home), "--out", str(out), "--quiet", cwd=home)
    assert second.returncode == code, second.stdout + second.stderr
    assert says in second.stderr
    assert "Traceback" not in second.stderr
    assert snapshot(out) == before

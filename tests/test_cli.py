"""The command line as a user runs it: real subprocesses of the installed `intmk-kg` script."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).with_name("intmk-kg"))]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_query_file_as_table(release_dir):
    out = run("query", "queries/chair-of-21st.rq", "--dist", str(release_dir))
    assert out.returncode == 0, out.stderr
    assert "Nordrhein-Westfalen" in out.stdout and "2025-07-01" in out.stdout
    assert out.stdout.strip().endswith("(1 row)")


def test_query_text_as_csv_and_json(release_dir):
    q = "PREFIX intmk: <https://w3id.org/intmk/ontology#> SELECT ?code WHERE { ?s intmk:isoCode ?code } ORDER BY ?code"
    out = run("query", q, "--format", "csv", "--dist", str(release_dir))
    assert out.returncode == 0, out.stderr
    codes = [r["code"] for r in csv.DictReader(io.StringIO(out.stdout))]
    assert len(codes) == 16 and codes[0] == "DE-BB" and "DE-HB" in codes
    out = run("query", "ASK { ?s ?p ?o }", "--format", "json", "--dist", str(release_dir))
    assert json.loads(out.stdout)["boolean"] is True


def test_malformed_query_names_the_place(release_dir):
    out = run("query", "SELECT ?x WHERE { ?x ?y }", "--dist", str(release_dir))
    assert out.returncode == 2
    assert re.search(r"error: .*\b1:2[0-9]\b", out.stderr), out.stderr  # line 1, column of the bad token


def test_query_without_a_release_says_what_to_do(tmp_path):
    out = run("query", "ASK {}", "--dist", str(tmp_path))
    assert out.returncode != 0
    assert "intmk-kg build" in out.stderr


def test_long_inline_query_is_not_taken_for_a_file_name(release_dir):
    # Longer than a file name may be (255 bytes) and without a "/", so it is one path component.
    q = "# a comment line that makes the query long\n" * 8 + "SELECT (COUNT(?code) AS ?n) WHERE { ?s <urn:none> ?code }"
    assert len(q.encode()) > 255 and "/" not in q
    out = run("query", q, "--format", "csv", "--dist", str(release_dir))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["n", "0"]


def test_missing_query_file_is_a_clear_error(release_dir):
    out = run("query", "queries/no-such-query.rq", "--dist", str(release_dir))
    assert out.returncode != 0
    assert "queries/no-such-query.rq" in out.stderr and "Traceback" not in out.stderr

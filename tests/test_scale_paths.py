"""The paths that carry 10M triples, run here on small synthetic data.

A build from a synthetic folder with an on-disk store and the fast SHACL engine; dumps that
read back to the store's content whichever JSON-LD writer runs; a content version that does not
depend on load order; and the fast engine reporting exactly what pySHACL (the reference) reports,
on injected violations and on every shape fixture of tests/test_shapes.py.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from test_shapes import CASES, expand, fixture_project

from intmk_kg import dumps
from intmk_kg import namespaces as ns
from intmk_kg.errors import InputError
from intmk_kg.inference import INFERRED_GRAPH
from intmk_kg.loader import load_project
from intmk_kg.progress import Progress
from intmk_kg.project import Project
from intmk_kg.release import build, content_version, load_store, store_mismatch, write_store
from intmk_kg.synth import generate, ontology_topics
from intmk_kg.validation import validate

pytestmark = pytest.mark.slow  # synthetic releases built and validated: scale

CLI = [str(Path(sys.executable).with_name("intmk-kg"))]
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, project) -> Path:
    folder = tmp_path_factory.mktemp("synth") / "data"
    generate(folder, 20_000, 11, ontology_topics(project.ontology_files()))
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory, project, synthetic):
    out = tmp_path_factory.mktemp("dist")
    store_path = out / "store"
    release = build(project, out, data=synthetic, store=store_path, shacl="turbo")
    return release, store_path


@pytest.fixture(scope="module")
def release_store(built):
    return load_store(built[0])


def read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


def test_release_counts_the_synthetic_triples(built, synthetic, project, release_store):
    release, _ = built
    written = json.loads((synthetic / "synth.json").read_text())
    ontology = sum(1 for path in project.ontology_files() for _ in ox.parse(path=str(path)))
    stats = release.manifest["statistics"]
    inferred = sum(1 for _ in release_store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    assert inferred > written["graphs"]  # at least a superclass of each synthetic document's resolution or office
    assert stats["quads"] - inferred == written["triples"] + ontology + 2  # the ontology graph also describes itself
    assert stats["triples"] == stats["quads"]  # no synthetic triple is stated by two documents, none is inferred twice
    assert stats["graphs"] == written["graphs"] + 2  # and the ontology's graph and the inferred graph


@pytest.mark.parametrize("fmt", dumps.DUMPS, ids=lambda d: d.name)
def test_dumps_read_back_to_the_store(built, release_store, fmt):
    release, store = built[0], release_store
    named = set(dumps.named_quads(store))
    union = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    data = read(release.file(fmt.filename))
    if fmt.name == "jsonld":
        assert json.loads(data)["@context"] == dict(ns.PREFIXES)
    parsed = list(ox.parse(data, format=dumps.OX_FORMATS[fmt.name]))
    if fmt.dataset:  # the named graphs, and their union as default graph
        assert set(parsed) == named | {ox.Quad(*t) for t in union}
    else:
        assert {q.triple for q in parsed} == union


def test_both_jsonld_writers_give_the_same_dataset(tmp_path, monkeypatch, project):
    generate(tmp_path / "data", 2000, 3, ontology_topics(project.ontology_files()))
    store = load_project(project, data=tmp_path / "data").store
    fmt = next(d for d in dumps.DUMPS if d.name == "jsonld")
    monkeypatch.setattr(dumps, "JSONLD_COMPACT_MAX", 10**9)
    dumps.write_dump(store, fmt, tmp_path / "compact.jsonld")
    monkeypatch.setattr(dumps, "JSONLD_COMPACT_MAX", 0)
    dumps.write_dump(store, fmt, tmp_path / "streamed.jsonld")
    compact = rdflib.Dataset().parse(tmp_path / "compact.jsonld", format="json-ld")
    streamed = rdflib.Dataset().parse(tmp_path / "streamed.jsonld", format="json-ld")
    assert set(compact.quads()) == set(streamed.quads())
    union = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(set(streamed.quads())) == len(set(dumps.named_quads(store))) + union


def open_store(path: Path, release) -> ox.Store:
    """The on-disk store of `release`, opened read-only as each server process opens it."""
    assert store_mismatch(path, release) is None
    return ox.Store.read_only(str(path))


def test_on_disk_store_opens_read_only_with_the_release_content(built, release_store):
    release, store_path = built
    disk = open_store(store_path, release)
    memory = release_store
    assert len(disk) == len(memory) == 2 * release.manifest["statistics"]["quads"]
    assert set(disk.quads_for_pattern(None, None, None, ox.DefaultGraph())) == set(
        memory.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    with pytest.raises(RuntimeError, match="read-write"):
        disk.add(ox.Quad(ox.NamedNode("https://w3id.org/intmk/id/x/y"), ox.NamedNode(ns.ONT + "name"), ox.Literal("x")))


def test_store_of_another_release_is_refused(built, tmp_path):
    release, store_path = built
    copy = tmp_path / "store"
    shutil.copytree(store_path, copy)
    (copy / "intmk-release.json").write_text('{"version": "000000000000"}')
    assert "holds release 000000000000, not release" in store_mismatch(copy, release)


def test_a_store_of_ours_is_replaced_by_the_next_release(built, tmp_path, project):
    release, _ = built
    generate(tmp_path / "data", 2000, 4, ontology_topics(project.ontology_files()))
    other = build(project, tmp_path / "dist", data=tmp_path / "data")
    path = tmp_path / "store"
    write_store(release, path)
    write_store(other, path)
    assert not list(tmp_path.glob(".store.*")), "no temporary or old folder is left behind"
    disk = open_store(path, other)
    assert len(disk) == 2 * other.manifest["statistics"]["quads"]
    assert store_mismatch(path, release) is not None


def test_a_folder_that_is_not_a_store_is_never_replaced(built, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not an intmk-kg store"):
        write_store(built[0], folder)
    assert (folder / "notes.txt").read_text() == "keep me"


def test_content_version_does_not_depend_on_load_order(built, release_store):
    release, store = built[0], release_store
    quads = list(dumps.named_quads(store))
    backwards = ox.Store()
    backwards.extend(reversed(quads))
    assert content_version(backwards) == content_version(store) == release.version


def test_build_command_from_a_synthetic_folder(tmp_path):
    synth = subprocess.run(CLI + ["synth", "--triples", "3000", "--out", str(tmp_path / "data")],
                           capture_output=True, text=True, timeout=120)
    assert synth.returncode == 0, synth.stderr
    out = subprocess.run(CLI + ["build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "dist"),
                                "--store", str(tmp_path / "store"), "--shacl", "turbo"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("release ") and "Traceback" not in out.stderr
    assert "\r" not in out.stderr, "not a terminal: plain lines only"
    for stage in ("load data files", "SHACL (pyshacl-turbo", "content version", "dump intmk-kg.nq.gz", "on-disk store"):
        assert stage in out.stderr
    assert (tmp_path / "store" / "intmk-release.json").is_file()


# --- the fast SHACL engine reports what pySHACL reports -------------------------------------------

INJECTED = """@prefix intmk: <https://w3id.org/intmk/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/intmk/id/> .
@prefix graph: <https://w3id.org/intmk/graph/> .

graph:synth-injected {
    graph:synth-injected prov:wasDerivedFrom <https://w3id.org/intmk/id/document/synth-register> .
    <https://w3id.org/intmk/id/conference/synth-s00001-0002> intmk:ordinal 7 .
    <https://w3id.org/intmk/id/conference/synth-x-dup> a intmk:Conference ;
        rdfs:label "Doppelte Nummer"@de , "duplicate number"@en ;
        intmk:ordinal 3 ; intmk:partOfSeries <https://w3id.org/intmk/id/organisation/synth-s00001> .
    <https://w3id.org/intmk/id/chair/synth-s00001-0001> intmk:chairState <https://w3id.org/intmk/id/state/synth-by> .
    <https://w3id.org/intmk/id/person/synth-x-nameless> a intmk:Person ; rdfs:label "Namenlos"@de , "nameless"@en .
    <https://w3id.org/intmk/id/state/synth-ni> rdfs:label "Noch ein Name"@de .
    <https://w3id.org/intmk/id/resolution/synth-s00001-0001-1> intmk:cites <https://w3id.org/intmk/id/state/synth-ni> .
    <https://w3id.org/intmk/id/law/synth-x-law> a intmk:Law ; rdfs:label "Gesetz"@de , "act"@en ;
        intmk:title "Gesetz"@de ; intmk:promulgationDate "2020-01-01" .
    <https://w3id.org/intmk/id/contact/synth-s00001-0001> intmk:email "not-an-email" .
    <https://w3id.org/intmk/id/person/synth-s00001-p0001> owl:sameAs <http://example.org/Q1> .
}

graph:synth-x-orphan {
    <https://w3id.org/intmk/id/actor/synth-bund> rdfs:comment "a graph that forgot its provenance" .
}
"""

# (focus, result path, component) of each injected violation, written by hand from INJECTED above
EXPECTED = {
    ("id/conference/synth-s00001-0002", "intmk:ordinal", "MaxCount"),
    ("id/conference/synth-x-dup", None, "SPARQL"),
    ("id/conference/synth-s00001-0003", None, "SPARQL"),  # series 2's conference 3 is not a duplicate
    ("id/chair/synth-s00001-0001", "intmk:chairState", "MaxCount"),
    ("id/person/synth-x-nameless", "intmk:name", "MinCount"),
    ("id/state/synth-ni", "rdfs:label", "UniqueLang"),
    ("id/resolution/synth-s00001-0001-1", "intmk:cites", "Class"),
    ("id/law/synth-x-law", "intmk:promulgationDate", "Datatype"),
    ("id/contact/synth-s00001-0001", "intmk:email", "Pattern"),
    ("id/person/synth-s00001-p0001", "owl:sameAs", "Pattern"),
    ("graph/synth-x-orphan", "prov:wasDerivedFrom", "MinCount"),
}


def expected(rows) -> set[tuple[str, str | None, str]]:
    return {(expand(focus), expand(path), f"{SH}{comp}ConstraintComponent") for focus, path, comp in rows}


@pytest.fixture(scope="module")
def injected(tmp_path_factory, project):
    folder = tmp_path_factory.mktemp("injected") / "data"
    summary = generate(folder, 3000, 5, ontology_topics(project.ontology_files()), per_series=5)
    assert summary.series >= 2
    (folder / "synth-injected.trig").write_text(INJECTED, encoding="utf-8")
    return load_project(project, data=folder), folder


@pytest.mark.parametrize("engine, options", [("pyshacl", {}), ("turbo", {"batch_quads": 500, "workers": 2})],
                         ids=["pyshacl", "turbo-in-processes"])
def test_engines_report_the_injected_violations(project, injected, engine, options):
    loaded, folder = injected
    result = validate(loaded, project.shapes_files(), engine=engine, **options)
    assert result.engine == engine
    assert {(v.focus, v.path, v.component) for v in result.violations} == expected(EXPECTED), result.text()
    assert [p.message for p in result.problems] == [
        "named graph https://w3id.org/intmk/graph/synth-x-orphan does not state prov:wasDerivedFrom about itself"]
    (cites,) = [v for v in result.violations if v.path == ns.ONT + "cites"]
    assert cites.files == [str(folder / "synth-injected.trig"), str(folder / "synth-s00001.trig")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.fixture.rsplit(".", 1)[0])
def test_fast_engine_breaks_each_shape_fixture_as_pyshacl_does(make_project, case):
    """test_shapes.py checks pySHACL against the same hand-written table; each graph is a batch of its own."""
    project = Project.at(fixture_project(make_project, case.fixture))
    result = validate(load_project(project), project.shapes_files(), engine="turbo", batch_quads=1, workers=1)
    found = {(v.focus, v.path, v.component) for v in result.violations}
    assert found == expected(case.results), result.text()


# --- progress -------------------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_in_a_log_is_plain_lines_with_counts_and_eta():
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, tty=False, clock=clock)
    with progress.stage("dump", 1000, "quads") as stage:
        clock.now = 11.0
        stage.advance(250)  # 11 s for a quarter: 33 s to go
        clock.now = 12.0
        stage.advance(250)  # less than 10 s since the last line: no line
        clock.now = 20.0
        stage.advance(500)
    assert out.getvalue().splitlines() == [
        "[    0.0s] dump ...",
        "[   11.0s] dump: 250 quads of 1,000 quads (25%), ETA 33.0s",
        "[   20.0s] dump: 1,000 quads in 20.0s",
    ]


def test_progress_on_a_terminal_redraws_one_line():
    out, clock = io.StringIO(), Clock()
    progress = Progress(out, tty=True, clock=clock)
    with progress.stage("load", 2e6, "bytes") as stage:
        clock.now = 1.0
        stage.advance(1e6)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\r\x1b[K[    1.0s] load: 1.0 MB in 1.0s\n")
    assert "\r\x1b[K[    1.0s] load: 1.0 MB of 2.0 MB (50%), ETA 1.0s" in text

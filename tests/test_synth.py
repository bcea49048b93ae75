"""Synthetic data: deterministic, about the size asked for, valid, and never about a real entity."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from intmk_kg import namespaces as ns
from intmk_kg.loader import load_project
from intmk_kg.synth import SUMMARY_FILE, generate, ontology_topics
from intmk_kg.validation import validate

CLI = [str(Path(sys.executable).with_name("intmk-kg"))]
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


@pytest.fixture(scope="module")
def topics(project):
    return ontology_topics(project.ontology_files())


def quads_of(folder: Path) -> list[ox.Quad]:
    return [q for p in sorted(folder.glob("*.trig")) for q in ox.parse(path=str(p))]


def test_topics_are_those_of_the_ontology(topics):
    assert "integration-policy" in topics and "welcome-structures" in topics
    assert topics == sorted(topics) and len(topics) == 15


def test_same_seed_same_bytes_other_seed_other_data(tmp_path, topics):
    a = generate(tmp_path / "a", 3000, 7, topics)
    b = generate(tmp_path / "b", 3000, 7, topics)
    c = generate(tmp_path / "c", 3000, 8, topics)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names)
    assert a == b
    assert (tmp_path / "a" / "synth-s00001.trig").read_bytes() != (tmp_path / "c" / "synth-s00001.trig").read_bytes()
    assert c.seed == 8


def test_size_is_close_to_the_request_and_counted_right(tmp_path, topics):
    summary = generate(tmp_path / "d", 5000, 1, topics)
    quads = quads_of(tmp_path / "d")
    assert summary.triples == len(quads) == len(set(quads))
    assert 5000 <= summary.triples < 5000 + 1000  # whole conferences: one more is at most a few hundred triples
    written = json.loads((tmp_path / "d" / SUMMARY_FILE).read_text())
    assert written["triples"] == summary.triples and written["requested_triples"] == 5000


def test_one_named_graph_per_source_document_each_with_its_provenance(tmp_path, topics):
    generate(tmp_path / "d", 3000, 1, topics)
    quads = quads_of(tmp_path / "d")
    graphs = {q.graph_name for q in quads}
    assert all(isinstance(g, ox.NamedNode) for g in graphs)
    sources = {q.graph_name: q.object for q in quads if q.subject == q.graph_name and q.predicate == PROV_DERIVED}
    assert set(sources) == graphs
    assert len(set(sources.values())) == len(graphs), "no two graphs share a source document"


def test_every_minted_iri_is_a_synthetic_key(tmp_path, topics):
    generate(tmp_path / "d", 3000, 1, topics)
    minted = set()
    for q in quads_of(tmp_path / "d"):
        for term in (q.subject, q.object, q.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith((ns.ID, ns.GRAPH)):
                minted.add(term.value)
    topic_iris = {ns.entity("topic", t) for t in topics}
    ours = {iri for iri in minted if iri not in topic_iris}
    pattern = re.compile(r"^https://w3id\.org/intmk/(id/[a-z]+|graph)/synth-")
    assert ours and all(pattern.match(iri) for iri in ours), sorted(i for i in ours if not pattern.match(i))[:5]
    qids = [q.object.value for q in quads_of(tmp_path / "d") if q.object.value.startswith(ns.WD)]
    assert qids and all(int(v.rsplit("Q", 1)[1]) > 990_000_000_000 for v in qids)


def test_synthetic_data_passes_the_shapes_with_the_reference_engine(tmp_path, topics, project):
    # five conferences per series, so that two series each number their conferences from 1
    summary = generate(tmp_path / "d", 3000, 3, topics, per_series=5)
    assert summary.series >= 2
    result = validate(load_project(project, data=tmp_path / "d"), project.shapes_files(), engine="pyshacl")
    assert result.conforms, result.text()


def test_refuses_a_folder_that_is_not_empty(tmp_path, topics):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "keep.trig").write_text("")
    with pytest.raises(FileExistsError):
        generate(tmp_path / "d", 1000, 1, topics)


def test_synth_command(tmp_path):
    out = subprocess.run(CLI + ["synth", "--triples", "2000", "--out", str(tmp_path / "d"), "--seed", "5"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert re.match(r"^\d+ triples in \d+ graphs \(\d+ conferences in 1 series, 2 files\) -> ", out.stdout)
    again = subprocess.run(CLI + ["synth", "--triples", "2000", "--out", str(tmp_path / "d")],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "not empty" in again.stderr and "Traceback" not in again.stderr

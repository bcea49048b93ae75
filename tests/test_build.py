"""The release: every dump reads back to the same graph, and the metadata tells the truth about the files."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from intmk_kg.dumps import DUMPS, named_quads
from intmk_kg.errors import InputError
from intmk_kg.project import Project
from intmk_kg.release import build, content_version, open_release

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
OX = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE,
      "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}


def read(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@pytest.fixture(scope="module")
def expected(store):
    quads = set(named_quads(store))
    return quads, {q.triple for q in quads}


@pytest.mark.parametrize("fmt", [d for d in DUMPS if d.name != "jsonld"], ids=lambda d: d.name)
def test_dump_reads_back_to_the_same_graph(release, expected, fmt):
    quads, triples = expected
    parsed = list(ox.parse(read(release.file(fmt.filename)), format=OX[fmt.name]))
    if fmt.dataset:  # the named graphs, and their union as default graph
        assert {q for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph)} == quads
        assert {q.triple for q in parsed if isinstance(q.graph_name, ox.DefaultGraph)} == triples
    else:
        assert {q.triple for q in parsed} == triples
        assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in parsed)


def test_jsonld_dump_reads_back_without_fetching_a_context(release, expected):
    quads, triples = expected
    doc = json.loads(release.file("intmk-kg.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict), "the context must be inline, not a URL to fetch"
    ds = rdflib.Dataset()
    ds.parse(release.file("intmk-kg.jsonld"), format="json-ld")
    got = set(ox.parse(ds.serialize(format="nquads").encode(), format=ox.RdfFormat.N_QUADS))
    assert got == quads | {ox.Quad(*t) for t in triples}


def test_void_lists_every_dump_with_true_size_and_checksum(release):
    g = rdflib.Graph().parse(release.file("void.ttl"))
    dists = list(g.subjects(rdflib.RDF.type, DCAT.Distribution))
    gzipped = {d.filename for d in DUMPS if d.filename.endswith(".gz")}
    plain = {name.removesuffix(".gz") for name in gzipped}  # served decompressed under these names
    assert {str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1] for d in dists} == {d.filename for d in DUMPS} | plain
    for d in dists:
        name = str(g.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]
        data = release.file(name).read_bytes() if name not in plain else gzip.decompress(release.file(name + ".gz").read_bytes())
        assert int(g.value(d, DCAT.byteSize)) == len(data)
        checksum = g.value(d, SPDX.checksum)
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(d, DCAT.mediaType)).startswith("https://www.iana.org/assignments/media-types/")


def test_void_counts_match_the_graph(release, expected):
    _, triples = expected
    g = rdflib.Graph().parse(release.file("void.ttl"))
    dataset = rdflib.URIRef("https://w3id.org/intmk/dataset")
    assert int(g.value(dataset, VOID.triples)) == len(triples)
    assert str(g.value(dataset, DCAT.version)) == release.version
    assert g.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
    linkset = rdflib.URIRef("https://w3id.org/intmk/dataset/linkset/wikidata")
    assert g.value(linkset, VOID.linkPredicate) == rdflib.OWL.sameAs
    assert int(g.value(linkset, VOID.triples)) == 25  # 16 Länder + 9 places with verified QIDs
    partitions = {g.value(p, VOID["class"]): int(g.value(p, VOID.entities)) for p in g.objects(dataset, VOID.classPartition)}
    assert partitions[rdflib.URIRef("https://w3id.org/intmk/ontology#State")] == 16


def test_checksum_files_agree(release):
    manifest = release.manifest
    sums = dict(reversed(line.split("  ")) for line in release.file("SHA256SUMS").read_text().splitlines())
    for f in manifest["files"]:
        assert sums[f["name"]] == f["sha256"] == hashlib.sha256(release.file(f["name"]).read_bytes()).hexdigest()


def test_gzip_dumps_are_reproducible(release):
    raw = release.file("intmk-kg.nq.gz").read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00", "gzip mtime must be 0 so equal content gives equal bytes"


def test_each_uncompressed_download_has_a_reproducible_gzip_copy(release):
    """Sent with Content-Encoding: gzip by /dumps/, so no request compresses a dump (checked like any file)."""
    plain = [f["name"] for f in release.downloads if f["encoding"] is None and f["size"] >= 1024]
    copies = {f["identity"]: f for f in release.files if f["kind"] == "encoded"}
    assert set(copies) == set(plain) and "intmk-kg.ttl" in plain
    sums = release.file("SHA256SUMS").read_text()
    for name, copy in copies.items():
        raw = release.file(copy["name"]).read_bytes()
        assert copy["name"] == name + ".gz" and copy["encoding"] == "gzip" and raw[4:8] == b"\x00\x00\x00\x00"
        assert gzip.decompress(raw) == release.file(name).read_bytes()
        assert f"{copy['sha256']}  {copy['name']}\n" in sums


def test_version_is_derived_from_content(store, release):
    assert content_version(store) == release.version
    changed = ox.Store()
    changed.extend(named_quads(store))
    changed.add(ox.Quad(ox.NamedNode("https://w3id.org/intmk/id/x/y"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                        ox.Literal("x"), ox.NamedNode("https://w3id.org/intmk/graph/ms-ni-2025-068")))
    assert content_version(changed) != release.version


@pytest.mark.slow
def test_rebuild_of_same_content_keeps_version_and_moves_current_atomically(project, tmp_path):
    first = build(project, tmp_path)
    link = tmp_path / "current"
    assert link.is_symlink() and open_release(tmp_path).version == first.version
    again = build(project, tmp_path)
    assert again.version == first.version
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == [f".{first.version}.checked.json", first.version]
    assert not list(tmp_path.glob(".current.tmp-*"))


@pytest.mark.slow
def test_a_copy_of_the_project_with_changed_data_gives_a_new_release_and_keeps_the_old(project, tmp_path):
    home = tmp_path / "home"
    for sub in ("ontology", "shapes", "data", "sources"):
        shutil.copytree(project.home / sub, home / sub)
    (home / "pyproject.toml").write_text("")

    copy = Project.at(home)
    out = tmp_path / "dist"
    old = build(copy, out)
    trig = home / "data" / "ms-ni-2025-068.trig"
    trig.write_text(trig.read_text(encoding="utf-8").replace('intmk:pressReleaseNumber "68/2025" ;',
                                                             'intmk:pressReleaseNumber "68/2025" ; skos:altLabel "PM 68/2025"@de ;', 1),
                    encoding="utf-8")
    new = build(copy, out)
    assert new.version != old.version
    assert open_release(out).version == new.version
    assert (out / "releases" / old.version / "release.json").is_file(), "earlier releases stay for replicas"


def test_release_ships_the_verbatim_texts_the_data_links_to_their_documents(release, project):
    # data/ms-ni-2025-068.trig: doc:ms-ni-2025-068 intmk:sourceText "ms-ni-2025-068-intmk20.txt"
    texts = [f for f in release.files if f["kind"] == "text"]
    assert [(f["name"], f["document"]) for f in texts] == [
        ("texts/ms-ni-2025-068-intmk20.txt", "https://w3id.org/intmk/id/document/ms-ni-2025-068")]
    shipped = release.file("texts/ms-ni-2025-068-intmk20.txt").read_bytes()
    assert shipped == (project.sources_dir / "ms-ni-2025-068-intmk20.txt").read_bytes()
    assert f"{texts[0]['sha256']}  texts/ms-ni-2025-068-intmk20.txt\n" in release.file("SHA256SUMS").read_text()
    assert all(f["kind"] != "text" for f in release.downloads)  # shown on the document's page, not a dump


def test_a_verbatim_text_missing_from_sources_stops_the_build(project, tmp_path):
    home = tmp_path / "home"
    for sub in ("ontology", "shapes", "data"):
        shutil.copytree(project.home / sub, home / sub)
    (home / "sources").mkdir()
    with pytest.raises(InputError, match="ms-ni-2025-068-intmk20.txt"):
        build(Project.at(home), tmp_path / "out")
    assert not (tmp_path / "out" / "current").exists()


@pytest.mark.slow
def test_the_same_input_writes_the_same_bytes_in_another_process(release, project, tmp_path):
    """Byte for byte, not only the same version: blank nodes (shapes, VoID partitions, checksums) are
    named by what they stand for, and the compact JSON-LD is written in a canonical order, so that a
    build in another process (other random blank node ids, another string hash seed) agrees."""
    cli = Path(sys.executable).with_name("intmk-kg")
    env = {**os.environ, "PYTHONHASHSEED": "4711"}
    subprocess.run([str(cli), "build", "--home", str(project.home), "--out", str(tmp_path), "--quiet"],
                   check=True, env=env, capture_output=True)
    again = open_release(tmp_path)
    assert again.version == release.version
    assert again.file("SHA256SUMS").read_bytes() == release.file("SHA256SUMS").read_bytes()
    assert again.file("release.json").read_bytes() == release.file("release.json").read_bytes()

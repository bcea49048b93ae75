"""Each dataset dump (N-Quads, its uncompressed view, TriG, JSON-LD) carries the union of its named
graphs as default graph: a client that reads only the default graph sees every fact, and the
named graphs are the same as before (issue 15). rdflib's Dataset is the client here; Comunica
reads the dumps by URL in test_comunica.py."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from intmk_kg.dumps import DUMPS, named_quads
from intmk_kg.release import sha256_of

RDFLIB = {"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}
PLACE = (rdflib.URIRef("https://w3id.org/intmk/id/conference/20"), rdflib.URIRef("https://w3id.org/intmk/ontology#location"),
         rdflib.URIRef("https://w3id.org/intmk/id/place/goettingen"))


@pytest.fixture(scope="module")
def expected(store):
    """The named graphs as sets of triples (by N-Triples text) and their union, from the built store."""
    graphs: dict[str, set[str]] = {}
    for q in named_quads(store):
        graphs.setdefault(q.graph_name.value, set()).add(f"{q.subject} {q.predicate} {q.object}")
    return graphs, set().union(*graphs.values())


def nt(triple) -> str:
    return " ".join(t.n3() for t in triple)


@pytest.mark.parametrize("fmt", [d for d in DUMPS if d.dataset], ids=lambda d: d.name)
def test_rdflib_dataset_sees_the_union_in_the_default_graph(release, expected, fmt):
    graphs, union = expected
    data = release.file(fmt.filename).read_bytes()
    ds = rdflib.Dataset()
    ds.parse(data=gzip.decompress(data) if fmt.gzip else data, format=RDFLIB[fmt.name])
    blank = any("_:" in t for t in union)
    default = {nt(t) for t in ds.graph(DATASET_DEFAULT_GRAPH_ID)}
    got = {str(g.identifier): {nt(t) for t in g} for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID}
    got = {k: v for k, v in got.items() if v}
    if blank:  # blank node labels are the reader's own: compare the counts
        assert len(default) == len(union)
        assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in graphs.items()}
    else:
        assert default == union
        assert got == graphs
    assert PLACE in ds.graph(DATASET_DEFAULT_GRAPH_ID)


def test_the_nquads_union_is_the_ntriples_dump(release):
    """The default graph of the N-Quads dump is written as the N-Triples dump is, line for line."""
    nq = gzip.decompress(release.file("intmk-kg.nq.gz").read_bytes())
    ntriples = gzip.decompress(release.file("intmk-kg.nt.gz").read_bytes())
    assert nq.startswith(ntriples)
    rest = ox.parse(nq[len(ntriples):], format=ox.RdfFormat.N_QUADS)
    assert not any(isinstance(q.graph_name, ox.DefaultGraph) for q in rest)


def test_the_release_checks_still_hold(release):
    """SHA256SUMS and the manifest name the dataset dumps with their new bytes; the plain view
    of intmk-kg.nq.gz is its decompressed content, union included; gzip copies decompress to the file."""
    sums = dict(reversed(line.split("  ", 1)) for line in release.file("SHA256SUMS").read_text().splitlines())
    entries = {f["name"]: f for f in release.files}
    for fmt in (d for d in DUMPS if d.dataset):
        assert sums[fmt.filename] == sha256_of(release.file(fmt.filename)) == entries[fmt.filename]["sha256"]
        assert "union as default graph" in entries[fmt.filename]["title"]
    plain = entries["intmk-kg.nq.gz"]["plain"]
    content = gzip.decompress(release.file("intmk-kg.nq.gz").read_bytes())
    assert plain["size"] == len(content)
    for name in ("intmk-kg.trig", "intmk-kg.jsonld"):
        copy = entries[name + ".gz"]
        assert copy["kind"] == "encoded" and copy["identity"] == name
        assert gzip.decompress(release.file(name + ".gz").read_bytes()) == release.file(name).read_bytes()


def test_compact_jsonld_is_the_same_bytes_in_every_process(release_dir):
    """rdflib orders nodes by Python's per-process string hashing; the dump sorts them, so two
    processes with different hash seeds write the same bytes."""
    script = ("import hashlib, io, sys; from intmk_kg.release import load_store, open_release; "
              "from intmk_kg.dumps import write_dump, DUMPS; "
              "fmt = next(d for d in DUMPS if d.name == 'jsonld'); "
              "import pathlib, tempfile; p = pathlib.Path(tempfile.mkdtemp()) / 'x.jsonld'; "
              f"write_dump(load_store(open_release({str(release_dir)!r})), fmt, p); "
              "print(hashlib.sha256(p.read_bytes()).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(digests) == 1

"""`intmk-kg serve --store PATH`: the on-disk store of `build --store`, opened read-only by each
process, answers as the in-memory server does on the same (small, synthetic) release.

Expected facts come from the synthetic generator's rules (src/intmk_kg/synth.py): conference 1
of series 1 is held in Berlin (`place:synth-be`), and every register graph describes its series
as "Synthetische Ministerkonferenz N".
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from intmk_kg.release import STORE_MARKER, build
from intmk_kg.synth import generate, ontology_topics

pytestmark = pytest.mark.slow  # a synthetic release with an on-disk store is built first

BIN = Path(sys.executable).parent
ID = "https://w3id.org/intmk/id/"
CONFERENCE = ID + "conference/synth-s00001-0001"

QUERIES = [
    f"SELECT ?place ?land WHERE {{ <{CONFERENCE}> intmk:location ?place ; intmk:heldInState ?land }}",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?outcome (COUNT(?r) AS ?n) WHERE { ?r intmk:adoptedAt ?c ; intmk:votingOutcome ?outcome } GROUP BY ?outcome",
    "SELECT ?c ?land WHERE { ?c intmk:chairmanship/intmk:chairState ?land } ORDER BY ?c LIMIT 20",
    f"ASK {{ <{CONFERENCE}> a intmk:Conference }}",
    f"SELECT ?x WHERE {{ ?x intmk:partOfSeries/^intmk:partOfSeries <{CONFERENCE}> }} ORDER BY ?x LIMIT 5",
]
PAGES = ["doc/conference/synth-s00001-0001", "doc/conference/synth-s00001-0001.ttl", "doc/place/synth-be",
         "doc/state/synth-be.nq", "graph/?format=json", "wikidata/?format=json"]


@pytest.fixture(scope="module")
def synthetic_release(tmp_path_factory, project) -> tuple[Path, Path]:
    data = tmp_path_factory.mktemp("synth") / "data"
    generate(data, 20_000, 5, ontology_topics(project.ontology_files()))
    out = tmp_path_factory.mktemp("dist")
    build(project, out, data=data, store=out / "store")
    return out, out / "store"


@pytest.fixture(scope="module")
def servers(start_server, synthetic_release):
    out, store = synthetic_release
    on_disk = start_server("--release-dir", str(out), "--store", str(store), release=False)
    in_memory = start_server("--release-dir", str(out), release=False)
    return on_disk, in_memory


def _rows(body: bytes) -> list:
    document = json.loads(body)
    if "boolean" in document:
        return [document["boolean"]]
    return sorted(json.dumps(b, sort_keys=True) for b in document["results"]["bindings"])


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def test_the_store_answers_from_the_sources(servers):
    on_disk, _ = servers
    rows = json.loads(on_disk.request(params={"query": QUERIES[0]}).body)["results"]["bindings"]
    assert [(r["place"]["value"], r["land"]["value"]) for r in rows] == [(ID + "place/synth-be", ID + "state/synth-be")]


@pytest.mark.parametrize("query", QUERIES)
def test_same_answers_as_in_memory(servers, query):
    on_disk, in_memory = servers
    here, there = in_memory.request(params={"query": query}), on_disk.request(params={"query": query})
    assert (here.status, there.status) == (200, 200), there.text
    assert _rows(there.body) == _rows(here.body)


def test_same_graphs_as_in_memory(servers):
    on_disk, in_memory = servers
    query = f"DESCRIBE <{CONFERENCE}>"
    here, there = in_memory.request(params={"query": query}), on_disk.request(params={"query": query})
    ours, theirs = rdflib.Graph().parse(data=here.body, format="turtle"), rdflib.Graph().parse(data=there.body, format="turtle")
    assert len(ours) > 20 and isomorphic(ours, theirs)


@pytest.mark.parametrize("path", PAGES)
def test_same_pages_as_in_memory(servers, path):
    on_disk, in_memory = servers
    here, there = in_memory.request(path=path), on_disk.request(path=path)
    assert (here.status, there.status) == (200, 200), there.text
    assert there.headers.get("ETag") == here.headers.get("ETag")
    assert there.body.replace(on_disk.url.encode(), b"/") == here.body.replace(in_memory.url.encode(), b"/")


def test_same_reconciliation_as_in_memory(servers):
    on_disk, in_memory = servers
    batch = {"q0": {"query": "Synthetische Ministerkonferenz 1", "type": "ConferenceSeries"},
             "q1": {"query": "1. Synthetische Ministerkonferenz 1"}}
    body = urllib.parse.urlencode({"queries": json.dumps(batch)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    here = in_memory.request("POST", "reconcile", body=body, headers=headers)
    there = on_disk.request("POST", "reconcile", body=body, headers=headers)
    assert there.status == 200 and json.loads(there.body) == json.loads(here.body)
    assert json.loads(there.body)["q0"]["result"][0]["id"] == "organisation/synth-s00001"


def test_serving_leaves_the_store_as_it_was(servers, synthetic_release):
    on_disk, _ = servers
    _, store = synthetic_release
    before = _files(store)
    for query in QUERIES:
        assert on_disk.request(params={"query": query}).status == 200
    assert on_disk.request(path=PAGES[0]).status == 200
    assert _files(store) == before


@pytest.mark.server
def test_a_store_of_another_release_is_refused(synthetic_release, release_dir):
    _, store = synthetic_release
    done = subprocess.run([str(BIN / "intmk-kg"), "serve", "--port", "1", "--release-dir", str(release_dir),
                           "--store", str(store)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "run `intmk-kg build --store" in done.stderr
    # the store was built with `build --data … --out OUT --store PATH`: the option that serves it is named
    out, _ = synthetic_release
    assert f"serve the store's own release with `--release-dir {out.resolve()}`" in done.stderr


def test_workers_stop_cleanly(start_server, synthetic_release):
    """No process may crash on RocksDB threads it inherited: the master never opens the store."""
    out, store = synthetic_release
    server = start_server("--release-dir", str(out), "--store", str(store), "--workers", "2", release=False)
    for path in ("sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D", PAGES[0], PAGES[2]):
        assert server.request(path=path).status == 200
    server.process.terminate()
    assert server.process.wait(60) == 0
    log = server.output()
    assert "Worker exiting" in log
    assert "was sent" not in log and "terminate called" not in log, log


@pytest.mark.server
def test_a_broken_store_is_refused_at_start(synthetic_release, tmp_path):
    out, store = synthetic_release
    broken = tmp_path / "store"
    broken.mkdir()
    shutil.copy(store / STORE_MARKER, broken / STORE_MARKER)  # the right release, but no database
    done = subprocess.run([str(BIN / "intmk-kg"), "serve", "--port", "1", "--release-dir", str(out),
                           "--store", str(broken)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert f"error: {broken}: cannot open the store" in done.stderr


def test_a_conference_links_its_neighbours_in_its_own_series(servers):
    # every synthetic series has a 2nd conference: the next of series 1's first is series 1's second
    _, in_memory = servers
    page = in_memory.request(path="doc/conference/synth-s00001-0001?lang=en").text
    assert 'id="conf-next" href="/doc/conference/synth-s00001-0002' in page

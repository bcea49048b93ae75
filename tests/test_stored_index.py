"""The name index file of a release: the same entities and the same answers as the index built in
memory from the graph, on the project's graph and on synthetic data (where common trigrams are
left out of the search), and the server reads it instead of building its own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from intmk_kg.linking import index as index_module
from intmk_kg.linking import stored as stored_module
from intmk_kg.linking.index import LinkIndex, build_index, collect, store_select
from intmk_kg.linking.matching import parse_query, reconcile, suggest_entities
from intmk_kg.linking.scoring import form
from intmk_kg.linking.stored import INDEX_FILE, IndexFileError, IndexFormatError, StoredIndex, write_index
from intmk_kg.synth import generate, ontology_topics
from intmk_kg.web import state


def pair_of(store: ox.Store, folder: Path) -> tuple[LinkIndex, StoredIndex]:
    entities, types = collect(store_select(store))
    write_index(entities, types, folder / INDEX_FILE)
    return build_index(store_select(store)), StoredIndex(folder / INDEX_FILE)


@pytest.fixture(scope="module")
def real(store, tmp_path_factory):
    return pair_of(store, tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="module")
def synthetic(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    generate(folder / "data", 20_000, 5, ontology_topics(project.ontology_files()))
    store = ox.Store()
    for path in sorted((folder / "data").glob("*.trig")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    for path in project.ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://w3id.org/intmk/graph/ontology"))
    return pair_of(store, folder)


def entity_fields(e) -> tuple:
    return (e.id, e.labels, e.names, e.types, e.all_types, e.qids, dict(e.values), e.forms)


def test_every_entity_reads_back_as_built(real):
    memory, stored = real
    assert len(stored.entities) == len(memory.entities) > 100
    assert list(stored.entities) == sorted(memory.entities)
    for eid, e in memory.entities.items():
        assert entity_fields(stored.entities[eid]) == entity_fields(e)
    assert {t: (v.labels, v.broader) for t, v in stored.types.items()} == {t: (v.labels, v.broader) for t, v in memory.types.items()}
    assert dict(stored.by_qid) == {q: sorted(ids) for q, ids in memory.by_qid.items()}
    assert "state/DE-NI" in stored.entities and "state/XX" not in stored.entities
    with pytest.raises(KeyError):
        stored.entities["state/XX"]


def queries_from(index: LinkIndex, every: int) -> list[str]:
    """Names as typed, misspelt, cut short and lower-cased: exact, alias and fuzzy matches."""
    texts = []
    for i, e in enumerate(sorted(index.entities.values(), key=lambda e: e.id)):
        if i % every:
            continue
        name = e.name()
        texts += [name, name[:-2] + name[-1:], name[: max(3, len(name) // 2)], name.lower()]
    return texts


def answers(index, texts: list[str], types=None) -> list:
    out = []
    for text in texts:
        query = parse_query(index, {"query": text, **({"type": types} if types else {})})
        out.append([(c.entity.id, c.score, c.match) for c in reconcile(index, query)])
    return out


@pytest.mark.slow
def test_reconciliation_answers_alike(real):
    memory, stored = real
    texts = queries_from(memory, 3) + ["NRW", "Goettingen", "IntMK 2025", "Q1197", "state/DE-BY", "x"]
    expected = answers(memory, texts)
    assert sum(bool(a) for a in expected) > len(texts) * 0.8  # the queries find something
    assert answers(stored, texts) == expected
    assert answers(stored, ["Philippi"], "Person") == answers(memory, ["Philippi"], "Person")


def test_suggest_answers_alike(real):
    memory, stored = real
    prefixes = ["Nieders", "Phil", "Integrationsministerkonferenz", "goett", "conference/20", "Bay", "Chancen-Auf", "ber li"]
    for prefix in prefixes:
        for types in ([], [memory.type_of("Person")]):
            expect = [e.id for e in suggest_entities(memory, prefix, types, 0, 20)]
            assert [e.id for e in suggest_entities(stored, prefix, types, 0, 20)] == expect, prefix
    assert [e.id for e in suggest_entities(stored, "Nieders", [], 0, 5)]  # found at all


def test_synthetic_answers_alike_with_common_trigrams_left_out(synthetic, monkeypatch):
    memory, stored = synthetic
    assert len(memory.entities) > 1000
    sizes = sorted(len(p) for p in memory.trigrams.values())
    monkeypatch.setattr(index_module, "COMMON_TRIGRAM", sizes[len(sizes) // 2])  # half the trigrams are common
    texts = queries_from(memory, max(1, len(memory.entities) // 60))
    assert answers(stored, texts) == answers(memory, texts)
    for text in texts[:40]:
        q = parse_query(memory, {"query": text}).form
        assert [e.id for e in stored.near(q)] == [e.id for e in memory.near(q)]
    for text in texts[:40:4]:
        for prefix in (text[:4], " ".join(text.split()[:2])):
            expect = [e.id for e in suggest_entities(memory, prefix, [], 0, 10)]
            assert [e.id for e in suggest_entities(stored, prefix, [], 0, 10)] == expect, prefix


def test_suggest_reads_a_bounded_number_of_entities(synthetic, monkeypatch):
    """A short prefix in a large graph ranks PREFIX_SCAN entities, each of which has a word starting with it."""
    _, stored = synthetic
    monkeypatch.setattr(stored_module, "PREFIX_SCAN", 25)
    pool = stored.prefixed(form("Konf"))
    assert len(pool) == 25
    assert all(any(w.startswith("konf") for f in e.forms.values() for w in (*f.keys, *f.tokens)) for e in pool)
    assert len(stored.prefixed(form(""))) == 25


def test_a_file_that_is_no_index_is_refused_with_its_path(tmp_path):
    bad = tmp_path / INDEX_FILE
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(IndexFileError, match=INDEX_FILE):
        StoredIndex(bad)


def test_the_server_reads_the_release_index(app, release):
    names = state.of(app).names
    assert isinstance(names, StoredIndex)
    assert names.path == release.file(INDEX_FILE)


def test_a_release_without_the_file_gets_an_index_built(release_dir, tmp_path, project):
    """A release written before the index file existed is still served, its index built from the graph."""
    from intmk_kg.web import create_app

    copy = tmp_path / "dist"
    shutil.copytree(release_dir, copy, symlinks=True)
    folder = (copy / "current").resolve()
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["name"] != INDEX_FILE]
    (folder / "release.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / INDEX_FILE).unlink()
    app = create_app({"TESTING": True, "RELEASE_DIR": str(copy), "HOME": str(project.home)})
    assert isinstance(state.of(app).names, LinkIndex)
    queries = json.dumps({"q0": {"query": "Niedersachsen"}})
    found = app.test_client().post("/reconcile", data={"queries": queries}).get_json()["q0"]["result"]
    assert found[0]["id"] == "state/DE-NI"


def test_a_release_with_an_index_of_an_older_format_gets_an_index_built(release_dir, tmp_path, project):
    """A file of format 1 lacks the values of data extension: the index is built from the graph instead
    of answering them as unknown."""
    from intmk_kg.web import create_app

    copy = tmp_path / "dist"
    shutil.copytree(release_dir, copy, symlinks=True)
    path = (copy / "current").resolve() / INDEX_FILE
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'intmk-kg linking index 1' WHERE key = 'format'")
    db.close()
    manifest = json.loads((path.parent / "release.json").read_text(encoding="utf-8"))
    for f in manifest["files"]:  # as that older build would have listed it
        if f["name"] == INDEX_FILE:
            f["size"], f["sha256"] = path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()
    (path.parent / "release.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexFormatError):
        StoredIndex(path)
    app = create_app({"TESTING": True, "RELEASE_DIR": str(copy), "HOME": str(project.home)})
    assert isinstance(state.of(app).names, LinkIndex)
    query = json.dumps({"ids": ["state/DE-NI"], "properties": [{"id": "iso"}]})
    rows = app.test_client().post("/reconcile", data={"extend": query}).get_json()["rows"]
    assert rows == {"state/DE-NI": {"iso": [{"str": "DE-NI"}]}}


def test_the_build_reports_the_linking_stages_with_counts(store, tmp_path):
    """The name index takes minutes at 10M: its stages show in the build's progress like the others."""
    import io

    from intmk_kg.linking.exports import write_exports
    from intmk_kg.progress import Progress

    out = io.StringIO()
    write_exports(store, tmp_path, "2026-01-01", Progress(out, tty=False))
    entities = len(StoredIndex(tmp_path / INDEX_FILE).entities)
    lines = [line.split("] ", 1)[1] for line in out.getvalue().splitlines()]
    done = [line for line in lines if " in " in line]
    assert any(line.startswith(f"name index: {entities:,} entities in ") for line in done), lines
    assert any(line.startswith("names, types and values of the entities: ") and "queries in" in line for line in done), lines
    assert [line for line in lines if line.endswith(" ...")][:2] == ["QuickStatements ...", "names, types and values of the entities ..."]


def test_a_nameless_query_is_refused_where_it_would_scan_a_large_graph(real, monkeypatch):
    """Properties alone compare every entity: fine for the project's graph, refused past NAMELESS_MOST."""
    from intmk_kg.linking import matching
    from intmk_kg.linking.matching import BadQuery

    nameless = {"type": "Conference", "properties": [{"pid": "year", "v": 2025}]}
    for index in real:
        assert [c.entity.id for c in reconcile(index, parse_query(index, nameless))][:1] == ["conference/20"]
    monkeypatch.setattr(matching, "NAMELESS_MOST", 100)
    for index in real:
        with pytest.raises(BadQuery, match=f"this graph has {len(index.entities):,}; give 'query'"):
            parse_query(index, nameless, "q3")
        named = reconcile(index, parse_query(index, {"query": "IntMK 2025", **nameless}))  # with a name: as before
        assert named[0].entity.id == "conference/20"


def test_an_index_damaged_while_serving_gives_json_503s(release_dir, tmp_path, start_server):
    """Finding 12 of the security report of 2026-12-01: the index file truncated under a running
    server gave 500s, as HTML, to the JSON API. Now every answer is JSON: 503 naming the damage."""
    copy = tmp_path / "dist"
    shutil.copytree(release_dir, copy, symlinks=True)
    server = start_server("--release-dir", str(copy), "--workers", "1", release=False)
    queries = {"q": json.dumps({"q0": {"query": "Niedersachsen"}})}
    assert server.request(path="reconcile", params={"queries": queries["q"]}).status == 200
    index = (copy / "current").resolve() / INDEX_FILE
    with index.open("r+b") as f:
        f.truncate(8192)  # two pages: the schema is readable, the rows are gone
    asked = [("reconcile", {"queries": json.dumps({"q0": {"query": name}})}) for name in ("Bayern", "Hessen", "Philippi")]
    asked += [("reconcile/suggest/entity", {"prefix": prefix}) for prefix in ("Nie", "Bay", "Konf")]
    asked += [("reconcile/preview", {"id": "state/DE-HE"})]
    replies = [server.request(path=path, params=params, headers={"Accept": "text/html,*/*"}) for path, params in asked]
    for reply in replies:
        assert reply.status in (200, 503), (reply.status, reply.body[:200])
        if reply.status == 503:
            assert reply.headers["Content-Type"] == "application/json"
            assert "name index of this release is damaged" in json.loads(reply.body)["error"]
    assert sum(r.status == 503 for r in replies) >= 5
    assert "database disk image is malformed" in server.output() or "damaged" in server.output()

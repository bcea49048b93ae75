"""The name index as a file of the release: written once by the build, opened by every worker.

Built from the graph in memory, the index took 826 s in each worker at 10M triples, and 0.8 GB of
each worker's memory at 1M. As an SQLite file it is written once, opened read-only in no
time, and its pages are shared by all workers through the operating system's cache; a request
reads the few rows it needs. Entities are numbered in the order of their ids, so that ties in
`near` fall as they do in memory, and both indexes answer alike.

Tables: `entity` (number, id, the entity as JSON with each name's folded form), `gram` (character
trigram -> the numbers of the entities with a name containing it, as 32-bit integers), `qid`
(Wikidata link -> entity), `term` (each folded key and word of a name -> entity, for prefix
search) and `meta` (format, types).
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from ..progress import Progress, Stage
from .index import (
    Entity,
    Names,
    TypeInfo,
    Value,
    _closure,
    entity_trigrams,
    lookup,
    most_shared,
    query_trigrams,
    rare_trigrams,
)
from .scoring import Form, form

INDEX_FILE = "linking-index.sqlite"
FORMAT = "intmk-kg linking index 2"  # 2: with the values of data extension (index.EXTENSION_VALUES)
PREFIX_SCAN = 1000  # entities a suggest prefix reads and ranks (in Python, up to 50 µs an entity)
CACHED_ENTITIES = 16384  # decoded entities kept per worker (a few KB each)
COUNT_CAP = 20000  # a word's matches counted up to this, to choose the rarest typed word
LAST = "\U0010ffff"  # sorts after every character, so [word, word + LAST) is every term starting with word

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entity (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE gram (gram TEXT PRIMARY KEY, size INTEGER NOT NULL, ids BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE qid (qid TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (qid, n)) WITHOUT ROWID;
CREATE TABLE term (term TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (term, n)) WITHOUT ROWID;
"""
ENTITY_TERMS = "CREATE INDEX term_of_entity ON term (n, term)"  # made after the rows are in: faster


class IndexFileError(Exception):
    """The file is not a linking index this version can read."""


class IndexFormatError(IndexFileError):
    """The file is of another format (an older release): its index must be built anew, not read."""


class IndexDamaged(IndexFileError):
    """The file, readable when opened, can no longer be read (changed or truncated while serving)."""


def write_index(entities: Mapping[str, Entity], types: dict[str, TypeInfo], path: Path,
                progress: Progress | None = None) -> int:
    """Write the index to `path` (which must not exist: the caller renames a finished file into
    place); returns the number of entities."""
    if array("I").itemsize != 4:
        raise RuntimeError("this platform has no 32-bit unsigned array type")
    progress = progress or Progress.silent()
    db = sqlite3.connect(path)
    try:
        with progress.stage("name index", len(entities), "entities") as stage:
            _write(db, entities, types, stage)
        with progress.stage("name index: search tables"):
            db.execute(ENTITY_TERMS)
            db.execute("ANALYZE")
        return len(entities)
    finally:
        db.close()


def _write(db: sqlite3.Connection, entities: Mapping[str, Entity], types: dict[str, TypeInfo], stage: Stage) -> None:
    """The rows, in one transaction: entities in id order, then the postings and terms gathered on the way."""
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;" + SCHEMA)
    postings: dict[str, array] = defaultdict(lambda: array("I"))
    terms: list[tuple[str, int]] = []
    rows: list[tuple[int, str, str]] = []
    with db:
        db.execute("INSERT INTO meta VALUES ('format', ?)", (FORMAT,))
        db.execute("INSERT INTO meta VALUES ('types', ?)", (json.dumps(_types_json(types), ensure_ascii=False),))
        for n, eid in enumerate(sorted(entities), start=1):
            e = entities[eid]
            e.forms = e.forms or {name: form(name) for name in e.names}
            rows.append((n, eid, json.dumps(_entity_json(e), ensure_ascii=False, separators=(",", ":"))))
            for t in entity_trigrams(e):
                postings[t].append(n)
            terms.extend((term, n) for term in {w for f in e.forms.values() for w in (*f.keys, *f.tokens)})
            db.executemany("INSERT INTO qid VALUES (?, ?)", [(q, n) for q in e.qids])
            if len(rows) >= 10000:
                db.executemany("INSERT INTO entity VALUES (?, ?, ?)", rows)
                rows.clear()
            stage.advance()
        db.executemany("INSERT INTO entity VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO gram VALUES (?, ?, ?)",
                       ((t, len(ids), ids.tobytes()) for t, ids in sorted(postings.items())))
        postings.clear()
        terms.sort()
        db.executemany("INSERT INTO term VALUES (?, ?)", terms)


def _types_json(types: dict[str, TypeInfo]) -> list:
    return [[t.id, t.labels, t.broader] for t in sorted(types.values(), key=lambda t: t.id)]


def _entity_json(e: Entity) -> dict:
    return {
        "labels": e.labels,
        "names": [[name, main, sorted(e.forms[name].keys), list(e.forms[name].tokens)] for name, main in e.names.items()],
        "types": e.types,
        "qids": e.qids,
        "values": {pid: [[v.entity, v.literal] for v in vals] for pid, vals in e.values.items() if vals},
    }


class StoredIndex(Names):
    """The index in an SQLite file, read through one connection per thread and process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        meta = dict(self._db().execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise IndexFormatError(f"{self.path}: not a linking index of format {FORMAT!r} (found {meta.get('format')!r})")
        types = {tid: TypeInfo(tid, labels, broader) for tid, labels, broader in json.loads(meta["types"])}
        super().__init__(_Entities(self), types)
        self.by_qid: dict[str, list[str]] = defaultdict(list)
        for qid, eid in self._db().execute("SELECT qid.qid, entity.id FROM qid JOIN entity USING (n) ORDER BY qid.qid, entity.id"):
            self.by_qid[qid].append(eid)
        self._decoded = lru_cache(maxsize=CACHED_ENTITIES)(self._decode)
        self.count = self._db().execute("SELECT count(*) FROM entity").fetchone()[0]

    def _db(self) -> sqlite3.Connection:
        """This thread's connection; a forked worker opens its own."""
        db = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
            try:
                db = sqlite3.connect(uri, uri=True)
                db.execute("SELECT 1 FROM meta LIMIT 1")
            except sqlite3.DatabaseError as e:
                raise IndexFileError(f"{self.path}: {e}") from None
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def _all(self, sql: str, args: Iterable = ()) -> list[tuple]:
        """The rows of one statement; an unreadable file is IndexDamaged, never a bare sqlite3 error."""
        try:
            return self._db().execute(sql, tuple(args)).fetchall()
        except sqlite3.DatabaseError as e:
            raise IndexDamaged(f"{self.path}: {e}") from None

    def _scan(self) -> Iterator[tuple[int, str, str]]:
        """Every entity row in order, read as it goes (a nameless query's pool, the exports)."""
        try:
            yield from self._db().execute("SELECT n, id, data FROM entity ORDER BY n")
        except sqlite3.DatabaseError as e:
            raise IndexDamaged(f"{self.path}: {e}") from None

    def _decode(self, n: int, eid: str, data: str) -> Entity:
        try:
            return self._entity(eid, json.loads(data))
        except (ValueError, KeyError, TypeError) as e:
            raise IndexDamaged(f"{self.path}: entity {eid!r} does not decode ({e})") from None

    def _entity(self, eid: str, raw: dict) -> Entity:
        e = Entity(eid, labels=raw["labels"], types=raw["types"], qids=raw["qids"])
        for name, main, keys, tokens in raw["names"]:
            e.names[name] = main
            e.forms[name] = Form(frozenset(keys), tuple(tokens), "".join(tokens))
        for pid, vals in raw["values"].items():
            e.values[pid] = [Value(entity, literal) for entity, literal in vals]
        e.all_types = _closure(e.types, self.types)
        return e

    def _rows(self, sql: str, args: Iterable = ()) -> list[Entity]:
        return [self._decoded(n, eid, data) for n, eid, data in self._all(sql, args)]

    def get_entity(self, eid: str) -> Entity | None:
        found = self._rows("SELECT n, id, data FROM entity WHERE id = ?", (eid,))
        return found[0] if found else None

    def lookup(self, identifier: str) -> Entity | None:
        return lookup(self.entities, self.by_qid, identifier)

    def near(self, query: Form, pool: int = 200) -> list[Entity]:
        """As LinkIndex.near; a common trigram's postings are never read, only their size."""
        grams = sorted(query_trigrams(query))
        if not grams:
            return []
        marks = ",".join("?" * len(grams))
        sizes = dict(self._all(f"SELECT gram, size FROM gram WHERE gram IN ({marks})", grams))
        postings = [array("I", self._all("SELECT ids FROM gram WHERE gram = ?", (gram,))[0][0])
                    for gram in rare_trigrams(sizes)]
        return self._by_numbers(most_shared(postings, pool))

    def _by_numbers(self, numbers: list[int]) -> list[Entity]:
        if not numbers:
            return []
        found = {}
        for start in range(0, len(numbers), 500):  # SQLite limits the number of parameters
            chunk = numbers[start : start + 500]
            sql = f"SELECT n, id, data FROM entity WHERE n IN ({','.join('?' * len(chunk))})"
            found.update((n, self._decoded(n, eid, data)) for n, eid, data in self._all(sql, chunk))
        return [found[n] for n in numbers if n in found]

    def prefixed(self, prefix: Form) -> list[Entity]:
        """Suggest candidates: entities with a folded name or word starting with the folded prefix,
        and, for several typed words, those with a word starting with each of them (the only ones
        the ranking could find close); at most PREFIX_SCAN of each, in the order of the matching
        terms. With no prefix, the first PREFIX_SCAN entities by id."""
        if not prefix.compact:
            return self._rows("SELECT n, id, data FROM entity ORDER BY n LIMIT ?", (PREFIX_SCAN,))
        numbers = {n: None for (n,) in self._all("SELECT DISTINCT n FROM term WHERE term >= ? AND term < ? LIMIT ?",
                                                   (prefix.compact, prefix.compact + LAST, PREFIX_SCAN))}
        words = list(dict.fromkeys(prefix.tokens))
        if len(words) > 1:
            # Driven by the rarest word (counted up to a cap), each other word checked per entity.
            sizes = {w: self._all("SELECT count(*) FROM (SELECT 1 FROM term WHERE term >= ? AND term < ? LIMIT ?)",
                                  (w, w + LAST, COUNT_CAP))[0][0] for w in words}
            driver, *others = sorted(words, key=lambda w: (sizes[w], w))
            has = "EXISTS (SELECT 1 FROM term AS u WHERE u.n = t.n AND u.term >= ? AND u.term < ?)"
            sql = ("SELECT DISTINCT t.n FROM term AS t WHERE t.term >= ? AND t.term < ? AND "
                   + " AND ".join([has] * len(others)) + " LIMIT ?")
            args = [driver, driver + LAST, *(x for w in others for x in (w, w + LAST)), PREFIX_SCAN]
            numbers.update((n, None) for (n,) in self._all(sql, args))
        return self._by_numbers(sorted(numbers))


class _Entities(Mapping[str, Entity]):
    """Entity by id, read from the file on demand (iterating reads every row: for exports only)."""

    def __init__(self, index: StoredIndex):
        self._index = index

    def __getitem__(self, eid: str) -> Entity:
        if not isinstance(eid, str):
            raise KeyError(eid)
        found = self._index.get_entity(eid)
        if found is None:
            raise KeyError(eid)
        return found

    def __contains__(self, eid: object) -> bool:
        return isinstance(eid, str) and bool(self._index._all("SELECT 1 FROM entity WHERE id = ?", (eid,)))

    def __iter__(self) -> Iterator[str]:
        return (eid for _, eid, _ in self._index._scan())

    def __len__(self) -> int:
        return self._index.count

    def values(self):  # type: ignore[override]
        return (self._index._decoded(n, eid, data) for n, eid, data in self._index._scan())

"""The response cache of /sparql: keyed by release, query tokens, format and dataset; bounded; never
keeps an error. The service behind it is the real embedded one, counting how often it is asked.
"""

from __future__ import annotations

import pytest

from intmk_kg.web.query.cache import CachedService, normalized
from intmk_kg.web.query.embedded import EmbeddedService
from intmk_kg.web.query.service import Dataset, QueryError

LAENDER = "SELECT ?code WHERE { ?land intmk:isoCode ?code } ORDER BY ?code"
PRESS_RELEASE = "https://w3id.org/intmk/graph/ms-ni-2025-068"


class Counting(EmbeddedService):
    def __init__(self, store, version):
        super().__init__(store, version)
        self.executed = 0

    def execute(self, *args, **kwargs):
        self.executed += 1
        return super().execute(*args, **kwargs)


@pytest.fixture()
def counted(store):
    inner = Counting(store, "v1")
    return inner, CachedService(inner, 1024 * 1024)


def test_the_same_query_is_answered_once(counted):
    inner, cached = counted
    first = cached.execute(LAENDER, "json")
    again = cached.execute("# the Länder\nSELECT  ?code\nWHERE {\n ?land intmk:isoCode ?code\n}\nORDER BY ?code", "json")
    assert again == first and inner.executed == 1
    assert b'"DE-NI"' in first.body  # data/reference/states.csv: Niedersachsen is DE-NI


def test_format_dataset_and_query_each_make_their_own_entry(counted):
    inner, cached = counted
    cached.execute(LAENDER, "json")
    cached.execute(LAENDER, "csv")
    cached.execute(LAENDER, "json", Dataset(default_graphs=(PRESS_RELEASE,)))
    cached.execute(LAENDER.replace("?code", "?c"), "json")
    cached.execute(LAENDER.replace("isoCode", "ordinal"), "json")
    assert inner.executed == 5
    cached.execute(LAENDER, "csv")
    assert inner.executed == 5


def test_whitespace_inside_a_string_still_counts():
    assert normalized('ASK { ?s ?p "a  b" }') != normalized('ASK { ?s ?p "a b" }')
    assert normalized("ASK{?s ?p <http://x#y>}") == normalized("ASK { ?s ?p <http://x#y> } # comment")


def test_another_release_is_another_key(store):
    a, b = Counting(store, "release-a"), Counting(store, "release-b")
    shared_entries = {}
    first, second = CachedService(a, 1 << 20), CachedService(b, 1 << 20)
    first._entries = second._entries = shared_entries  # one memory, two releases: nothing crosses over
    first.execute(LAENDER, "json")
    second.execute(LAENDER, "json")
    assert (a.executed, b.executed) == (1, 1)


def test_errors_are_not_kept(counted):
    inner, cached = counted
    for _ in range(2):
        with pytest.raises(QueryError):
            cached.execute("SELECT ?x WHERE { ?x", "json")
    assert inner.executed == 2


def test_bounded_least_recently_used_first(store):
    inner = Counting(store, "v1")
    queries = [LAENDER + f" LIMIT {100 + i}" for i in range(12)]  # the same 16 rows under 12 keys
    cost = len(queries[0]) + len(inner.execute(queries[0], "json").body)
    cached = CachedService(inner, 8 * cost)  # room for eight of them
    for q in queries:
        cached.execute(q, "json")
    assert len(cached._entries) == 8 and cached.size == 8 * cost
    inner.executed = 0
    cached.execute(queries[-1], "json")  # the newest is still there
    assert inner.executed == 0
    cached.execute(queries[0], "json")  # the oldest went first
    assert inner.executed == 1


def test_an_answer_too_large_for_its_share_is_not_kept(store):
    inner = Counting(store, "v1")
    cached = CachedService(inner, 8 * 100)  # an entry may take 100 bytes
    cached.execute("SELECT * WHERE { ?s ?p ?o }", "json")
    cached.execute("SELECT * WHERE { ?s ?p ?o }", "json")
    assert inner.executed == 2 and cached.size == 0


def test_the_app_caches_by_default_and_not_with_zero(release_dir):
    from intmk_kg.web import create_app, state

    on = state.of(create_app({"TESTING": True, "RELEASE_DIR": str(release_dir)})).service
    off = state.of(create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "CACHE_MB": 0})).service
    assert isinstance(on, CachedService) and on.max_bytes == 64 * 1024 * 1024
    assert not isinstance(off, CachedService)

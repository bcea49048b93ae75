"""A bounded response cache for public queries, in front of the query service.

A release never changes, so an answer never goes stale: the key is the release version, the
query's tokens (whitespace and comments do not count), the result format and the dataset of the
request, and nothing is ever invalidated, only evicted (least recently used first) to stay within
CACHE_MB. A hit never reaches a query process or the store.

One cache lives in each web worker. That is enough here because the answers are deterministic
and cheap to hold: a repeated query misses at most once per worker, and a popular GET is also
cacheable by any HTTP cache in front (Cache-Control and an ETag of version, format and query,
equal on every worker and replica). A shared cache (memcached, Redis) would put a network round
trip on every hit, about the cost of a light query itself, to save at most workers - 1 misses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from .guard import tokens
from .service import Dataset, QueryOutcome, QueryService

ENTRY_SHARE = 8  # one answer may take at most this fraction of the cache


def normalized(text: str) -> tuple[tuple[str, str], ...]:
    """The query as the parser reads it: its tokens with their kinds, without whitespace and comments."""
    return tuple((t.kind, t.text) for t in tokens(text))


class CachedService:
    """The query service with `execute` answered from memory when the same query was answered before.

    Everything else (lookups, graph names, the version, the query process pool) is the inner
    service's.
    """

    def __init__(self, inner: QueryService, max_bytes: int):
        self.inner = inner
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[tuple, tuple[int, QueryOutcome]] = OrderedDict()
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome:
        key = (self.inner.version, normalized(text), result_format, dataset)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return entry[1]
        outcome = self.inner.execute(text, result_format, dataset)  # errors and timeouts are not kept
        self._keep(key, len(text) + len(outcome.body), outcome)
        return outcome

    def _keep(self, key: tuple, cost: int, outcome: QueryOutcome) -> None:
        if cost > self.max_bytes // ENTRY_SHARE:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (cost, outcome)
            self.size += cost
            while self.size > self.max_bytes:
                _, (old, _) = self._entries.popitem(last=False)
                self.size -= old

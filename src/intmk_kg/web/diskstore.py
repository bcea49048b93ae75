"""The on-disk store of `intmk-kg build --store`, served without parsing anything (`serve --store`)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, Problem
from ..release import Release, open_store


class ProcessStore:
    """Opened read-only once in each process that queries it, after checking it holds the release.

    Gunicorn's workers and their query processes are forked; a RocksDB handle (with its threads
    and locks) must not cross a fork, so each process opens its own, which takes milliseconds and
    parses nothing. They all read the same files, shared through the page cache. A handle
    inherited from the parent is kept, never closed: closing it would wait for threads that did not
    survive the fork.
    """

    def __init__(self, path: str, release: Release):
        self.path = path
        self._inherited: list[ox.Store] = []
        self._lock = threading.Lock()
        try:
            self._store, self._pid = open_store(Path(path), release), os.getpid()
        except (FileNotFoundError, OSError) as e:
            raise InputError(Problem(str(e), Path(path))) from None

    def _here(self) -> ox.Store:
        with self._lock:
            if self._pid != os.getpid():
                self._inherited.append(self._store)
                self._store, self._pid = ox.Store.read_only(self.path), os.getpid()
            return self._store

    def query(self, *args, **kwargs):
        return self._here().query(*args, **kwargs)

    def named_graphs(self):
        return self._here().named_graphs()

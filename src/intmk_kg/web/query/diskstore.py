"""The on-disk store of `intmk-kg build --store`, served without parsing anything (`serve --store`)."""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

import pyoxigraph as ox

from ...errors import InputError, Problem
from ...release import Release, store_mismatch


class ProcessStore:
    """Opened read-only by each process that queries it, never by the process that forks them.

    Gunicorn's workers and their query processes are forked. RocksDB keeps threads (per store and
    process-wide) that a fork does not copy; a child that closes an inherited handle, or merely
    exits normally after its parent opened one, joins threads it does not have and crashes. So the
    server's master process only checks the store (in a child of its own) and each worker opens its
    own handle on first use, which takes milliseconds. All read the same files, shared through the
    page cache. A query process, forked by a worker, opens its own handle too and leaves the
    inherited one alone (it ends with os._exit, so nothing is closed at its exit).
    """

    def __init__(self, path: str, release: Release):
        self.path = path
        self._store: ox.Store | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        _check(Path(path), release)

    def _here(self) -> ox.Store:
        with self._lock:
            if self._pid != os.getpid():
                if self._store is not None:  # the parent's: one reference nobody drops, so it is never closed here
                    ctypes.pythonapi.Py_IncRef(ctypes.py_object(self._store))
                self._store, self._pid = ox.Store.read_only(self.path), os.getpid()
            return self._store

    def query(self, *args, **kwargs):
        return self._here().query(*args, **kwargs)

    def named_graphs(self):
        return self._here().named_graphs()


def _check(path: Path, release: Release) -> None:
    """The store is of `release` (its marker says so) and opens; tried in a child, which exits at once."""
    problem = store_mismatch(path, release)
    if problem:
        raise InputError(Problem(problem, path))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            ox.Store.read_only(str(path))
            message = b""
        except BaseException as e:  # noqa: BLE001 (whatever it is, the parent reports it)
            message = str(e).encode("utf-8", "replace") or type(e).__name__.encode()
        os.write(write, message[:2000])
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        message = f.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if message or status:
        raise InputError(Problem(f"cannot open the store: {message or f'status {status}'}", path))

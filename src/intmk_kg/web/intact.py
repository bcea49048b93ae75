"""Which files of the release /dumps/ may still send: each one as it was when the server started.

A release never changes, and its ETags and the listing's SHA-256 promise so. A file changed while
the server runs (a disk fault, a hand edit, a build that rewrites a damaged release folder) would
go out under those old validators, and a 304 would confirm the old bytes. So the size, inode and
modification time of every file are taken at start and compared before each answer; a file that
differs, is gone, or was found damaged by the start-up check is answered 503 on its own until a
restart checks it again. One stat per download: hashing at request time would cost seconds per
gigabyte in a request thread.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..release import Release


def _key(path: Path) -> tuple[int, int, int, int]:
    s = os.stat(path)
    return s.st_size, s.st_ino, s.st_dev, s.st_mtime_ns


class IntactFiles:
    def __init__(self, release: Release):
        self.release = release
        self.reported: set[str] = set()  # files already logged by this process
        self._known: dict[str, tuple[int, int, int, int]] = {}
        for entry in release.files:
            name = entry["name"]
            if name not in release.damaged:
                try:
                    self._known[name] = _key(release.file(name))
                except OSError:
                    pass

    def problem(self, name: str) -> str | None:
        """Why file `name` must not be sent now, or None when it is as the server found it at start."""
        if name in self.release.damaged:
            return "was found damaged when the server started"
        try:
            now = _key(self.release.file(name))
        except OSError:
            return "is gone from the release folder"
        return None if self._known.get(name) == now else "has changed since the server started"

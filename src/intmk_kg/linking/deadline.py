"""The time a reconciliation request may take, and whether its client still waits for it.

Matching runs in a web worker's thread, which nothing can stop from outside: the loops ask this
object at every candidate and every prepared value instead, so a costly request ends at its
deadline, and one whose client has gone ends at once instead of working on for minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CHECK_EVERY = 0.05  # seconds between two looks at the client (a system call each)


class OutOfTime(Exception):
    """The request ran past its deadline; the message says how long it may take."""


class ClientGone(Exception):
    """The client closed its connection: nobody reads the answer any more."""


class Deadline:
    def __init__(self, seconds: float, gone: Callable[[], bool] | None = None):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._gone = gone
        self._next_look = 0.0

    def check(self) -> None:
        """Raise OutOfTime past the deadline, or ClientGone when the client has left."""
        now = time.monotonic()
        if now > self.end:
            raise OutOfTime(f"reconciliation may take {self.seconds:g} s per request and this one took longer; "
                            "send fewer queries or fewer property values per request")
        if self._gone is not None and now >= self._next_look:
            self._next_look = now + CHECK_EVERY
            if self._gone():
                raise ClientGone()


NONE = Deadline(float("inf"))  # no limit: the CLI, exports and tests of scoring

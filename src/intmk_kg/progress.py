"""Progress of a long build: per stage, with counts and an ETA.

On a terminal one line is redrawn in place; anywhere else (CI logs, files) plain lines are
written when a stage starts, every few seconds while it runs, and when it ends, so a log
shows where a slow build spends its time without thousands of lines.
"""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_SECONDS = 0.2
LOG_SECONDS = 10.0


def _amount(n: float, unit: str) -> str:
    if unit == "bytes":
        return f"{n / 1e6:,.1f} MB"
    return f"{int(n):,} {unit}".rstrip()


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    return f"{int(seconds) // 60}m{int(seconds) % 60:02d}s"


class Progress:
    """Reports stages of work; `Progress.silent()` reports nothing."""

    def __init__(self, stream: TextIO | None = None, tty: bool | None = None, clock=time.monotonic):
        self.stream = stream
        self.tty = bool(tty if tty is not None else stream is not None and stream.isatty())
        self.clock = clock
        self.start = clock()

    @classmethod
    def silent(cls) -> "Progress":
        return cls(None)

    def __call__(self, message: str) -> None:
        """A one-off line, e.g. a stage without a count."""
        self._line(message, final=True)

    def stage(self, name: str, total: float | None = None, unit: str = "") -> "Stage":
        return Stage(self, name, total, unit)

    def _line(self, text: str, final: bool) -> None:
        if self.stream is None:
            return
        stamp = f"[{self.clock() - self.start:7.1f}s] {text}"
        if self.tty:
            self.stream.write("\r\x1b[K" + stamp + ("\n" if final else ""))
        else:
            self.stream.write(stamp + "\n")
        self.stream.flush()


class Stage:
    """One stage of work; use as a context manager and call `advance` as work gets done."""

    def __init__(self, progress: Progress, name: str, total: float | None, unit: str):
        self.progress, self.name, self.total, self.unit = progress, name, total, unit
        self.done = 0.0
        self.started = self.last = progress.clock()

    def __enter__(self) -> "Stage":
        self.progress._line(f"{self.name} ...", final=not self.progress.tty)
        return self

    def __exit__(self, kind, error, tb) -> None:
        elapsed = self.progress.clock() - self.started
        if kind is None:
            count = f"{_amount(self.done, self.unit)} " if self.unit else ""
            self.progress._line(f"{self.name}: {count}in {_duration(elapsed)}", final=True)
        elif self.progress.tty:
            self.progress._line(f"{self.name}: stopped after {_duration(elapsed)}", final=True)

    def advance(self, amount: float = 1) -> None:
        self.done += amount
        now = self.progress.clock()
        if now - self.last >= (REDRAW_SECONDS if self.progress.tty else LOG_SECONDS):
            self.last = now
            self.progress._line(self.status(now), final=not self.progress.tty)

    def status(self, now: float) -> str:
        text = f"{self.name}: {_amount(self.done, self.unit)}"
        if self.total:
            text += f" of {_amount(self.total, self.unit)} ({100 * self.done / self.total:.0f}%)"
            elapsed = now - self.started
            if self.done and elapsed > 0:
                text += f", ETA {_duration(elapsed * (self.total - self.done) / self.done)}"
        return text

"""Remembering what is worked out from short texts: the one memo of query texts.

Scanning, classifying, hashing and negotiating a query text costs microseconds per character,
more than a cached answer costs to send, and clients repeat the same few texts. So the result of
a recent short text is remembered (an LRU of MEMO_TEXTS entries) and a long one is worked out
again, which keeps the memo small (about 30 MB at most).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

MEMO_TEXTS = 256  # recent query texts whose results are kept
MEMO_MAX_CHARS = 4096  # longer texts are worked out again (or kept for one request: guard.tokens)

T = TypeVar("T")


def _first_length(text: str, *_) -> int:
    return len(text)


def remember_short(function: Callable[..., T], size: int = MEMO_TEXTS, measure: Callable[..., int] = _first_length,
                   otherwise: Callable[..., T] | None = None) -> Callable[..., T]:
    """`function`, remembered for arguments whose `measure` (by default the first one's length) is at
    most MEMO_MAX_CHARS; others go to `otherwise` (by default `function` itself). The arguments must
    be hashable and positional."""
    remembered = functools.lru_cache(maxsize=size)(function)
    other = otherwise or function

    @functools.wraps(function)
    def call(*args):
        return remembered(*args) if measure(*args) <= MEMO_MAX_CHARS else other(*args)

    call.cache_clear = remembered.cache_clear  # type: ignore[attr-defined]
    return call

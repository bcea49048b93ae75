"""Natural order: 1, 2, …, 10, 20 (not 1, 10, 11, 2), and Ä with A, not after Z."""

from __future__ import annotations

import re
import unicodedata

NUMBER = re.compile(r"(\d+)")
FOLD = str.maketrans({"ß": "ss"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def natural_key(text: object) -> tuple:
    """A sort key: runs of digits compare as numbers, letters case- and accent-blind (then as written).

    `sorted(names, key=natural_key)` puts "conference/2" before "conference/10" and "Ärztinnen"
    between "Apfel" and "Bund". Non-strings are sorted by their `str()`; None comes first.
    """
    if text is None:
        return ((),)
    raw = str(text)
    parts: list[tuple[int, int | str]] = []
    for i, chunk in enumerate(NUMBER.split(_fold(raw))):
        if i % 2:
            parts.append((0, int(chunk)))
        elif chunk:
            parts.append((1, chunk))
    return (tuple(parts), raw)

"""How alike a query string and a name are.

Names are compared in folded forms, so that case, umlaut transliteration (Göttingen, Goettingen,
Gottingen), accents, hyphens and spacing do not matter. An equal folded form is an exact match and
always outranks a fuzzy one; fuzzy similarity takes the better of a character ratio (typos) and a
token cover (a surname for a full name, a word missing), both computed with RapidFuzz so that a
batch of long queries stays cheap. A name's folded form is computed once, when the index is built.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz, process

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
BARE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
NON_WORD = re.compile(r"[\W_]+")

EXACT = 100.0  # an equal folded form of the entity's main label
ALIAS = 99.0  # an equal folded form of another name (alias, abbreviation, label in the other language)
FUZZY_MAX = 90.0  # the best a fuzzy match can score, so that every exact match ranks above it
FUZZY_MIN = 0.55  # similarity below which a name is no candidate at all
MAX_CHARS = 200  # of a query; longer ones are cut (names are shorter)
MAX_TOKENS = 16  # words of a query compared one by one


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tokens(text: str, table: dict = UMLAUTS) -> list[str]:
    """Lower-case ASCII-ish words: ä→ae (or ä→a with BARE), accents dropped, punctuation is a space."""
    folded = unicodedata.normalize("NFC", text).casefold().translate(table)
    return [t for t in NON_WORD.split(_strip_marks(folded)) if t]


def keys(text: str) -> set[str]:
    """The folded forms under which a name is found exactly: words joined without spaces, two umlaut spellings."""
    return {"".join(tokens(text, UMLAUTS)), "".join(tokens(text, BARE))} - {""}


@dataclass(frozen=True)
class Form:
    """A string prepared for comparison."""

    keys: frozenset[str]
    tokens: tuple[str, ...]
    compact: str


def form(text: str) -> Form:
    text = text[:MAX_CHARS]
    words = tokens(text)
    return Form(frozenset(keys(text)), tuple(words), "".join(words))


def similarity(query: Form, name: Form) -> float:
    """0..1: how alike two strings are once folded (1.0 only for an equal folded form)."""
    if query.keys & name.keys:
        return 1.0
    if not query.tokens or not name.tokens:
        return 0.0
    chars = fuzz.ratio(query.compact, name.compact) / 100
    q = query.tokens[:MAX_TOKENS]
    best = [process.extractOne(t, name.tokens, scorer=fuzz.ratio)[1] / 100 for t in q]
    query_cover = sum(best) / len(best)
    name_cover = sum(1 for u in name.tokens if process.extractOne(u, q, scorer=fuzz.ratio)[1] >= 80) / len(name.tokens)
    words = 0.8 * query_cover + 0.2 * name_cover
    return min(max(chars, words), 0.99)


def score(query: Form, name: Form, is_main: bool) -> float:
    """The candidate score for one name: exact (main or other name) or scaled fuzzy; 0 if too far."""
    s = similarity(query, name)
    if s == 1.0:
        return EXACT if is_main else ALIAS
    return round(FUZZY_MAX * s, 2) if s >= FUZZY_MIN else 0.0

"""The linking exports a release carries (and /dumps/ serves): QuickStatements and Mix'n'match."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox

from .index import build_index, store_select
from .mixnmatch import catalogue
from .quickstatements import quickstatements

QUICKSTATEMENTS = "intmk-kg.quickstatements.tsv"
MIXNMATCH = "intmk-kg.mixnmatch.csv"


def write_exports(store: ox.Store, folder: Path, retrieved: str | None = None) -> list[tuple[str, str, str]]:
    """Write both files; returns (file name, media type, title) of each. `retrieved` defaults to today (UTC)."""
    select = store_select(store)
    day = retrieved or dt.datetime.now(dt.timezone.utc).date().isoformat()
    (folder / QUICKSTATEMENTS).write_text(quickstatements(select, day), encoding="utf-8")
    (folder / MIXNMATCH).write_text(catalogue(build_index(select)), encoding="utf-8")
    return [
        (QUICKSTATEMENTS, "text/tab-separated-values", "QuickStatements (v1) creating Wikidata items for IntMK conferences"),
        (MIXNMATCH, "text/csv", "Mix'n'match catalogue of IntMK entities"),
    ]

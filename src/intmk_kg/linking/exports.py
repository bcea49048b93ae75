"""What a release carries for linking: QuickStatements and Mix'n'match (served under /dumps/), and
the name index file that the server's reconciliation reads (not a download)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..progress import Progress
from .index import Names, collect, store_select
from .mixnmatch import catalogue
from .quickstatements import quickstatements
from .stored import INDEX_FILE, write_index

QUICKSTATEMENTS = "intmk-kg.quickstatements.tsv"
MIXNMATCH = "intmk-kg.mixnmatch.csv"


def write_exports(store: ox.Store, folder: Path, retrieved: str | None = None, progress: Progress | None = None
                  ) -> list[tuple[str, str, str]]:
    """Write both exports and the index; returns (file name, media type, title) of each export.
    `retrieved` is S813 for undated documents (default: none; never the build date)."""
    progress = progress or Progress.silent()
    select = store_select(store)
    with progress.stage("QuickStatements"):
        (folder / QUICKSTATEMENTS).write_text(quickstatements(select, retrieved), encoding="utf-8")
    with progress.stage("names, types and values of the entities", unit="queries") as stage:
        def counted(text: str) -> list[dict]:
            rows = select(text)
            stage.advance()
            return rows

        entities, types = collect(counted)
    with progress.stage("Mix'n'match catalogue"):
        (folder / MIXNMATCH).write_text(catalogue(Names(entities, types)), encoding="utf-8")
    write_index(entities, types, folder / INDEX_FILE, progress)
    return [
        (QUICKSTATEMENTS, "text/tab-separated-values", "QuickStatements (v1) creating Wikidata items for IntMK conferences"),
        (MIXNMATCH, "text/csv", "Mix'n'match catalogue of IntMK entities"),
    ]

"""The pictures from a store: each picture's query (queries/<name>.rq) run, its rows handed to the
picture function. Framework-free: a page passes the store, or any `select(text) -> rows` such as the
web query service's `select` (rows of pyoxigraph terms or of plain strings)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..query import run
from . import matrix, tiles, timeline, topics
from .svg import Picture

Rows = list[dict[str, str]]
Select = Callable[[str], list[dict]]

# picture name → (query name, function of rows and language)
PICTURES: dict[str, tuple[str, Callable[..., Picture]]] = {
    timeline.NAME: (timeline.QUERY, timeline.conference_timeline),
    matrix.NAME: (matrix.QUERY, matrix.dissent_matrix),
    tiles.NAME: (tiles.QUERY, tiles.tile_map),
    topics.NAME: (topics.QUERY, topics.topics_by_year),
}


def query_text(name: str, home: Path | None = None) -> str:
    """The text of queries/<name>.rq of the project (a checkout, or $INTMK_HOME)."""
    return (Project.at(home).queries_dir / f"{name}.rq").read_text(encoding="utf-8")


def store_rows(store: ox.Store) -> Select:
    """A select function over a pyoxigraph store: rows of plain strings (the terms' values), unbound left out."""

    def select(text: str) -> Rows:
        result = run(store, text)
        names = [v.value for v in result.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in result]

    return select


def picture(source: ox.Store | Select, name: str, lang: str = "de", home: Path | None = None, **options) -> Picture:
    """One picture by name ("timeline", "matrix", "tiles", "topics") from a store or a select function;
    options go to the picture function (the tile map's `measure`)."""
    if name not in PICTURES:
        raise KeyError(f"no picture {name!r}; there are {', '.join(PICTURES)}")
    query, function = PICTURES[name]
    select = store_rows(source) if isinstance(source, ox.Store) else source
    return function(plain(select(query_text(query, home))), lang=lang, **options)


def plain(rows: list[dict]) -> Rows:
    """Rows of terms (IRIs, literals) as rows of their plain values, which is what the pictures read."""
    return [{k: v if isinstance(v, str) else v.value for k, v in row.items() if v is not None} for row in rows]


def pictures(source: ox.Store | Select, lang: str = "de", home: Path | None = None) -> dict[str, Picture]:
    """Every picture (the tile map with its first measure)."""
    return {name: picture(source, name, lang, home) for name in PICTURES}

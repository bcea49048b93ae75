"""The pictures from a store: each picture's query (queries/<name>.rq) run, its rows handed to the
picture function. Framework-free: a page passes the store, or any `select(text) -> rows` such as the
web query service's `select` (rows of pyoxigraph terms or of plain strings)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..query import run
from ..readable import integer, message
from . import matrix, tiles, timeline, topics
from .svg import Picture, esc

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
    rows, cut = bounded(name, plain(select(query_text(query, home))))
    drawn = function(rows, lang=lang, **options)
    return said_cut(drawn, cut, lang) if cut else drawn


# What a picture draws at most: the last MAX_CONFERENCES conferences of the series (the timeline, the
# matrix of 16 Länder), the MAX_TOPICS topics with most resolutions over the last MAX_YEARS years with
# a conference. The real data is within all three; a larger graph (bench/build_scale.py) is not, and
# a picture of every conference of it would be megabytes of SVG on the home page.
MAX_CONFERENCES = 40
MAX_TOPICS = 16
MAX_YEARS = 20


def bounded(name: str, rows: Rows) -> tuple[Rows, dict | None]:
    """The rows a picture draws, and what was left out ({"what", "shown", "total"}), None if nothing."""
    if name in (timeline.NAME, matrix.NAME):
        ordinals = {r["conference"]: n for r in rows
                    if r.get("conference") and (n := integer(r.get("ordinal"))) is not None}
        if len(ordinals) <= MAX_CONFERENCES:
            return rows, None
        kept = set(sorted(ordinals, key=lambda c: (-ordinals[c], c))[:MAX_CONFERENCES])
        return ([r for r in rows if not r.get("conference") or r["conference"] in kept],
                {"what": "conferences", "shown": MAX_CONFERENCES, "total": len(ordinals)})
    if name == topics.NAME:
        years = sorted({y for r in rows if (y := integer(str(r.get("year") or "")[:4])) is not None})
        totals: dict[str, int] = defaultdict(int)
        recent = set(years[-MAX_YEARS:])
        for r in rows:
            if r.get("topic") and r.get("year") and integer(str(r["year"])[:4]) in recent:
                totals[r["topic"]] += (integer(r.get("resolutions")) or 0)
        every = {r["topic"] for r in rows if r.get("topic")}
        if len(years) <= MAX_YEARS and len(every) <= MAX_TOPICS:
            return rows, None
        kept = set(sorted(totals, key=lambda t: (-totals[t], t))[:MAX_TOPICS])
        return ([r for r in rows if r.get("year") and integer(str(r["year"])[:4]) in recent
                 and (not r.get("topic") or r["topic"] in kept)],
                {"what": "topics", "shown": len(kept), "total": len(every),
                 "years": min(MAX_YEARS, len(years)), "all_years": len(years)})
    return rows, None


def said_cut(drawn: Picture, cut: dict, lang: str) -> Picture:
    """The picture with its description (the SVG's <desc>) and table caption saying what it left out."""
    if cut["what"] == "conferences":
        note = message("picture.cut.conferences", lang, shown=cut["shown"], total=cut["total"])
    else:
        note = message("picture.cut.topics", lang, shown=cut["shown"], total=cut["total"], years=cut["years"],
                       all_years=cut["all_years"])
    description = drawn.description + " " + note
    svg_text = drawn.svg.replace(f"<desc>{esc(drawn.description)}</desc>", f"<desc>{esc(description)}</desc>", 1)
    table = replace(drawn.table, caption=drawn.table.caption + " " + note)
    return replace(drawn, description=description, svg=svg_text, table=table)


def plain(rows: list[dict]) -> Rows:
    """Rows of terms (IRIs, literals) as rows of their plain values, which is what the pictures read."""
    return [{k: v if isinstance(v, str) else v.value for k, v in row.items() if v is not None} for row in rows]


def pictures(source: ox.Store | Select, lang: str = "de", home: Path | None = None) -> dict[str, Picture]:
    """Every picture (the tile map with its first measure)."""
    return {name: picture(source, name, lang, home) for name in PICTURES}

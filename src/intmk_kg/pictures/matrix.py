"""The dissent matrix: Länder × conferences, each cell naming how often the Land voted against,
abstained or filed a protocol note at that conference.

Rows (queries/picture-dissent-matrix.rq) are of three kinds: a Land (landCode, landDe, landEn), a
conference (conference, ordinal, year), and a count (landCode, conference, ordinal, how, items) where
`how` is "no", "abstained" or "protocol_note". A cell prints each kind as its letter and number
("N2", "P1"; German G, E, P); its shade only repeats the total. An empty cell is "none named" where the
conference has items that name Länder Land by Land (`recorded`), and "unknown" (grey) where it has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..readable import integer, message, natural_key, ordinal
from . import svg
from .svg import GRID, INK, MUTED, Picture, Table, el, fill_for, ink_on, text, tooltip

NAME = "matrix"
QUERY = "picture-dissent-matrix"
KINDS = ("no", "abstained", "protocol_note")

LEFT, TOP, RIGHT = 200.0, 52.0, 16.0
CELL_W, CELL_H, LINE = 40.0, 40.0, 12.0
UNKNOWN_FILL = "#e6e6e6"  # a conference without any Land-by-Land record


def counts(rows: Iterable[Mapping]) -> dict[tuple[str, str, str], int]:
    """(Land code, conference IRI, kind) → number of items."""
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in rows:
        if r.get("how") and r.get("landCode") and r.get("conference"):
            out[(r["landCode"], r["conference"], r["how"])] += int(r.get("items") or 0)
    return dict(out)


def dissent_matrix(rows: Iterable[Mapping], lang: str = "de") -> Picture:
    rows = list(rows)
    names: dict[str, str] = {}
    conferences: dict[str, int] = {}
    recorded = {r["conference"] for r in rows if r.get("conference") and str(r.get("recorded")) == "true"}
    for r in rows:
        if r.get("landCode") and not r.get("conference"):
            names[r["landCode"]] = r.get("landDe" if lang == "de" else "landEn") or r.get("landDe") or r["landCode"]
        if r.get("conference") and integer(r.get("ordinal")) is not None:
            conferences[r["conference"]] = integer(r["ordinal"])
    found = counts(rows)
    for code, _, _ in found:
        names.setdefault(code, code)
    lands = sorted(names, key=lambda c: natural_key(names[c]))
    columns = sorted(conferences, key=lambda c: (conferences[c], c))
    totals = {(land, conf): sum(found.get((land, conf, k), 0) for k in KINDS) for land in lands for conf in columns}
    ranges = svg.classes(list(totals.values()))
    short = {k: message(f"vote.short.{k}", lang) for k in KINDS}
    full = {k: message(f"vote.{k}", lang) for k in KINDS}

    width = LEFT + len(columns) * CELL_W + RIGHT
    bottom = TOP + len(lands) * CELL_H
    body: list[str] = [text(LEFT - 8, TOP - 30, message("field.land", lang) + " / " + message("field.conference", lang),
                            size=11, anchor="end", fill=MUTED)]
    for j, conf in enumerate(columns):
        x = LEFT + j * CELL_W
        body.append(text(x + CELL_W / 2, TOP - 8, ordinal(conferences[conf], lang), size=11, anchor="middle",
                         weight="bold"))
    for i, land in enumerate(lands):
        y = TOP + i * CELL_H
        body.append(text(LEFT - 8, y + CELL_H / 2 + 4, names[land], anchor="end"))
        for j, conf in enumerate(columns):
            x = LEFT + j * CELL_W
            total = totals[(land, conf)]
            fill = fill_for(total, ranges) if total else ("#ffffff" if conf in recorded else UNKNOWN_FILL)
            parts = [(k, found.get((land, conf, k), 0)) for k in KINDS if found.get((land, conf, k))]
            empty = message("picture.matrix.none" if conf in recorded else "picture.matrix.unknown", lang)
            label = f"{names[land]}, {ordinal(conferences[conf], lang)} IntMK: " + (
                ", ".join(f"{full[k]} {n}" for k, n in parts) if parts else empty)
            cell = [tooltip(label), el("rect", x=x, y=y, width=CELL_W, height=CELL_H, fill=fill, stroke=GRID,
                                       stroke_width=0.5)]
            first = y + CELL_H / 2 + 4 - (len(parts) - 1) * LINE / 2
            for line, (k, n) in enumerate(parts):
                cell.append(text(x + CELL_W / 2, first + line * LINE, f"{short[k]}{n}", size=11, anchor="middle",
                                 fill=ink_on(fill), weight="bold"))
            body.append(el("g", "".join(cell), class_="cell", data_land=land, data_conference=conf,
                           data_total=total))
    items = [(svg.square("#ffffff", GRID), message("picture.matrix.none", lang)),
             (svg.square(UNKNOWN_FILL, GRID), message("picture.matrix.unknown", lang))]
    items += [(svg.square(svg.SEQUENTIAL[0] if len(ranges) == 1 else fill_for(hi, ranges)), _range(lo, hi))
              for lo, hi in ranges]
    items += [(el("text", short[k], x=7, y=11, font_size=11.0, text_anchor="middle", font_weight="bold", fill=INK),
               full[k]) for k in KINDS]
    key, key_height = svg.legend(LEFT, bottom + 12, items, message("picture.legend", lang), width - LEFT - RIGHT)
    body.append(key)
    title = message("picture.matrix.title", lang)
    description = message("picture.matrix.desc", lang)
    marked = [key for key, total in totals.items() if total]
    if marked:
        description += " " + message("picture.matrix.summary", lang, count=sum(totals.values()),
                                     lands=len({land for land, _ in marked}), conferences=len({c for _, c in marked}))
    document = svg.document(width, bottom + 12 + key_height + 8, title, description, body)
    return Picture(NAME, title, description, document, _table(lands, names, columns, conferences, found, lang, title),
                   QUERY, lang)


def _range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _table(lands, names, columns, conferences, found, lang: str, title: str) -> Table:
    """One row per Land and conference with any dissent: the same facts as the marked cells."""
    headers = [message("field.land", lang), message("field.conference", lang)] + [message(f"vote.{k}", lang) for k in KINDS]
    rows, iris = [], []
    for conf in columns:
        for land in lands:
            values = [found.get((land, conf, k), 0) for k in KINDS]
            if any(values):
                rows.append([names[land], ordinal(conferences[conf], lang)] + [str(v) for v in values])
                iris.append(conf)
    return Table(title, headers, rows, iris)

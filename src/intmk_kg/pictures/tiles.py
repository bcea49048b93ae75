"""A tile map of the 16 Länder: one square per Land on a fixed grid (no map geometry), shaded by a
measure: chairs held, resolutions moved, votes against and abstentions, or conferences hosted.

Rows (queries/picture-lander-tiles.rq): one per Land with landCode, landDe, landEn and the four
measures as numbers. Each tile prints the Land's short code and its value (colour never carries the
value alone); a zero tile is pale with a dashed outline; text on a tile is black or white by contrast.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..readable import format_number, message, natural_key, plural
from . import svg
from .svg import INK, Picture, Table, el, fill_for, ink_on, text, tooltip

NAME = "tiles"
QUERY = "picture-lander-tiles"
MEASURES = ("chairs", "moved", "dissents", "hosted")

# (column, row) of each Land, by ISO 3166-2 code: north at the top, west at the left.
GRID: dict[str, tuple[int, int]] = {
    "DE-SH": (1, 0),
    "DE-HB": (0, 1), "DE-HH": (1, 1), "DE-MV": (2, 1),
    "DE-NW": (0, 2), "DE-NI": (1, 2), "DE-ST": (2, 2), "DE-BE": (3, 2),
    "DE-RP": (0, 3), "DE-HE": (1, 3), "DE-TH": (2, 3), "DE-BB": (3, 3),
    "DE-SL": (0, 4), "DE-BW": (1, 4), "DE-BY": (2, 4), "DE-SN": (3, 4),
}
TILE, GAP, MARGIN = 84.0, 6.0, 16.0
LEGEND_X = MARGIN + 4 * (TILE + GAP) + 24


def tile_map(rows: Iterable[Mapping], measure: str = "chairs", lang: str = "de") -> Picture:
    if measure not in MEASURES:
        raise ValueError(f"measure {measure!r} is not one of {', '.join(MEASURES)}")
    values: dict[str, int] = {}
    names: dict[str, str] = {}
    iris: dict[str, str | None] = {}
    for r in rows:
        code = r.get("landCode")
        if code in GRID:
            values[code] = int(r.get(measure) or 0)
            names[code] = r.get("landDe" if lang == "de" else "landEn") or r.get("landDe") or code
            iris[code] = r.get("land")
    ranges = svg.classes(list(values.values()))
    measure_name = message(f"measure.{measure}", lang)
    body = []
    for code, (col, row) in sorted(GRID.items(), key=lambda kv: (kv[1][1], kv[1][0])):
        x, y = MARGIN + col * (TILE + GAP), MARGIN + row * (TILE + GAP)
        value = values.get(code)
        fill = fill_for(value or 0, ranges)
        ink = ink_on(fill)
        shown = format_number(value, lang) if value is not None else "–"
        name = names.get(code, code)
        said = plural(f"count.{measure}", value, lang, n=shown) if value is not None else f"{shown} {measure_name}"
        body.append(el("g", tooltip(f"{name}: {said}")
                       + el("rect", x=x, y=y, width=TILE, height=TILE, fill=fill, stroke=INK,
                            stroke_width=1 if value else 0.75, stroke_dasharray=None if value else "4 3")
                       + text(x + TILE / 2, y + 30, code.removeprefix("DE-"), size=18, anchor="middle", fill=ink,
                              weight="bold")
                       + text(x + TILE / 2, y + 62, shown, size=22, anchor="middle", fill=ink),
                       class_="tile", data_land=code, data_value=value if value is not None else ""))
    height = MARGIN * 2 + 5 * TILE + 4 * GAP
    items = [(svg.square(svg.ZERO, dashed=True), "0")]
    items += [(svg.square(fill_for(hi, ranges)), str(lo) if lo == hi else f"{lo}–{hi}") for lo, hi in ranges]
    key = [text(LEGEND_X, MARGIN + 12, message("picture.legend", lang) + ": " + measure_name, weight="bold")]
    for i, (swatch, label) in enumerate(items):
        y = MARGIN + 26 + i * 22
        key.append(el("g", swatch, transform=f"translate({svg.num(LEGEND_X)} {svg.num(y)})"))
        key.append(text(LEGEND_X + 20, y + 11, label))
    body.append(el("g", "".join(key), class_="legend"))
    width = LEGEND_X + max(200.0, 7.0 * len(measure_name) + 80)
    title = message("picture.tiles.title", lang, measure=measure_name)
    description = message("picture.tiles.desc", lang)
    highest = max(values.values(), default=0)
    if highest:
        leaders = sorted((names[c] for c, v in values.items() if v == highest), key=natural_key)
        description += " " + message("picture.tiles.summary", lang, lands=", ".join(leaders),
                                     value=format_number(highest, lang))
    document = svg.document(width, height, title, description, body)
    order = sorted(values, key=lambda c: natural_key(names[c]))
    table = Table(title, [message("field.land", lang), measure_name[:1].upper() + measure_name[1:]],
                  [[names[c], format_number(values[c], lang)] for c in order], [iris.get(c) for c in order])
    return Picture(NAME, title, description, document, table, QUERY, lang)

"""Resolutions per topic over the years: one row of bars per topic on a shared axis of the years,
each bar with its number printed above it (a missing bar is a year without such a resolution).

Rows (queries/picture-topics-by-year.rq): a year (year, no topic) for each year with a conference,
and a count (topic, topicDe, topicEn, year, resolutions). Topics are ordered by their total, most first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..readable import message, natural_key
from . import svg
from .svg import ACCENT, GRID, INK, MUTED, Picture, Table, el, text, tooltip

NAME = "topics"
QUERY = "picture-topics-by-year"

LEFT, TOP, RIGHT = 260.0, 30.0, 56.0
YEAR_W, ROW_H, BAR_MAX = 34.0, 46.0, 26.0


def topics_by_year(rows: Iterable[Mapping], lang: str = "de") -> Picture:
    years: set[int] = set()
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    names: dict[str, str] = {}
    for r in rows:
        if not r.get("year"):
            continue
        year = int(str(r["year"])[:4])
        years.add(year)
        if r.get("topic"):
            counts[r["topic"]][year] = counts[r["topic"]].get(year, 0) + int(r.get("resolutions") or 0)
            names[r["topic"]] = r.get("topicDe" if lang == "de" else "topicEn") or r.get("topicDe") or r["topic"]
    axis = list(range(min(years), max(years) + 1)) if years else []
    order = sorted(counts, key=lambda t: (-sum(counts[t].values()), natural_key(names[t])))
    top = max((n for t in counts.values() for n in t.values()), default=1)
    width = LEFT + len(axis) * YEAR_W + RIGHT
    bottom = TOP + len(order) * ROW_H
    body = []
    for j, year in enumerate(axis):
        x = LEFT + j * YEAR_W + YEAR_W / 2
        label = f"{year % 100:02d}" if len(axis) > 12 else str(year)
        body.append(text(x, bottom + 16, f"’{label}" if len(axis) > 12 else label, size=11, anchor="middle", fill=MUTED))
    body.append(text(width - RIGHT + 8, TOP - 10, message("field.total", lang), size=11, fill=MUTED))
    for i, topic in enumerate(order):
        y = TOP + i * ROW_H
        base = y + ROW_H - 6
        body.append(text(LEFT - 10, base - 8, names[topic], anchor="end"))
        body.append(el("line", x1=LEFT, x2=width - RIGHT, y1=base, y2=base, stroke=GRID, stroke_width=1))
        for j, year in enumerate(axis):
            n = counts[topic].get(year, 0)
            if not n:
                continue
            h = max(3.0, BAR_MAX * n / top)
            x = LEFT + j * YEAR_W + 7
            body.append(el("g", tooltip(f"{names[topic]}, {year}: {n}")
                           + el("rect", x=x, y=base - h, width=YEAR_W - 14, height=h, fill=ACCENT)
                           + text(x + (YEAR_W - 14) / 2, base - h - 3, n, size=10, anchor="middle", fill=INK),
                           class_="bar", data_topic=topic, data_year=year, data_count=n))
        body.append(text(width - RIGHT + 8, base - 8, sum(counts[topic].values()), weight="bold"))
    title = message("picture.topics.title", lang)
    description = message("picture.topics.desc", lang)
    if order:
        used = [y for t in counts.values() for y, n in t.items() if n]
        description += " " + message("picture.topics.summary", lang, count=sum(sum(t.values()) for t in counts.values()),
                                     topics=len(order), first=min(used), last=max(used))
    document = svg.document(width, bottom + 26, title, description, body)
    headers = [message("field.topic", lang), message("field.year", lang), message("field.count", lang)]
    table_rows, iris = [], []
    for topic in order:
        for year in sorted(counts[topic]):
            if counts[topic][year]:
                table_rows.append([names[topic], str(year), str(counts[topic][year])])
                iris.append(topic)
    return Picture(NAME, title, description, document, Table(title, headers, table_rows, iris), QUERY, lang)

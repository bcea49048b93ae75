"""What every picture shares: the Picture and Table it returns, XML escaping, scales, the palette
and its contrast, legends, and the accessible SVG document around a picture's marks.

Every picture is a pure function from rows (plain data, as a SPARQL SELECT returns them) to a
Picture: the SVG text, a table of the same facts (the table equivalent), its title and the name of
the query behind it (queries/<name>.rq). The SVG scales (a viewBox and width 100%), carries
role="img", an aria-label, <title> and <desc>, and never lets colour alone carry a value: marks
differ in shape or pattern, and numbers and letters are printed. Output is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"

# Colours: text and lines on white pass WCAG AA (4.5:1 for text); fills are ColorBrewer's sequential
# blues (colour-blind safe), light to dark, chosen so that black or white text on each passes 4.5:1;
# a value's text on a fill is black or white, whichever contrasts more.
BACKGROUND = "#ffffff"
INK = "#1a1a1a"  # text, 17:1 on white
MUTED = "#595959"  # secondary text, 7:1 on white
GRID = "#c8c8c8"  # lines only, never text
ZERO = "#f2f2f2"  # a zero value's fill (with a dashed outline)
SEQUENTIAL = ["#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b"]
ACCENT = "#08519c"  # marks on white (8:1)
ACCENT_LIGHT = "#9ecae1"


@dataclass(frozen=True)
class Table:
    """The table equivalent of a picture: a caption, column headers and rows of readable strings.

    `iris` gives, per row, the IRI of the thing the row is about (or None), so a page may link it.
    """

    caption: str
    headers: list[str]
    rows: list[list[str]]
    iris: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class Picture:
    name: str  # a short key, e.g. "timeline"
    title: str  # what the picture shows, in the page's language
    description: str  # how to read it (the SVG's <desc>)
    svg: str  # a standalone <svg> element (no XML declaration), to be inlined in HTML or served as image/svg+xml
    table: Table
    query: str  # the query behind it: queries/<query>.rq
    lang: str


def esc(text: object) -> str:
    """Text or attribute value escaped for XML (and HTML)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))


def num(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, so that output is stable and short."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def attrs(**values: object) -> str:
    """` name="value"` pairs in the given order; None is left out; a trailing _ is dropped and _ is -."""
    out = []
    for key, value in values.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        out.append(f' {name}="{esc(num(value) if isinstance(value, float) else value)}"')
    return "".join(out)


def el(tag: str, content: str | None = None, **values: object) -> str:
    """One element; content is already SVG (escape text with esc)."""
    if content is None:
        return f"<{tag}{attrs(**values)}/>"
    return f"<{tag}{attrs(**values)}>{content}</{tag}>"


def text(x: float, y: float, content: object, size: float = 12, fill: str = INK, anchor: str = "start",
         weight: str | None = None, **more: object) -> str:
    return el("text", esc(content), x=float(x), y=float(y), font_size=float(size), fill=fill, text_anchor=anchor,
              font_weight=weight, **more)


def tooltip(content: object) -> str:
    """A <title> child: the name a pointer or a screen reader gets for one mark."""
    return el("title", esc(content))


def document(width: float, height: float, title: str, description: str, body: Iterable[str],
             defs: Iterable[str] = ()) -> str:
    """The accessible SVG around a picture's marks: scalable, role="img", labelled, titled, described."""
    definitions = "".join(defs)
    return (
        el("svg", None, xmlns=SVG_NS, viewBox=f"0 0 {num(width)} {num(height)}", width="100%",
           preserveAspectRatio="xMinYMin meet", role="img", aria_label=title, font_family=FONT)[:-2]
        + ">"
        + el("title", esc(title))
        + el("desc", esc(description))
        + (el("defs", definitions) if definitions else "")
        + el("rect", x=0.0, y=0.0, width=float(width), height=float(height), fill=BACKGROUND)
        + "".join(body)
        + "</svg>"
    )


# --- scales -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Linear:
    """domain [d0, d1] onto range [r0, r1]."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


def classes(values: Sequence[int], bins: int = len(SEQUENTIAL)) -> list[tuple[int, int]]:
    """Up to `bins` ranges (low, high) of whole numbers covering 1..max(values): the legend's classes.

    Zero is a class of its own (not among these). Equal widths, so the legend reads as plain steps.
    """
    top = max(values, default=0)
    if top <= 0:
        return []
    bins = min(bins, top)
    edges = [round(top * i / bins) for i in range(bins + 1)]
    return [(edges[i] + 1, edges[i + 1]) for i in range(bins)]


def fill_for(value: int, ranges: Sequence[tuple[int, int]]) -> str:
    if value <= 0 or not ranges:
        return ZERO
    for i, (low, high) in enumerate(ranges):
        if low <= value <= high:
            return SEQUENTIAL[i if len(ranges) == len(SEQUENTIAL) else _spread(i, len(ranges))]
    return SEQUENTIAL[-1]


def _spread(i: int, n: int) -> int:
    """With fewer classes than colours, the i-th of n takes colours spread over the whole ramp."""
    return round(i * (len(SEQUENTIAL) - 1) / max(1, n - 1)) if n > 1 else len(SEQUENTIAL) - 1


# --- contrast (WCAG 2.x) ------------------------------------------------------------------------


def luminance(colour: str) -> float:
    c = colour.lstrip("#")
    rgb = [int(c[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(fill: str) -> str:
    """Black or white text, whichever contrasts more with the fill."""
    return INK if contrast(INK, fill) >= contrast("#ffffff", fill) else "#ffffff"


# --- legend -------------------------------------------------------------------------------------


def legend(x: float, y: float, items: Sequence[tuple[str, str]], title: str, width: float) -> tuple[str, float]:
    """A legend of (swatch, label) pairs flowing in rows from (x, y); a swatch is SVG drawn in a 14×14
    box at the origin (it is moved into place). Returns the SVG and the height used."""
    out = [text(x, y + 12, title, size=12, weight="bold")]
    cx, cy = x, y + 22
    for swatch, label in items:
        w = 22 + len(label) * 6.6 + 18
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 22
        out.append(el("g", swatch, transform=f"translate({num(cx)} {num(cy)})"))
        out.append(text(cx + 20, cy + 11, label, size=12))
        cx += w
    return el("g", "".join(out), class_="legend"), cy + 22 - y


def square(fill: str, stroke: str = INK, dashed: bool = False) -> str:
    return el("rect", x=0.5, y=0.5, width=13.0, height=13.0, fill=fill, stroke=stroke,
              stroke_dasharray="3 2" if dashed else None)

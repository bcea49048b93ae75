"""The pictures of the reader pages, drawn from the built release: each SVG is well-formed and
accessible, shows as many marks as separate queries count in the store, and its table holds the
same facts; text contrasts with what is behind it (WCAG AA), and output is deterministic."""

from __future__ import annotations

import csv
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from intmk_kg.linking.index import store_select
from intmk_kg.pictures import GRID, MEASURES, dissent_matrix, tile_map
from intmk_kg.pictures.data import PICTURES, picture, store_rows
from intmk_kg.pictures.svg import BACKGROUND, classes, contrast
from intmk_kg.readable import MESSAGES, message

ROOT = Path(__file__).resolve().parents[1]
S = "{http://www.w3.org/2000/svg}"
PREFIX = "PREFIX intmk: <https://w3id.org/intmk/ontology#>\n"


@pytest.fixture(scope="module")
def drawn(store):
    return {(name, lang): picture(store, name, lang) for name in PICTURES for lang in ("de", "en")}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def count(store, where: str) -> int:
    rows = list(store.query(PREFIX + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


def marks(root: ET.Element, kind: str) -> list[ET.Element]:
    return [e for e in root.iter() if kind in (e.get("class") or "").split()]


@pytest.mark.parametrize("name", sorted(PICTURES))
@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_picture_is_accessible_svg(drawn, name, lang):
    pic = drawn[(name, lang)]
    root = parse(pic.svg)
    assert root.tag == S + "svg"
    assert root.get("role") == "img" and root.get("aria-label") == pic.title
    assert root.get("width") == "100%" and len(root.get("viewBox").split()) == 4
    assert root[0].tag == S + "title" and root[0].text == pic.title
    assert root[1].tag == S + "desc" and root[1].text == pic.description
    assert pic.title and pic.table.headers and pic.table.rows
    assert all(len(row) == len(pic.table.headers) for row in pic.table.rows)
    assert pic.lang == lang and (ROOT / "queries" / f"{pic.query}.rq").is_file()
    # nothing reaches out: no scripts, no external references (patterns are referenced inside)
    assert not [e for e in root.iter() if e.tag in (S + "script", S + "image", S + "foreignObject")]
    for e in root.iter():
        for attr, value in e.attrib.items():
            assert not attr.endswith("href") or value.startswith("#"), (attr, value)
            assert "url(" not in value or value.startswith("url(#"), (attr, value)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_pictures_are_deterministic(store, drawn, name):
    again = picture(store, name, "de")
    assert again.svg == drawn[(name, "de")].svg and again.table == drawn[(name, "de")].table
    # the same from a select function that answers with terms, as the web query service does
    assert picture(store_select(store), name, "de").svg == again.svg


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_english_pictures_carry_no_german_page_strings(drawn, name):
    german_only = {v for k, v in MESSAGES["de"].items() if v != MESSAGES["en"][k]}
    root = parse(drawn[(name, "en")].svg)
    texts = {e.text for e in root.iter() if e.text} | set(drawn[(name, "en")].table.headers)
    assert not texts & german_only
    months_de = {"Januar", "Februar", "März", "Mai", "Juni", "Juli", "Oktober", "Dezember"}
    words = {w.strip(".,;:()") for row in drawn[(name, "en")].table.rows for cell in row for w in cell.split()}
    assert not words & months_de


def _behind(parents: dict, element: ET.Element) -> str:
    """The fill under a text: the rect of the tile or cell it is drawn on, else the background."""
    group = parents.get(element)
    while group is not None and group.get("class") not in ("tile", "cell"):
        group = parents.get(group)
    if group is None:
        return BACKGROUND
    return next(r.get("fill") for r in group if r.tag == S + "rect")


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_text_contrast_is_wcag_aa(drawn, store, name):
    pictures = [drawn[(name, "de")]] + ([tile_map(store_rows(store)(_q("picture-lander-tiles")), m, "de")
                                         for m in MEASURES] if name == "tiles" else [])
    for pic in pictures:
        root = parse(pic.svg)
        parents = {child: parent for parent in root.iter() for child in parent}
        texts = [e for e in root.iter() if e.tag == S + "text"]
        assert texts
        for t in texts:
            ratio = contrast(t.get("fill"), _behind(parents, t))
            assert ratio >= 4.5, (pic.name, t.text, t.get("fill"), ratio)


def _q(name: str) -> str:
    return (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")


def test_timeline_has_one_mark_per_conference(store, drawn):
    pic = drawn[("timeline", "de")]
    root = parse(pic.svg)
    conferences = count(store, "?c a intmk:Conference . FILTER EXISTS { ?c intmk:year|intmk:startDate ?when }")
    ordinals = sorted(int(m.get("data-ordinal")) for m in marks(root, "conference"))
    assert len(ordinals) == conferences > 20 and len(set(ordinals)) == len(ordinals)
    assert len(pic.table.rows) == count(store, "?c a intmk:Conference")
    # one bar per chairmanship whose Land is known
    assert len(marks(root, "term")) == count(store, "?c a intmk:Conference ; intmk:chairmanship/intmk:chairState ?land")
    # a lane per Land, named in the page's language
    names = {e.text for e in root.iter(S + "text")}
    assert {"Niedersachsen", "Nordrhein-Westfalen", "Thüringen"} <= names
    assert {"Lower Saxony", "Thuringia"} <= {e.text for e in parse(drawn[("timeline", "en")].svg).iter(S + "text")}


def test_timeline_table_tells_status_and_chair(drawn):
    rows = {r[0]: r for r in drawn[("timeline", "en")].table.rows}
    assert rows["15th"][2] == message("status.cancelled", "en") and rows["16th"][2] == message("status.online", "en")
    assert rows["20th"][1] == "23–24 April 2025" and rows["20th"][4] == "Andreas Philippi"
    assert rows["20th"][5] == "1 July 2024 – 30 June 2025"
    assert rows["1st"][3] == message("value.unknown", "en")
    assert rows["21st"][4] == "Josefine Paul (until 27 January 2026)"  # she left before the term ended


def test_matrix_cells_add_up_to_the_dissent_query(store, drawn):
    dissent = list(store.query(_q("dissent-by-land")))  # one row per item, Land and kind of dissent
    for lang in ("de", "en"):
        pic = drawn[("matrix", lang)]
        cells = marks(parse(pic.svg), "cell")
        conferences = count(store, "?c a intmk:Conference")
        assert len(cells) == 16 * conferences
        assert sum(int(c.get("data-total")) for c in cells) == len(dissent) > 0
        assert len(pic.table.rows) == sum(1 for c in cells if int(c.get("data-total")))
        assert sum(int(v) for row in pic.table.rows for v in row[2:]) == len(dissent)
    # each kind is printed with its letter: Bavaria's votes against at the 12th
    bavaria_12 = next(c for c in marks(parse(drawn[("matrix", "en")].svg), "cell")
                      if c.get("data-land") == "DE-BY" and c.get("data-conference").endswith("/conference/12"))
    expected = sum(1 for r in dissent if r["land"].value.endswith("DE-BY") and r["conference"].value.endswith("/12")
                   and r["how"].value == "against")
    assert [t.text for t in bavaria_12.iter(S + "text")][0] == f"N{expected}"


def test_tile_map_has_sixteen_tiles_on_a_fixed_grid(store, drawn):
    with (ROOT / "data" / "reference" / "states.csv").open(encoding="utf-8", newline="") as f:
        codes = {row["key"] for row in csv.DictReader(f)}
    assert set(GRID) == codes and len(codes) == 16
    assert len(set(GRID.values())) == 16  # no two Länder on one square
    rows = store_rows(store)(_q("picture-lander-tiles"))
    for measure in MEASURES:
        pic = tile_map(rows, measure, "en")
        tiles = marks(parse(pic.svg), "tile")
        assert sorted(t.get("data-land") for t in tiles) == sorted(codes)
        assert len(pic.table.rows) == 16
        assert sum(int(t.get("data-value")) for t in tiles) == sum(int(r[1]) for r in pic.table.rows)
    # the measure of chairs, counted separately: conferences per chair Land
    chairs = {t.get("data-land"): int(t.get("data-value")) for t in marks(parse(drawn[("tiles", "de")].svg), "tile")}
    for code in ("DE-NI", "DE-NW", "DE-BY"):
        assert chairs[code] == count(store, f'?c a intmk:Conference ; intmk:chairmanship/intmk:chairState/intmk:isoCode "{code}"')
    assert sum(chairs.values()) == count(store, "?c a intmk:Conference ; intmk:chairmanship/intmk:chairState ?l")
    hosted = {t.get("data-land"): int(t.get("data-value")) for t in marks(parse(tile_map(rows, "hosted").svg), "tile")}
    assert sum(hosted.values()) == count(store, "?c a intmk:Conference ; intmk:heldInState ?l")
    with pytest.raises(ValueError):
        tile_map(rows, "population")


def test_topic_chart_counts_each_resolution_once_per_topic_and_year(store, drawn):
    pairs = count(store, "SELECT DISTINCT ?r ?t ?y WHERE { ?r a intmk:Resolution ; intmk:topic ?t ; "
                         "intmk:adoptedAt|intmk:consideredAt ?c . ?c a intmk:Conference ; intmk:year ?y }")
    pic = drawn[("topics", "de")]
    bars = marks(parse(pic.svg), "bar")
    assert sum(int(b.get("data-count")) for b in bars) == pairs > 0
    assert len(pic.table.rows) == len(bars)
    assert sum(int(r[2]) for r in pic.table.rows) == pairs
    topics = {b.get("data-topic") for b in bars}
    assert len(topics) == count(store, "SELECT DISTINCT ?t WHERE { ?r a intmk:Resolution ; intmk:topic ?t ; "
                                       "intmk:adoptedAt|intmk:consideredAt/intmk:year ?y }")


def test_names_are_escaped():
    rows = [{"landCode": "DE-BY", "landDe": "<Bayern & \"Co\">"}, {"conference": "c/1", "ordinal": "1"},
            {"landCode": "DE-BY", "conference": "c/1", "ordinal": "1", "how": "no", "items": "2"}]
    root = parse(dissent_matrix(rows, "de").svg)
    assert "<Bayern & \"Co\">" in {e.text for e in root.iter(S + "text")}
    tiles = tile_map([{"landCode": "DE-BY", "landDe": "<b>", "chairs": "3"}], "chairs", "de")
    assert any("<b>" in (e.text or "") for e in parse(tiles.svg).iter(S + "title"))


def test_empty_rows_draw_an_empty_picture():
    for name, (_, function) in PICTURES.items():
        pic = function([], lang="en")
        assert parse(pic.svg).get("role") == "img" and pic.table.rows == [] or name == "tiles"


def test_legend_classes():
    assert classes([0, 0]) == [] and classes([2]) == [(1, 1), (2, 2)]
    ranges = classes([0, 3, 13])
    assert ranges[0][0] == 1 and ranges[-1][1] == 13 and len(ranges) == 5
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:]))
    with pytest.raises(KeyError):
        picture(None, "pie")


def test_every_fill_takes_text_at_wcag_aa():
    from intmk_kg.pictures.svg import ACCENT, INK, MUTED, SEQUENTIAL, ZERO, ink_on

    for fill in [*SEQUENTIAL, ZERO, BACKGROUND, ACCENT]:
        assert contrast(ink_on(fill), fill) >= 4.5, fill
    assert contrast(INK, BACKGROUND) >= 7 and contrast(MUTED, BACKGROUND) >= 4.5
    # the ramp darkens step by step, so that its order reads without colour vision too
    from intmk_kg.pictures.svg import luminance

    assert [luminance(c) for c in SEQUENTIAL] == sorted((luminance(c) for c in SEQUENTIAL), reverse=True)


def test_a_term_with_one_bound_is_estimated_as_a_year():
    from intmk_kg.pictures.timeline import conferences, term

    rows = [{"conference": "c/9", "ordinal": "9", "year": "2024", "landCode": "DE-BY", "chairFrom": "2024-02-29"},
            {"conference": "c/8", "ordinal": "8", "year": "2023", "landCode": "DE-BY", "chairTo": "2023-06-30"}]
    nine, eight = sorted(conferences(rows), key=lambda c: -c.ordinal)
    assert term(nine.chairs[0], nine) == (dt.date(2024, 2, 29), dt.date(2025, 2, 27), True)  # no 29 February in 2025
    assert term(eight.chairs[0], eight) == (dt.date(2022, 7, 1), dt.date(2023, 6, 30), True)

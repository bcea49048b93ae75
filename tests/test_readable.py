"""Values as a reader writes them: the formatter on the conferences' real dates, read back; durations,
numbers, natural order, and a message catalogue equal in both languages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from intmk_kg.readable import (
    MESSAGES,
    format_date,
    format_date_range,
    format_duration,
    format_number,
    language,
    message,
    messages,
    natural_key,
    ordinal,
)
from intmk_kg.readable.formats import MONTHS

ROOT = Path(__file__).resolve().parents[1]

DATES = """
PREFIX intmk: <https://w3id.org/intmk/ontology#>
SELECT ?c ?start ?end WHERE { ?c a intmk:Conference ; intmk:startDate ?start . OPTIONAL { ?c intmk:endDate ?end } }
"""


def read_back(text: str, lang: str) -> tuple[dt.date, dt.date]:
    """A reader's date span parsed back (written here from the languages' rules, not from the formatter)."""
    months = {name: i + 1 for i, name in enumerate(MONTHS[lang])}
    dot = r"\." if lang == "de" else ""
    day, month, year = rf"(\d{{1,2}}){dot}", "(" + "|".join(months) + ")", r"(\d{4})"
    patterns = [
        (rf"^{day} {month} {year}$", lambda d, m, y: ((y, m, d), (y, m, d))),
        (rf"^{day}–{day} {month} {year}$", lambda d1, d2, m, y: ((y, m, d1), (y, m, d2))),
        (rf"^{day} {month} – {day} {month} {year}$", lambda d1, m1, d2, m2, y: ((y, m1, d1), (y, m2, d2))),
        (rf"^{day} {month} {year} – {day} {month} {year}$", lambda d1, m1, y1, d2, m2, y2: ((y1, m1, d1), (y2, m2, d2))),
    ]
    for pattern, parts in patterns:
        match = re.match(pattern, text)
        if match:
            values = [months[g] if g in months else int(g) for g in match.groups()]
            a, b = parts(*values)
            return dt.date(*a), dt.date(*b)
    raise AssertionError(f"not a date span a reader writes: {text!r}")


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_conference_date_reads_back(store, lang):
    rows = list(store.query(DATES))
    assert len(rows) >= 15
    for row in rows:
        start = dt.date.fromisoformat(row["start"].value)
        end = dt.date.fromisoformat(row["end"].value) if row["end"] else start
        text = format_date_range(row["start"].value, row["end"].value if row["end"] else None, lang)
        assert read_back(text, lang) == (start, end), (row["c"].value, text)
        assert text.count(str(start.year)) == 1 or start.year != end.year  # the shared year is written once


def test_date_spans_in_both_languages():
    assert format_date_range("2025-04-23", "2025-04-24", "de") == "23.–24. April 2025"
    assert format_date_range("2025-04-23", "2025-04-24", "en") == "23–24 April 2025"
    assert format_date_range("2025-04-30", "2025-05-02", "de") == "30. April – 2. Mai 2025"
    assert format_date_range("2025-12-30", "2026-01-02", "en") == "30 December 2025 – 2 January 2026"
    assert format_date_range("2021-04-29", "2021-04-29", "de") == "29. April 2021"
    assert format_date_range(None, "2009-09-30", "en") == "until 30 September 2009"
    assert format_date_range(None, None, "de") == ""
    assert format_date("2008", "de") == "2008" and format_date("2008-03", "de") == "März 2008"
    assert format_date(dt.date(2026, 1, 27), "en") == "27 January 2026"
    with pytest.raises(ValueError):
        format_date("soon", "de")
    for impossible in ("2025-13-01", "2025-00-10", "2025-02-31", "12025-01-01", "2025-04-31", "2025-04-23x"):
        with pytest.raises(ValueError):
            format_date(impossible, "en")
    assert format_date("2024-02-29", "en") == "29 February 2024"
    with pytest.raises(ValueError):
        format_date("2025-01-01", "fr")


def test_durations():
    assert format_duration("P2D", "de") == "2 Tage" and format_duration("P2D", "en") == "2 days"
    assert format_duration("P1D", "de") == "1 Tag" and format_duration("P1D", "en") == "1 day"
    assert format_duration("P1Y2M", "de") == "1 Jahr und 2 Monate"
    assert format_duration("PT1H30M", "en") == "1 hour and 30 minutes"
    assert format_duration("P1Y2M3D", "en") == "1 year, 2 months and 3 days"
    for wrong in ("2D", "P", "PT", "P1DT", "P-1D", ""):
        with pytest.raises(ValueError):
            format_duration(wrong, "de")


def test_durations_in_the_data(store):
    rows = list(store.query("PREFIX intmk: <https://w3id.org/intmk/ontology#> "
                            "SELECT ?d ?start ?end WHERE { ?c intmk:duration ?d ; intmk:startDate ?start ; intmk:endDate ?end }"))
    assert rows
    for row in rows:
        days = (dt.date.fromisoformat(row["end"].value) - dt.date.fromisoformat(row["start"].value)).days + 1
        assert format_duration(row["d"].value, "de") == f"{days} {'Tag' if days == 1 else 'Tage'}"
        assert format_duration(row["d"].value, "en") == f"{days} {'day' if days == 1 else 'days'}"


def test_numbers_and_ordinals():
    assert format_number(1234567, "de") == "1.234.567" and format_number(1234567, "en") == "1,234,567"
    assert format_number(1234.5, "de") == "1.234,5" and format_number(1234.5, "en") == "1,234.5"
    assert format_number(0.125, "de", decimals=2) == "0,12" and format_number(-3, "en") == "-3"
    assert [ordinal(n, "en") for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]
    assert ordinal(20, "de") == "20."


def test_natural_order_of_the_conferences(store):
    iris = [r["c"].value for r in store.query("SELECT ?c WHERE { ?c a <https://w3id.org/intmk/ontology#Conference> }")]
    ordinals = [int(i.rsplit("/", 1)[1]) for i in sorted(iris, key=natural_key)]
    assert ordinals == sorted(ordinals) and len(ordinals) >= 20
    assert sorted(["10", "2", "1", "20", "11"], key=natural_key) == ["1", "2", "10", "11", "20"]
    assert sorted(["Zuwanderung", "Ärzte", "apfel", "Bund"], key=natural_key) == ["apfel", "Ärzte", "Bund", "Zuwanderung"]
    assert sorted(["TOP 10", "TOP 2.1", "TOP 2", None], key=natural_key) == [None, "TOP 2", "TOP 2.1", "TOP 10"]


def test_language_from_tags():
    assert language("en-GB,en;q=0.9") == "en" and language("de-AT") == "de"
    assert language("fr-FR, en;q=0.5") == "en" and language(None) == "de" and language("fr") == "de"


def test_catalogue_is_complete_in_both_languages():
    assert set(MESSAGES) == {"de", "en"}
    assert MESSAGES["de"].keys() == MESSAGES["en"].keys()
    assert all(v.strip() for lang in MESSAGES.values() for v in lang.values())
    fields = re.compile(r"\{(\w+)\}")
    for key in MESSAGES["de"]:
        assert set(fields.findall(MESSAGES["de"][key])) == set(fields.findall(MESSAGES["en"][key])), key
    # what the pages need: each outcome, vote kind and status, the errors, the search groups
    for key in ("outcome.adopted", "outcome.rejected", "outcome.withdrawn", "outcome.unknown", "vote.moved",
                "vote.no", "vote.abstained", "vote.protocol_note", "status.held", "status.cancelled", "status.online",
                "error.404.title", "error.404.text", "search.no_results", "nav.home", "nav.search"):
        assert key in MESSAGES["de"]


def test_the_catalogue_says_different_things_in_each_language():
    same = {k for k in MESSAGES["de"] if MESSAGES["de"][k] == MESSAGES["en"][k]}
    # words both languages share (an English text about Germany keeps "Land", "Länder"), names and codes;
    # any other equal message is one left untranslated
    shared = {"nav.lander", "nav.sparql", "nav.downloads", "page.conference_title", "page.land", "page.person",
              "field.land", "field.status", "search.group.lander", "vote.short.protocol_note", "status.online",
              "footer.version", "col.conference_short", "col.name", "graphs.graph"}
    assert same <= shared, same - shared


def test_messages_fill_parameters():
    assert message("search.no_results", "de", query="Xy") == "Nichts gefunden für „Xy“."
    assert message("nav.home", "en") == "Home" and messages("en")["nav.home"] == "Home"
    with pytest.raises(KeyError):
        message("search.no_results", "de")
    with pytest.raises(KeyError):
        message("no.such.key", "de")

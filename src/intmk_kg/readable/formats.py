"""Dates, durations and numbers as a reader writes them, in German or English.

A date in the data is an xsd:date ("2025-04-23"), sometimes only a year ("2008", xsd:gYear) or a
month ("2008-05"); a conference runs from a start to an end date. German writes "23.–24. April 2025",
English "23–24 April 2025"; across months "30. April – 2. Mai 2025", across years with both years.
A duration is an xsd:duration ("P2D" → "2 Tage", "2 days").
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

LANGS = ("de", "en")
DEFAULT_LANG = "de"

MONTHS = {
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}
EN_DASH = "\u2013"

# xsd:duration parts: (designator, German singular, plural, English singular, plural)
UNITS = {
    "Y": ("Jahr", "Jahre", "year", "years"),
    "M": ("Monat", "Monate", "month", "months"),
    "W": ("Woche", "Wochen", "week", "weeks"),
    "D": ("Tag", "Tage", "day", "days"),
    "H": ("Stunde", "Stunden", "hour", "hours"),
    "TM": ("Minute", "Minuten", "minute", "minutes"),
    "S": ("Sekunde", "Sekunden", "second", "seconds"),
}
DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?:(?P<H>\d+)H)?(?:(?P<TM>\d+)M)?(?:(?P<S>\d+(?:\.\d+)?)S)?)?$"
)
PARTIAL_DATE = re.compile(r"^(?P<year>-?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?:Z|[+-]\d{2}:\d{2})?$")


def language(tag: str | None) -> str:
    """"de" or "en" from a language tag or Accept-Language value ("en-GB", "de-AT;q=0.8"); else German."""
    if tag:
        for part in str(tag).split(","):
            primary = part.split(";")[0].strip().lower().split("-")[0]
            if primary in LANGS:
                return primary
    return DEFAULT_LANG


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return lang


def month_name(month: int, lang: str) -> str:
    return MONTHS[_lang(lang)][month - 1]


def _parts(value: object) -> tuple[int, int | None, int | None]:
    """(year, month, day) of a date, datetime, or an ISO date, year-month or year as text."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.year, value.month, value.day
    match = PARTIAL_DATE.match(str(value).strip())
    if not match:
        raise ValueError(f"not a date: {value!r}")
    year, month, day = int(match["year"]), int(match["month"]) if match["month"] else None, int(match["day"]) if match["day"] else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"not a date: {value!r}")
    if day is not None:
        try:
            dt.date(year if 1 <= year <= 9999 else 2000, month, day)  # a year outside datetime's range: a leap year
        except ValueError:
            raise ValueError(f"not a date: {value!r}") from None
    return year, month, day


def _day(day: int, lang: str) -> str:
    return f"{day}." if lang == "de" else str(day)


def format_date(value: object, lang: str = DEFAULT_LANG) -> str:
    """"23. April 2025" / "23 April 2025"; a month alone "April 2025"; a year alone "2025"."""
    lang = _lang(lang)
    year, month, day = _parts(value)
    if month is None:
        return str(year)
    if day is None:
        return f"{month_name(month, lang)} {year}"
    return f"{_day(day, lang)} {month_name(month, lang)} {year}"


def format_date_range(start: object, end: object = None, lang: str = DEFAULT_LANG) -> str:
    """A span of days as a reader writes it; what the two dates share is written once.

    "23.–24. April 2025" / "23–24 April 2025"; "30. April – 2. Mai 2025" / "30 April – 2 May 2025";
    "30. Dezember 2025 – 2. Januar 2026"; one day (or no end) is a single date; no start: "bis …"/"until …".
    Dates that are not full days (a year, a month) are joined with a spaced dash.
    """
    lang = _lang(lang)
    if start in (None, "") and end in (None, ""):
        return ""
    if end in (None, ""):
        return format_date(start, lang)
    if start in (None, ""):
        return ("bis " if lang == "de" else "until ") + format_date(end, lang)
    (y1, m1, d1), (y2, m2, d2) = _parts(start), _parts(end)
    if (y1, m1, d1) == (y2, m2, d2):
        return format_date(start, lang)
    if None in (m1, d1, m2, d2):
        return f"{format_date(start, lang)} {EN_DASH} {format_date(end, lang)}"
    if (y1, m1) == (y2, m2):
        return f"{_day(d1, lang)}{EN_DASH}{_day(d2, lang)} {month_name(m1, lang)} {y1}"
    if y1 == y2:
        return f"{_day(d1, lang)} {month_name(m1, lang)} {EN_DASH} {_day(d2, lang)} {month_name(m2, lang)} {y1}"
    return f"{format_date(start, lang)} {EN_DASH} {format_date(end, lang)}"


def format_duration(value: str, lang: str = DEFAULT_LANG) -> str:
    """An xsd:duration in words: "P2D" → "2 Tage" / "2 days", "P1Y2M" → "1 Jahr und 2 Monate"."""
    lang = _lang(lang)
    match = DURATION.match(str(value).strip())
    if not match or str(value).strip() in ("P", "PT") or str(value).strip().endswith("T"):
        raise ValueError(f"not an xsd:duration: {value!r}")
    words = []
    for key, (de1, de_n, en1, en_n) in UNITS.items():
        amount = match[key]
        if amount is None:
            continue
        number = Decimal(amount)
        one = number == 1
        unit = (de1 if one else de_n) if lang == "de" else (en1 if one else en_n)
        words.append(f"{format_number(number, lang)} {unit}")
    if not words:
        raise ValueError(f"not an xsd:duration: {value!r}")
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + (" und " if lang == "de" else " and ") + words[-1]
    return ("minus " if match["sign"] else "") + joined


def integer(value: object) -> int | None:
    """The integer a value from the data states (an xsd:integer literal, its lexical form), or None
    where it is not one ("first", "2.5", nothing)."""
    text = str(getattr(value, "value", value) if value is not None else "").strip()
    try:
        return int(text)
    except ValueError:
        return None


def format_number(value: object, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """1234 → "1.234" / "1,234"; 1234.5 → "1.234,5" / "1,234.5". Four-digit years are not numbers:
    print them as they are."""
    lang = _lang(lang)
    number = Decimal(str(value))
    if decimals is not None:
        number = round(number, decimals)
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    if decimals is None:
        fraction = fraction.rstrip("0")
    group = "." if lang == "de" else ","
    point = "," if lang == "de" else "."
    grouped = f"{int(whole):,}".replace(",", group)
    return sign + grouped + (point + fraction if fraction else "")


def ordinal(n: int, lang: str = DEFAULT_LANG) -> str:
    """20 → "20." / "20th" (as in "20. IntMK", "20th IntMK")."""
    lang = _lang(lang)
    if lang == "de":
        return f"{n}."
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

"""A document's verbatim text with the statements taken from it marked in place.

The text comes from the release (`texts/`, written by the build from sources/ for each document the
data links with `intmk:sourceText`), never from a checkout. A statement is marked only where its
`intmk:text` occurs in the text exactly as it stands; one that does not (a quote that runs across a
page break of the transcript) is listed as not found, and the page says how many were marked.
Where two statements would overlap, the one that starts first (then the longer) is marked.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...release import Release, text_file


@dataclass(frozen=True)
class Segment:
    text: str
    statement: str | None = None  # the IRI of the statement this stretch of text is, if any


@dataclass(frozen=True)
class MarkedText:
    segments: list[Segment]
    marked: list[str]  # statement IRIs marked, in text order
    missing: list[str]  # statement IRIs whose text is not in the document verbatim (or overlaps one marked)


def mark(text: str, statements: list[tuple[str, str]]) -> MarkedText:
    """`text` cut into segments, each statement (IRI, its text) found verbatim a marked segment."""
    spans: list[tuple[int, int, str]] = []
    missing: list[str] = []
    for iri, quoted in statements:
        at = text.find(quoted) if quoted else -1
        if at < 0:
            missing.append(iri)
        else:
            spans.append((at, at + len(quoted), iri))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
    segments: list[Segment] = []
    marked: list[str] = []
    cursor = 0
    for start, end, iri in spans:
        if start < cursor:  # overlaps a statement marked already
            missing.append(iri)
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], iri))
        marked.append(iri)
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return MarkedText(segments, marked, sorted(missing))


def of_document(release: Release | None, document: str) -> str | None:
    """The release's verbatim text of a document (UTF-8, as the build copied it), or None when the
    data links none or nothing is served from a release (`serve --data`, a remote store)."""
    path = text_file(release, document) if release is not None else None
    if path is None or not path.is_file():
        return None
    return path.read_text(encoding="utf-8")

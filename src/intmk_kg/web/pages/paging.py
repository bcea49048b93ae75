"""Pages of a list: /conferences/, /persons/, …, /resolutions/ show PAGE_SIZE rows at a time
(`?page=N`, from 1), in HTML, JSON and CSV alike, with the total and the links to the previous and
next page. A page past the last is a 404; a page number that is not one is a 400.

The deepest page is bounded like the inline lane of the SPARQL endpoint (OFFSET ≤ MAX_OFFSET): a
reader who wants every row of a large graph takes the dumps or asks the endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort, current_app, request

from ...readable import format_number, message

PAGE_SIZE = 300  # rows a page shows: more than the real data's longest list (259 documents), so that every
# entity stays two clicks from the home page; the setting LIST_PAGE_SIZE changes it (tests use a small one)
MAX_OFFSET = 10_000  # as web/query/guard.py allows the inline lane
NUMBER = re.compile(r"^[1-9][0-9]{0,5}$")


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    size: int
    total: int  # rows of the whole list

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:  # the first row shown, from 1 (0 on an empty list)
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages and self.offset + self.size <= MAX_OFFSET else None

    def slice(self, rows: list) -> list:
        return rows[self.offset:self.offset + self.size]

    def text(self, lang: str) -> str:
        """"rows 101–200 of 27,845" in the page's language."""
        return message("list.rows", lang, first=format_number(self.first, lang), last=format_number(self.last, lang),
                       total=format_number(self.total, lang))

    def as_json(self, url_of) -> dict:
        """What a JSON body says of its page; `url_of(n)` is the address of page n."""
        return {"total": self.total, "page": self.number, "page_size": self.size, "pages": self.pages,
                "previous": url_of(self.previous) if self.previous else None,
                "next": url_of(self.next) if self.next else None}


def link_headers(response, page: Page, url_of) -> None:
    """A CSV page says where it is as HTTP headers: the total, and Link rel="next"/"prev"."""
    response.headers["X-Total-Count"] = str(page.total)
    links = [f'<{url_of(n)}>; rel="{rel}"' for n, rel in ((page.previous, "prev"), (page.next, "next")) if n]
    if links:
        response.headers["Link"] = ", ".join(links)


def size() -> int:
    return int(current_app.config.get("LIST_PAGE_SIZE") or PAGE_SIZE)


def number(lang: str) -> int:
    """The requested page number (1 without ?page=); 400 for anything but a positive number, and
    for a page deeper than MAX_OFFSET rows."""
    value = request.args.get("page")
    if value is None:
        return 1
    if not NUMBER.match(value):
        abort(400, description=message("error.bad_page", lang, value=value[:20]))
    n = int(value)
    if (n - 1) * size() > MAX_OFFSET:
        abort(400, description=message("error.deep_page", lang, value=n, rows=format_number(MAX_OFFSET, lang)))
    return n


def page(lang: str, total: int) -> Page:
    """The page asked for of a list of `total` rows; 404 past its last page."""
    found = Page(number(lang), size(), total)
    if found.number > found.pages:
        abort(404, description=message("error.no_page", lang, value=found.number, pages=found.pages))
    return found

"""One content-negotiation helper for every route family.

The formats are the registry's (formats.py). Uses werkzeug's Accept parsing (q-values, wildcards) through `best_match`; an explicit
`format` parameter or file suffix wins over the Accept header. Nothing acceptable gives 406.
"""

from __future__ import annotations

import functools

from flask import Request, Response, abort, make_response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ... import formats
from ...formats import Format
from ...readable import message

Offer = Format  # what a route offers: a format of the registry (key, media type, aliases)
RDF_OFFERS = list(formats.GRAPHS)
HTML_OFFER = formats.HTML
LANGUAGES = ("de", "en")  # of pages and labels; German first (the sources' language)


NO_ACCEPT = ""


@functools.lru_cache(maxsize=512)
def best_media(accept: str, media_types: tuple[str, ...]) -> str | None:
    """werkzeug's choice for an Accept header, remembered: clients send the same few headers."""
    parsed = parse_accept_header(accept, MIMEAccept)
    return parsed.best_match(media_types, default=None) if parsed else NO_ACCEPT


@functools.lru_cache(maxsize=512)
def names_html(accept: str) -> bool:
    """Does an Accept header name text/html (at any quality)? Browsers do; SPARQL clients do not."""
    return any(m == "text/html" for m, _ in parse_accept_header(accept, MIMEAccept))


def choose(accept: str, offers: tuple[Offer, ...] | list[Offer]) -> Offer | None:
    """The offer an Accept header picks (the first for `*/*` or none), None if nothing fits.

    The route's own Offer object is returned (routes compare with `is`): the remembered choice is
    a position, since equal offers of two routes would share a cache entry."""
    at = _position(accept, tuple((o.media_type, o.accepts) for o in offers))
    return None if at is None else offers[at]


@functools.lru_cache(maxsize=512)
def _position(accept: str, media: tuple[tuple[str, tuple[str, ...]], ...]) -> int | None:
    best = best_media(accept, tuple(m for main, more in media for m in (main, *more)))
    if best is NO_ACCEPT:
        return 0
    return next((i for i, (main, more) in enumerate(media) if best == main or best in more), None)


def negotiate(request: Request, offers: list[Offer], explicit: str | None = None) -> Offer:
    """Pick the offer for this request; the first offer is the default for `*/*` or no Accept.

    `explicit` is a format name from a parameter or a suffix (short name or media type); an unknown
    one is a 400, since the client asked for something specific that we do not make.
    """
    if explicit:
        wanted = explicit.lower().split(";")[0].strip()
        for offer in offers:
            if wanted in offer.names():
                return offer
        known = ", ".join(dict.fromkeys(o.key for o in offers))
        abort(make_response(f"Unknown format {explicit[:40]!r}; use one of: {known} (or a media type of them)\n", 400,
                            {"Content-Type": "text/plain; charset=utf-8"}))
    chosen = choose(request.environ.get("HTTP_ACCEPT", ""), offers)
    if chosen is None:
        known = ", ".join(dict.fromkeys(o.media_type for o in offers))
        abort(make_response(f"Not acceptable. This resource is available as: {known}\n", 406, {"Content-Type": "text/plain; charset=utf-8"}))
    return chosen


def split_suffix(name: str, offers: list[Offer]) -> tuple[str, str | None]:
    """`DE-NI.ttl` -> (`DE-NI`, `ttl`); a dot that is not one of our suffixes stays in the name."""
    stem, dot, suffix = name.rpartition(".")
    if dot and stem and suffix in {o.key for o in offers}:
        return stem, suffix
    return name, None


def page_language() -> str:
    """?lang=de|en, else the browser's preference, else German (the sources' language).

    Any other ?lang is a 400, its message in the language the browser prefers."""
    lang = request.args.get("lang")
    if lang is None:
        return request.accept_languages.best_match(LANGUAGES, default="de")
    if lang not in LANGUAGES:
        abort(400, description=message("error.bad_lang", preferred_language(), value=lang[:20]))
    return lang


def preferred_language() -> str:
    """The page language without refusing anything: a valid ?lang, else the browser's preference, else
    German. For what every page shares (navigation, error pages), which must not fail themselves."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES, default="de")


def localized(response: Response, lang: str) -> Response:
    """A page in one language: say which, and that the browser's preference chose it if it did."""
    response.headers["Content-Language"] = lang
    if request.args.get("lang") not in LANGUAGES:
        response.vary.add("Accept-Language")
    return response

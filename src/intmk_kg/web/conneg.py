"""One content-negotiation helper for every route family.

Uses werkzeug's Accept parsing (q-values, wildcards) through `best_match`; an explicit
`format` parameter or file suffix wins over the Accept header. Nothing acceptable gives 406.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import Request, abort, make_response
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Offer:
    key: str  # short name, also accepted as ?format=key or as a suffix
    media_type: str
    aliases: tuple[str, ...] = ()


RDF_OFFERS = [
    Offer("ttl", "text/turtle", ("turtle",)),
    Offer("jsonld", "application/ld+json", ("json-ld", "json")),
    Offer("nt", "application/n-triples", ("ntriples", "n-triples")),
    Offer("rdf", "application/rdf+xml", ("rdfxml", "xml")),
]
HTML_OFFER = Offer("html", "text/html", ("htm",))


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


def negotiate(request: Request, offers: list[Offer], explicit: str | None = None) -> Offer:
    """Pick the offer for this request; the first offer is the default for `*/*` or no Accept.

    `explicit` is a format name from a parameter or a suffix; an unknown one is a 400, since the
    client asked for something specific that we do not make.
    """
    if explicit:
        wanted = explicit.lower()
        for offer in offers:
            if wanted in (offer.key, offer.media_type, *offer.aliases):
                return offer
        known = ", ".join(o.key for o in offers)
        abort(make_response(f"Unknown format {explicit[:40]!r}; use one of: {known}\n", 400, {"Content-Type": "text/plain; charset=utf-8"}))
    best = best_media(request.environ.get("HTTP_ACCEPT", ""), tuple(o.media_type for o in offers))
    if best is NO_ACCEPT:
        return offers[0]
    if best is None:
        known = ", ".join(o.media_type for o in offers)
        abort(make_response(f"Not acceptable. This resource is available as: {known}\n", 406, {"Content-Type": "text/plain; charset=utf-8"}))
    return next(o for o in offers if o.media_type == best)

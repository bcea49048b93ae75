"""The SPARQL 1.1 Protocol without Flask: a query's checks, its formats and its answer.

A request to /sparql goes read parameters → plan → answer. Reading the parameters depends on how
the request came (routes/sparql.py reads every form of it through Flask; http/fastpath.py the plain
GET beneath Flask); everything after is here, once, for both:

- `inspect_query`: the query's size, emptiness and shape (the guard: no update, no SERVICE),
  or a ProtocolError with the HTTP status;
- `offers_for`: the formats its answer may take (graphs or solutions), the editor's HTML last;
- `answer`: the query run by the query service, its media type and what its ETag depends on.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import formats
from ... import namespaces as ns
from ..http.conneg import HTML_OFFER, RDF_OFFERS, Offer
from ..query.guard import QueryForbidden, QueryShape, inspect
from ..query.service import Dataset, QueryError, QueryOutcome, QueryService
from . import syntax_errors

# the results formats, then plain JSON and XML: asked for by clients, answered with the results
# formats' content labelled as asked (JSON_ALIASES)
SOLUTION_OFFERS = [*formats.RESULTS, formats.JSON, formats.XML]
GRAPH_FORMS = ("CONSTRUCT", "DESCRIBE")
JSON_ALIASES = {formats.JSON.media_type: formats.RESULTS_JSON.media_type, formats.XML.media_type: formats.RESULTS_XML.media_type}


class ProtocolError(Exception):
    """A request the protocol refuses, with its HTTP status and the reason for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Answer:
    media: str  # the media type of the body (without charset)
    body: bytes
    etag_parts: tuple[str, ...]  # what the answer depends on besides the release


def inspect_query(text: str, max_bytes: int) -> QueryShape:
    """The query's shape, or ProtocolError: too long (413), empty (400), refused (403), malformed (400)."""
    if len(text.encode("utf-8")) > max_bytes:
        raise ProtocolError(413, f"The query is longer than {max_bytes} bytes, the most this endpoint accepts.")
    if not text.strip():
        raise ProtocolError(400, "The query is empty.")
    try:
        return inspect(text, ns.BASE, ns.prefixes_for(text))
    except QueryForbidden as e:
        raise ProtocolError(403, str(e)) from None
    except QueryError as e:
        raise ProtocolError(400, str(e)) from None


def offers_for(shape: QueryShape) -> list[Offer]:
    """The formats of the query's answer, then the editor (HTML: a browser following a link to a query)."""
    return [*(RDF_OFFERS if shape.form in GRAPH_FORMS else SOLUTION_OFFERS), HTML_OFFER]


def answer(service: QueryService, text: str, offer: Offer, dataset: Dataset, failed: Exception | None = None) -> Answer:
    """The query's answer in the offer's format; ProtocolError (400) for a query the engine rejects,
    QueryTimeout as it comes. `failed`: what a first attempt at this very request raised (the fast
    path hands its failures on), answered as it is, without running the query again."""
    try:
        if failed is not None:
            raise failed
        outcome = service.execute(text, offer.key, dataset)
    except QueryError as e:
        raise ProtocolError(400, readable(text, str(e))) from None
    return Answer(answer_media(offer, outcome), outcome.body, etag_parts(text, offer, dataset))


def etag_parts(text: str, offer: Offer, dataset: Dataset) -> tuple[str, ...]:
    """What an answer depends on besides the release, for its ETag."""
    return (text, offer.key, *dataset.default_graphs, "|", *dataset.named_graphs)


def answer_media(offer: Offer, outcome: QueryOutcome) -> str:
    """The media type asked for, unless the answer is of another kind (e.g. CSV asked of ASK)."""
    asked = JSON_ALIASES.get(offer.media_type, offer.media_type)
    return offer.media_type if asked == outcome.media_type else outcome.media_type


def readable(text: str, message: str) -> str:
    """A syntax error with its place shown (syntax_errors.py); other evaluation errors as they are."""
    return syntax_errors.readable(text, message) if message.startswith("error at ") else message


def with_charset(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") else media

"""The pictures on the reader pages (home, the browse lists, /resolutions/): each drawn on the server
from its query (queries/picture-*.rq) through the query service, with its table equivalent and a link
that opens the query in the SPARQL editor."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import current_app
from markupsafe import Markup

from ...pictures import data
from ...pictures.svg import Picture, Table
from ...pictures.tiles import MEASURES
from ..http import paths, policy
from ..query.service import QueryService


@dataclass(frozen=True)
class Shown:
    """A picture as a page shows it: the inline SVG, its table with links, and the editor's link."""

    name: str
    title: str
    svg: Markup  # drawn by pictures/ from escaped text only
    table: Table
    links: list[str | None]  # per table row, the page of the thing it is about
    editor: str  # /sparql?query=… : the query behind the picture, opened in the editor


def shown(service: QueryService, name: str, lang: str, **options) -> Shown:
    home = current_app.config.get("HOME")
    picture: Picture = data.picture(service.select, name, lang, home=home, **options)
    query = data.query_text(picture.query, home)
    policy.tag(query)  # the page changes with its query file (read at request time), not only with the release
    links = [paths.href(iri) if iri else None for iri in picture.table.iris]
    return Shown(picture.name, picture.title, Markup(picture.svg), picture.table, links,
                 "/sparql?" + urlencode({"query": query}))


def measure(value: str | None) -> str | None:
    """The tile map's measure from a parameter: one of MEASURES, the first when absent, None if unknown."""
    if value is None:
        return MEASURES[0]
    return value if value in MEASURES else None

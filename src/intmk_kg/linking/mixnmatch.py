"""A Mix'n'match catalogue of our entities: CSV with id, name, description, url, type.

The id is the identifier a Wikidata property for our IRIs would hold (the IRI relative to
`https://w3id.org/intmk/id/`), the url is the IRI itself, which dereferences to the entity's page.
Names and descriptions are German, the catalogue's language. The `type` column takes a Wikidata
class QID; none is verified in our reference tables, so it stays empty (see docs/wikidata.md).
Only kinds of things that Wikidata has items for are listed: no quotes, demands, offices or
source documents.
"""

from __future__ import annotations

import csv
import io

from .index import Names

KINDS = ("conference", "state", "place", "person", "organisation", "party", "law", "resolution", "topic", "meeting")
COLUMNS = ["id", "name", "description", "url", "type"]


def catalogue(index: Names, lang: str = "de") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    entities = [e for e in index.entities.values() if e.id.split("/", 1)[0] in KINDS]
    for e in sorted(entities, key=lambda e: (KINDS.index(e.id.split("/", 1)[0]), _natural(e.id))):
        writer.writerow([e.id, e.name(lang), index.description(e, lang), e.iri, ""])
    return out.getvalue()


def _natural(key: str) -> tuple:
    """conference/2 before conference/10."""
    kind, _, rest = key.partition("/")
    return (kind, int(rest)) if rest.isdigit() else (kind, 0, rest)

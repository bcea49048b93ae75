"""The registry of source documents (data/reference/sources.csv): one IRI per document, keyed by name.

A document is known by its registry key (`id/document/{key}`), not by its URL: a corrected URL is a
changed property, not a new document. The registry itself is a curation record, so the documents'
descriptions (title, publisher, date, kind, the curator's note on what each gives) sit in the graph
`graph/registry`, attributed to the project; no document is credited with its own description.
A `Wikidata` cell in a table names the Wikidata item of the row's QID: it becomes a document of its
own (`id/document/wikidata-q…`), described here as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import InputError, Problem
from .quads import GraphWriter, lit
from .tables import read_rows

REGISTRY_GRAPH = ns.graph("registry")
PROJECT = ns.entity("project", "intmk-kg")
KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
DATATYPE = {4: "xsd:gYear", 7: "xsd:gYearMonth", 10: "xsd:date"}
KINDS = {
    "official-record": "intmk:OfficialRecordKind",
    "official-press-release": "intmk:OfficialPressReleaseKind",
    "news": "intmk:NewsKind",
    "other": "intmk:OtherDocumentKind",
}


@dataclass(frozen=True)
class Document:
    key: str
    url: str
    date: str = ""

    @property
    def iri(self) -> str:
        return ns.entity("document", self.key)


def date_literal(value: str) -> ox.Literal:
    """A date of the precision the source gives: year, month or day."""
    return lit(value, datatype=DATATYPE[len(value)])


class Registry:
    """The documents of sources.csv by key and by URL, plus the Wikidata items the tables cite."""

    def __init__(self, path: Path):
        self.path = path
        self.rows = read_rows(path, ["key", "url", "title", "publisher", "date", "kind", "what_it_gives"])
        self.by_url: dict[str, Document] = {}
        self.by_key: dict[str, Document] = {}
        self.used: set[str] = set()
        for row in self.rows:
            key, url, day = row["key"], row["url"], row["date"]
            if not KEY.match(key):
                raise row.problem(f"document key must be a lower-case slug: {key!r}")
            if key in self.by_key:
                raise row.problem(f"document key {key!r} appears twice")
            if not url.startswith(("http://", "https://")):
                raise row.problem(f"url is not http(s): {url!r}")
            try:
                ox.NamedNode(url)
            except ValueError as e:
                raise row.problem(f"url {url!r} is not a valid IRI ({e})") from None
            if url in self.by_url:
                raise row.problem(f"url {url!r} is registered twice (first as {self.by_url[url].key!r})")
            if day and not DATE.match(day):
                raise row.problem(f"date must be YYYY, YYYY-MM or YYYY-MM-DD: {day!r}")
            if row["kind"] and row["kind"] not in KINDS:
                raise row.problem(f"unknown kind {row['kind']!r}; one of {', '.join(KINDS)}")
            self.by_key[key] = self.by_url[url] = Document(key, url, day)

    def cited(self, source: str, qid: str, where: InputError) -> Document:
        """The document a table cell names: a registered URL, or `Wikidata…` for the row's own QID item."""
        if source.startswith("Wikidata"):
            if not qid:
                raise where
            doc = Document(f"wikidata-{qid.lower()}", f"https://www.wikidata.org/wiki/{qid}")
            self.by_key.setdefault(doc.key, doc)
        elif source in self.by_url:
            doc = self.by_url[source]
        else:
            raise where
        self.used.add(doc.key)
        return doc

    def only_news(self, sources: list[str]) -> bool:
        """Whether every document a row lists is registered with the kind news."""
        kinds = {row["url"]: row["kind"] for row in self.rows}
        return bool(sources) and all(kinds.get(source) == "news" for source in sources)

    def quads(self) -> list[ox.Quad]:
        """The registry graph: the project, then every registered document and each Wikidata item cited."""
        w = GraphWriter(REGISTRY_GRAPH)
        w.add(w.graph, "rdf:type", "intmk:CurationRecord")
        w.add(w.graph, "prov:wasAttributedTo", PROJECT)
        w.add(w.graph, "intmk:confidence", "intmk:HighConfidence")
        w.labels(w.graph, "Register der Quelldokumente", "Registry of source documents")
        w.add(PROJECT, "rdf:type", "intmk:Project")
        w.labels(PROJECT, "Projekt IntMK-Wissensgraph", "IntMK knowledge graph project")
        w.add(PROJECT, "intmk:website", ox.NamedNode(ns.BASE))
        rows = {row["key"]: row for row in self.rows}
        for key in sorted(self.by_key):
            doc = self.by_key[key]
            w.add(w.graph, "prov:wasDerivedFrom", doc.iri)
            w.add(doc.iri, "rdf:type", "intmk:WebSource")
            w.add(doc.iri, "intmk:url", ox.NamedNode(doc.url))
            row = rows.get(key)
            if row is None:  # a Wikidata item
                qid = doc.url.rsplit("/", 1)[1]
                w.labels(doc.iri, f"Wikidata: {qid}", f"Wikidata: {qid}")
                w.add(doc.iri, "intmk:documentKind", "intmk:OtherDocumentKind")
                continue
            title = row["title"] or doc.url
            w.labels(doc.iri, title, title)
            if row["title"]:
                w.add(doc.iri, "intmk:title", lit(row["title"]))
            if row["publisher"]:
                w.add(doc.iri, "intmk:publisherName", lit(row["publisher"]))
            if row["date"]:
                w.add(doc.iri, "intmk:issued", date_literal(row["date"]))
            if row["kind"]:
                w.add(doc.iri, "intmk:documentKind", KINDS[row["kind"]])
            if row["what_it_gives"]:
                w.add(doc.iri, "skos:editorialNote", lit(row["what_it_gives"], "en"))
        return w.quads


def missing_registry(folder: Path) -> InputError:
    return InputError(Problem("reference table sources.csv (the document registry) is missing", folder))

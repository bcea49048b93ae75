"""Write the graph as downloadable dumps in every common RDF syntax.

Dataset formats (N-Quads, TriG, JSON-LD) keep the named graphs, and so the provenance of every
fact; graph formats (Turtle, N-Triples, RDF/XML) hold the union of all graphs, each triple once.
Gzip output is written with mtime 0 so that equal content gives equal bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from . import namespaces as ns

CHUNK = 10_000


@dataclass(frozen=True)
class DumpFormat:
    name: str
    filename: str
    media_type: str
    dataset: bool  # named graphs kept
    gzip: bool = False
    title: str = ""

    @property
    def content_encoding(self) -> str | None:
        return "gzip" if self.gzip else None


DUMPS = [
    DumpFormat("nquads", "intmk-kg.nq.gz", "application/n-quads", True, True, "N-Quads (named graphs), gzip"),
    DumpFormat("trig", "intmk-kg.trig", "application/trig", True, False, "TriG (named graphs)"),
    DumpFormat("jsonld", "intmk-kg.jsonld", "application/ld+json", True, False, "JSON-LD (named graphs)"),
    DumpFormat("turtle", "intmk-kg.ttl", "text/turtle", False, False, "Turtle (union of all graphs)"),
    DumpFormat("ntriples", "intmk-kg.nt.gz", "application/n-triples", False, True, "N-Triples (union), gzip"),
    DumpFormat("rdfxml", "intmk-kg.rdf", "application/rdf+xml", False, False, "RDF/XML (union of all graphs)"),
]

OX_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

CONTEXT_FILE = "context.jsonld"


def jsonld_context() -> dict:
    """The JSON-LD context we publish: our prefixes, nothing that needs fetching."""
    return {"@context": dict(ns.PREFIXES)}


def named_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """All quads of the named graphs (the store's default graph holds only a derived union)."""
    for g in sorted(store.named_graphs(), key=lambda n: n.value):
        yield from store.quads_for_pattern(None, None, None, g)


def union_triples(store: ox.Store) -> list[ox.Triple]:
    """Each triple once, however many sources state it, in a stable order."""
    triples = {q.triple for q in named_quads(store)}
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


@contextmanager
def _open(path: Path, compress: bool) -> Iterator[BinaryIO]:
    with path.open("wb") as raw:
        if compress:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                yield gz  # type: ignore[misc]
        else:
            yield raw


def write_dump(store: ox.Store, fmt: DumpFormat, path: Path) -> None:
    if fmt.name == "jsonld":
        _write_jsonld(store, path)
        return
    data: list = list(named_quads(store)) if fmt.dataset else union_triples(store)
    prefixes = ns.PREFIXES if fmt.name in {"trig", "turtle", "rdfxml"} else None
    with _open(path, fmt.gzip) as out:
        if prefixes:
            ox.serialize(data, out, OX_FORMATS[fmt.name], prefixes=prefixes)
        else:
            for i in range(0, len(data), CHUNK):
                ox.serialize(data[i : i + CHUNK], out, OX_FORMATS[fmt.name])


def _write_jsonld(store: ox.Store, path: Path) -> None:
    """Compact JSON-LD with the context inline, so that no reader has to fetch it."""
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(named_quads(store), format=ox.RdfFormat.N_QUADS), format="nquads")
    text = ds.serialize(format="json-ld", context=jsonld_context()["@context"], indent=1)
    path.write_text(text, encoding="utf-8")


def write_context(path: Path) -> None:
    path.write_text(json.dumps(jsonld_context(), indent=2, sort_keys=True) + "\n", encoding="utf-8")

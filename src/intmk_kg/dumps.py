"""Write the graph as downloadable dumps in every common RDF syntax, streamed from the store.

Dataset formats (N-Quads, TriG, JSON-LD) keep the named graphs, and so the provenance of every
fact; graph formats (Turtle, N-Triples, RDF/XML) hold the union of all graphs, each triple once,
which the build keeps as the store's default graph. A dataset dump carries that union as its
default graph too, ahead of the named graphs: a client that reads only the default graph of a
dataset (Comunica, rdflib's Dataset without union mode) sees every fact, and the named graphs
still tell where each came from. Nothing is collected in Python first: the union is dumped by
Oxigraph itself and the named graphs one graph at a time, graphs by name, so memory stays flat
at any size. N-Quads is canonical: the default graph's lines are those of the N-Triples dump
(in the store's order, which is the same for the same input files), then each named graph with
its lines sorted (the form the content version hashes); the other syntaxes follow the store's
order. Gzip output is written with mtime 0.

JSON-LD: up to JSONLD_COMPACT_MAX quads written (the union and the named graphs) rdflib writes
compact JSON-LD (our prefixes as inline context); rdflib holds the whole dataset in memory to do so. Above that, Oxigraph's streaming
writer writes expanded JSON-LD (full IRIs, which any JSON-LD reader takes without context
processing) inside a top-level object carrying the same inline context, which readers can use
to compact it. Both read back to the same dataset; context.jsonld publishes the context alone.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib.plugins.serializers.jsonld import from_rdf as jsonld_from_rdf

from . import formats
from . import namespaces as ns
from .progress import Progress, Stage

GZIP_LEVEL = 6  # gzip's own default: within a few percent of level 9's size, much faster
ENCODED_MIN_BYTES = 1024  # smaller files gain nothing from a gzip copy
JSONLD_COMPACT_MAX = 100_000


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


# name, format (formats.py: media type, extension, named graphs or not), gzip, title
_DUMPED = [
    ("nquads", formats.N_QUADS, True, "N-Quads (named graphs, their union as default graph), gzip"),
    ("trig", formats.TRIG, False, "TriG (named graphs, their union as default graph)"),
    ("jsonld", formats.JSON_LD, False, "JSON-LD (named graphs, their union as default graph)"),
    ("turtle", formats.TURTLE, False, "Turtle (union of all graphs)"),
    ("ntriples", formats.N_TRIPLES, True, "N-Triples (union), gzip"),
    ("rdfxml", formats.RDF_XML, False, "RDF/XML (union of all graphs)"),
]
DUMPS = [DumpFormat(name, f"intmk-kg.{fmt.extension}" + (".gz" if gz else ""), fmt.media_type, fmt.datasets, gz, title)
         for name, fmt, gz, title in _DUMPED]
OX_FORMATS = {name: fmt.rdf for name, fmt, _, _ in _DUMPED}

CONTEXT_FILE = "context.jsonld"


def jsonld_context() -> dict:
    """The JSON-LD context we publish: our prefixes, nothing that needs fetching."""
    return {"@context": dict(ns.PREFIXES)}


def graph_names(store: ox.Store) -> list[ox.NamedNode]:
    return sorted(store.named_graphs(), key=lambda n: n.value)


def graph_nquads(store: ox.Store, graph: ox.NamedNode) -> tuple[bytes, int]:
    """One named graph as N-Quads with its lines sorted, and its number of quads.

    The store's own order depends on how it was filled; sorted lines do not. Oxigraph writes the
    triples (one per line, newlines in literals escaped), Python only appends the graph name.
    """
    suffix = f" <{graph.value}> .".encode()
    lines = [line[:-2] + suffix for line in store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()]
    lines.sort()
    return b"".join(line + b"\n" for line in lines), len(lines)


def named_quads(store: ox.Store, stage: Stage | None = None) -> Iterator[ox.Quad]:
    """All quads of the named graphs (the store's default graph holds only a derived union), graph by graph."""
    for g in graph_names(store):
        n = 0
        for q in store.quads_for_pattern(None, None, None, g):
            n += 1
            yield q
        if stage is not None:
            stage.advance(n)


def union_quads(store: ox.Store, stage: Stage | None = None) -> Iterator[ox.Quad]:
    """The store's default graph (the union of the named graphs, each triple once), in the store's order."""
    n = 0
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        n += 1
        yield q
    if stage is not None:
        stage.advance(n)


def dataset_quads(store: ox.Store, stage: Stage | None = None) -> Iterator[ox.Quad]:
    """What a dataset dump holds: the union as default graph, then the named graphs by name."""
    yield from union_quads(store, stage)
    yield from named_quads(store, stage)


def count_named_quads(store: ox.Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))[0].value)


def count_union(store: ox.Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)


@contextmanager
def _open(path: Path, compress: bool) -> Iterator[BinaryIO]:
    with path.open("wb") as raw:
        if compress:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as gz:
                yield gz  # type: ignore[misc]
        else:
            yield raw


def write_dump(store: ox.Store, fmt: DumpFormat, path: Path, progress: Progress | None = None) -> None:
    progress = progress or Progress.silent()
    prefixes = ns.PREFIXES if fmt.name in {"trig", "turtle", "rdfxml"} else None
    if not fmt.dataset:
        with progress.stage(f"dump {fmt.filename}"), _open(path, fmt.gzip) as out:
            store.dump(out, OX_FORMATS[fmt.name], from_graph=ox.DefaultGraph(), prefixes=prefixes)
        return
    union = count_union(store)
    total = union + count_named_quads(store)
    with progress.stage(f"dump {fmt.filename}", total, "quads") as stage, _open(path, fmt.gzip) as out:
        if fmt.name == "jsonld" and total <= JSONLD_COMPACT_MAX:
            _write_compact_jsonld(store, out)
            stage.advance(total)
        elif fmt.name == "jsonld":
            out.write(b'{"@context": ' + json.dumps(jsonld_context()["@context"]).encode() + b',\n"@graph": ')
            ox.serialize(dataset_quads(store, stage), out, ox.RdfFormat.JSON_LD)
            out.write(b"}\n")
        elif prefixes:
            ox.serialize(dataset_quads(store, stage), out, OX_FORMATS[fmt.name], prefixes=prefixes)
        else:
            store.dump(out, ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())  # N-Triples lines are N-Quads
            stage.advance(union)
            for g in graph_names(store):
                data, n = graph_nquads(store, g)
                out.write(data)
                stage.advance(n)


def _write_compact_jsonld(store: ox.Store, out: BinaryIO) -> None:
    """Compact JSON-LD with the context inline, so that no reader has to fetch it.

    rdflib converts; two things are put right before writing. rdflib wraps the default graph in
    a graph object without @id, which a JSON-LD processor reads as a graph named by a blank node
    (JSON-LD 1.1, node map generation), so its nodes are moved to the top level, where they are
    the default graph. And rdflib lists nodes and values in the order of Python sets, which
    changes from process to process, so every unordered array is sorted: same graph, same bytes.
    """
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(dataset_quads(store), format=ox.RdfFormat.N_QUADS), format="nquads")
    doc = jsonld_from_rdf(ds, jsonld_context()["@context"])
    if isinstance(doc, dict) and isinstance(doc.get("@graph"), list):
        top: list = []
        for item in doc["@graph"]:
            default = isinstance(item, dict) and "@id" not in item and set(item) == {"@graph"}
            top.extend(item["@graph"]) if default else top.append(item)
        doc["@graph"] = top
    doc = _sorted_json(doc)
    out.write(json.dumps(doc, indent=1, separators=(",", ": "), sort_keys=True, ensure_ascii=False).encode("utf-8"))


def _sorted_json(value, ordered: bool = False):
    """`value` with every array sorted by its items' JSON text, except the items of an @list."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, ordered=k == "@list") for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return items if ordered else sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def write_gzip_copy(path: Path) -> Path:
    """`path` + ".gz": the bytes a server sends with `Content-Encoding: gzip`, compressed once at
    build time instead of once per request (the copy is a transfer encoding, not a download)."""
    copy = path.with_name(path.name + ".gz")
    with path.open("rb") as source, _open(copy, compress=True) as out:
        shutil.copyfileobj(source, out, 1 << 20)
    return copy


def write_context(path: Path) -> None:
    path.write_text(json.dumps(jsonld_context(), indent=2, sort_keys=True) + "\n", encoding="utf-8")

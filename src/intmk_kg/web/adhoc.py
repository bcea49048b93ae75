"""Publish arbitrary RDF files or folders (`intmk-kg serve --data PATH...`) instead of a release.

Formats by file suffix: .ttl, .trig, .nt, .nq, .jsonld/.json, .rdf/.owl/.xml, each optionally
gzipped (.ttl.gz). A folder is read recursively; files with other suffixes in it are skipped,
while a file named on the command line must have a known suffix. Named graphs in TriG, N-Quads
and JSON-LD are kept. Triples outside any named graph (all of a Turtle, N-Triples or RDF/XML
file) go to a named graph named after the file: its `file:` URI, which is also the base for
its relative IRIs. As with a release, the default graph is the union of all graphs, each triple
once. A file that does not parse stops everything with an InputError naming file and line.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

import pyoxigraph as ox

from .. import formats
from ..errors import InputError, Problem

# each RDF format's own extension (the registry, formats.py), and the other suffixes such files have
FORMATS = {"." + f.extension: f.rdf for f in (*formats.GRAPHS, *formats.QUADS)} | {
    ".json": ox.RdfFormat.JSON_LD, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML}
BATCH = 100_000


def rdf_format(path: Path) -> ox.RdfFormat | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return FORMATS.get(suffixes[-1]) if suffixes else None


def find_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and rdf_format(p) is not None))
        elif path.is_file():
            if rdf_format(path) is None:
                known = ", ".join(sorted(FORMATS))
                raise InputError(Problem(f"unknown RDF format (use one of the suffixes {known}, optionally .gz)", path))
            files.append(path)
        else:
            raise InputError(Problem("no such file or folder", path))
    if not files:
        raise InputError(Problem("no RDF files found", paths[0] if paths else None))
    return files


def load_paths(paths: list[Path]) -> tuple[ox.Store, str]:
    """A store with the files' graphs and their union as default graph, and a version (content hash)."""
    store = ox.Store()
    digest = hashlib.sha256()
    for path in find_files(paths):
        try:
            data = path.read_bytes()
            digest.update(f"{path.name}\n{len(data)}\n".encode())
            digest.update(data)
            if path.suffix.lower() == ".gz":
                data = gzip.decompress(data)
        except (OSError, EOFError) as e:
            raise InputError(Problem(f"cannot read the file: {e}", path)) from None
        _load_file(store, path, data)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in {q.triple for q in store})
    return store, digest.hexdigest()[:12]


def _load_file(store: ox.Store, path: Path, data: bytes) -> None:
    uri = path.resolve().as_uri()
    own_graph = ox.NamedNode(uri)
    batch: list[ox.Quad] = []
    try:
        for quad in ox.parse(data, format=rdf_format(path), base_iri=uri):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, own_graph)
            batch.append(quad)
            if len(batch) >= BATCH:
                store.extend(batch)
                batch.clear()
    except SyntaxError as e:
        raise InputError(Problem(str(e.msg if hasattr(e, "msg") else e), path, e.lineno, e.offset)) from None
    store.extend(batch)

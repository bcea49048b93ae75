"""Upload a release to a SPARQL 1.1 Graph Store Protocol endpoint (`intmk-kg publish --to URL`).

The store then holds what the embedded server holds: every named graph of the release (the
ontology graph among them) under its own name, and the default graph as their union, each triple
once (a store's own union-default-graph mode would repeat a triple once per graph stating it).
The release's SHACL shapes go to the graph `graph/shapes`, outside that union, so the store has
the whole release. Each graph is sent as N-Triples by one PUT, which replaces it; a graph larger
than BATCH triples continues with POSTs, which add to it, so memory stays flat at any size.

Graphs are read from the release's dumps (`intmk-kg.nq.gz`, `intmk-kg.nt.gz`), graph by graph as
they were written. A PUT replaces only its own graph: a graph that an older release had and this
one lacks stays in the store, which is why `serve --backend` refuses a store with such a graph.
"""

from __future__ import annotations

import gzip
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from . import namespaces as ns
from .errors import InputError, Problem
from .progress import Progress
from .release import Release

SHAPES_GRAPH = ns.graph("shapes")
BATCH = 100_000
PASSWORD_VARIABLE = "INTMK_KG_STORE_PASSWORD"
TIMEOUT = 300


@dataclass
class Published:
    graphs: int
    triples: int  # sent in named graphs, the default graph and the shapes graph together
    requests: int


class GraphStore:
    """A Graph Store Protocol endpoint addressed with `?graph=IRI` and `?default` (indirect identification)."""

    def __init__(self, url: str, user: str | None = None, password: str | None = None):
        self.url = url
        self.requests = 0
        handlers = []
        if user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, url, user, password or "")
            handlers = [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, graph: str | None, body: bytes, media_type: str, replace: bool) -> None:
        """PUT (replace) or POST (add to) one graph; None is the default graph."""
        query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
        target = self.url + ("&" if "?" in self.url else "?") + query
        request = urllib.request.Request(target, data=body, method="PUT" if replace else "POST",
                                         headers={"Content-Type": media_type})
        self.requests += 1
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                response.read()
        except urllib.error.HTTPError as e:
            detail = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", e.read().decode("utf-8", "replace"))).strip()[:500]
            raise InputError(Problem(f"{request.method} of graph {graph or '(default)'} answered "
                                     f"{e.code} {e.reason}: {detail}", self.url)) from None
        except OSError as e:
            raise InputError(Problem(f"cannot reach the Graph Store: {getattr(e, 'reason', e)}", self.url)) from None


def publish(release: Release, url: str, user: str | None = None, progress: Progress | None = None) -> Published:
    """Send every graph of `release` to the Graph Store at `url` (password from $INTMK_KG_STORE_PASSWORD)."""
    progress = progress or Progress.silent()
    store = GraphStore(url, user, os.environ.get(PASSWORD_VARIABLE))
    graphs = triples = 0
    quads = int(release.manifest["statistics"]["quads"])
    with progress.stage(f"named graphs to {url}", quads, "quads") as stage:
        for graph, batch, first in _batches(_named_quads(release)):
            if graph == SHAPES_GRAPH:
                raise InputError(Problem(f"the release has a graph <{SHAPES_GRAPH}>, the name publish gives the shapes"))
            store.send(graph, ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), "application/n-triples", first)
            graphs += first
            triples += len(batch)
            stage.advance(len(batch))
    union = int(release.manifest["statistics"]["triples"])
    with progress.stage("default graph (the union)", union, "triples") as stage:
        for _, batch, first in _batches((None, t) for t in _union_triples(release)):
            store.send(None, ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), "application/n-triples", first)
            triples += len(batch)
            stage.advance(len(batch))
    progress(f"shapes to <{SHAPES_GRAPH}>")
    shapes = release.file("shapes.ttl").read_bytes()
    store.send(SHAPES_GRAPH, shapes, "text/turtle", replace=True)
    triples += sum(1 for _ in ox.parse(shapes, format=ox.RdfFormat.TURTLE))
    return Published(graphs + 1, triples, store.requests)


def _named_quads(release: Release) -> Iterator[tuple[str, ox.Triple]]:
    with gzip.open(release.file("intmk-kg.nq.gz"), "rb") as f:
        for q in ox.parse(f, format=ox.RdfFormat.N_QUADS):
            if not isinstance(q.graph_name, ox.DefaultGraph):  # the union, sent from the N-Triples dump
                yield q.graph_name.value, q.triple


def _union_triples(release: Release) -> Iterator[ox.Triple]:
    with gzip.open(release.file("intmk-kg.nt.gz"), "rb") as f:
        for q in ox.parse(f, format=ox.RdfFormat.N_TRIPLES):
            yield q.triple


def _batches(items: Iterable[tuple[str | None, ox.Triple]]) -> Iterator[tuple[str | None, list[ox.Triple], bool]]:
    """Runs of triples of one graph, at most BATCH long, and whether the run is the graph's first (a PUT).

    A graph met again after another one (a dump not grouped by graph) continues with POSTs.
    """
    seen: set[str | None] = set()
    graph: str | None = None
    batch: list[ox.Triple] = []
    for g, triple in items:
        if batch and (g != graph or len(batch) >= BATCH):
            yield graph, batch, graph not in seen
            seen.add(graph)
            batch = []
        graph = g
        batch.append(triple)
    if batch:
        yield graph, batch, graph not in seen

"""Load the ontology, the curated TriG and the reference tables into one pyoxigraph store.

Every curated fact must sit in a named graph: a TriG file that writes into the default graph
is refused, and so is a Turtle file in data/. Each file enters the store in one transaction,
streamed from the parser, so a syntax error leaves no part of that file behind and no file is
ever held in memory as Python objects. When all files are in, the union of the named graphs is
materialised as the default graph (the same layout `release.load_store` gives a release).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import formats
from . import namespaces as ns
from .attendance import map_attendance
from .conference_facts import map_conference_facts
from .errors import InputError, Problem
from .progress import Progress
from .project import Project
from .quads import GraphWriter
from .rdfio import input_error, parse_file
from .reference import (
    Curation,
    map_conferences,
    map_laws,
    map_offices,
    map_organisations,
    map_parties,
    map_persons,
    map_places,
    map_states,
    read_weak_fields,
)
from .registry import Registry, missing_registry
from .resolutions import map_resolutions

ONTOLOGY_GRAPH = ox.NamedNode(ns.graph("ontology"))
RDF_SUFFIXES = {"." + f.extension: f.rdf for f in formats.QUADS}  # data files: named graphs


@dataclass
class LoadedDataset:
    """The store plus where each graph (and each subject of the small inputs) came from, for error reports."""

    store: ox.Store
    graph_files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    subject_files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    files: list[Path] = field(default_factory=list)

    def files_for(self, subject: str) -> list[str]:
        """The files that say something about `subject`: looked up in the store, not kept per subject."""
        files = set(self.subject_files.get(subject, ()))
        try:
            node = ox.NamedNode(subject)
        except ValueError:
            return sorted(files)
        for q in self.store.quads_for_pattern(node, None, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                files |= self.graph_files.get(q.graph_name.value, set())
        return sorted(files)


def _data_files(data_dir: Path) -> list[Path]:
    """Curated RDF under the data folder, except reference/ which the reference mapper reads."""
    reference = data_dir / "reference"
    files = sorted(p for p in data_dir.rglob("*") if p.is_file() and reference not in p.parents)
    rdf = []
    for p in files:
        if p.suffix in RDF_SUFFIXES:
            rdf.append(p)
        elif (found := formats.by_extension(p.suffix)) is not None and found not in formats.QUADS:
            raise InputError(
                Problem("data files must be TriG or N-Quads so that every fact has a named graph", p)
            )
    return rdf


# The reference tables and their mappers. Order matters: later tables refer to keys of earlier ones.
TABLES = [
    ("states.csv", map_states),
    ("places.csv", map_places),
    ("parties.csv", map_parties),
    ("persons.csv", map_persons),
    ("organisations.csv", map_organisations),
    ("offices.csv", map_offices),
    ("laws.csv", map_laws),
    ("conferences.csv", map_conferences),
    ("resolutions.csv", map_resolutions),
    ("conference-facts.csv", map_conference_facts),
    ("attendance.csv", map_attendance),
]


def reference_quads(folder: Path) -> list[tuple[Path, list[ox.Quad]]]:
    """All reference quads, grouped by the table each came from (the registry under sources.csv)."""
    registry_path = folder / "sources.csv"
    if not registry_path.is_file():
        raise missing_registry(folder)
    registry = Registry(registry_path)
    curation = Curation(registry, read_weak_fields(folder / "notes" / "weak-fields.csv"))
    known: dict[str, set[str]] = {k: set() for k in ("state", "place", "party", "person", "office", "organisation",
                                                  "law", "conference", "resolution", "conference-fact", "attendance")}
    for name, mapper in TABLES:
        path = folder / name
        if not path.is_file():
            raise InputError(Problem(f"reference table {name} is missing", folder))
        mapper(path, curation, known)
    curation.unused_weak_entries()
    return [(registry_path, registry.quads()), *curation.by_table.items()]


def _ontology_graph_description() -> list[ox.Quad]:
    w = GraphWriter(ONTOLOGY_GRAPH.value)
    w.add(ONTOLOGY_GRAPH, "rdf:type", "intmk:NamedGraph")
    w.add(ONTOLOGY_GRAPH, "prov:wasDerivedFrom", ox.NamedNode(ns.ONTOLOGY))
    return w.quads


def _stream(path: Path, graphs: set[str]) -> Iterator[ox.Quad]:
    """The quads of one data file, noting each graph it writes; a triple outside any graph is an error."""
    outside = 0
    example: ox.Quad | None = None
    last = None
    for q in ox.parse(path=str(path), format=RDF_SUFFIXES[path.suffix], base_iri=ns.BASE):
        g = q.graph_name
        if g != last:
            last = g
            if isinstance(g, ox.DefaultGraph):
                outside += 1
                example = example or q
                continue
            graphs.add(g.value)
        elif outside and isinstance(g, ox.DefaultGraph):
            outside += 1
            continue
        yield q
    if example is not None:
        raise InputError(
            Problem(f"{outside} triple(s) outside any named graph, e.g. {example.subject} {example.predicate}", path)
        )


def materialize_union(store: ox.Store, progress: Progress | None = None) -> None:
    """Copy every named graph into the default graph, one graph per update, so the work stays in Oxigraph.

    A reader of the default graph expects the RDF merge (each triple once); Oxigraph's
    union-default-graph mode would repeat a triple once per graph that states it.
    """
    graphs = sorted(g.value for g in store.named_graphs())
    with (progress or Progress.silent()).stage("union default graph", len(graphs), "graphs") as stage:
        for g in graphs:
            store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
            stage.advance()


def load_project(
    project: Project, store: ox.Store | None = None, data: Path | None = None, progress: Progress | None = None
) -> LoadedDataset:
    """Parse every input of the project (data from `data` instead of the project's data/ if given)."""
    progress = progress or Progress.silent()
    loaded = LoadedDataset(store=store if store is not None else ox.Store())
    data_dir = data if data is not None else project.data_dir
    small: list[tuple[str, list[ox.Quad]]] = []
    for path in project.ontology_files():
        triples = parse_file(path, ox.RdfFormat.TURTLE)
        small.append((str(path), [ox.Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH) for q in triples]))
    small.append(("(ontology graph description)", _ontology_graph_description()))
    reference_dir = data_dir / "reference"
    if reference_dir.is_dir():
        small += [(str(path), quads) for path, quads in reference_quads(reference_dir)]
    for name, quads in small:
        loaded.store.extend(quads)
        loaded.files.append(Path(name))
        for q in quads:
            if isinstance(q.subject, ox.NamedNode):
                loaded.subject_files[q.subject.value].add(name)

    files = _data_files(data_dir)
    with progress.stage("load data files", sum(p.stat().st_size for p in files), "bytes") as stage:
        for path in files:
            graphs: set[str] = set()
            try:
                loaded.store.extend(_stream(path, graphs))
            except (SyntaxError, OSError, ValueError) as e:
                raise input_error(e, path) from None
            loaded.files.append(path)
            for g in graphs:
                loaded.graph_files[g].add(str(path))
            stage.advance(path.stat().st_size)
    progress(f"loaded {len(loaded.store):,} quads in {sum(1 for _ in loaded.store.named_graphs()):,} named graphs")
    materialize_union(loaded.store, progress)
    return loaded

"""Load the ontology, the curated TriG and the reference tables into one pyoxigraph store.

Every curated fact must sit in a named graph: a TriG file that writes into the default graph
is refused, and so is a Turtle file in data/. Files are parsed whole before anything enters
the store, so a syntax error leaves no partial graph behind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import InputError, Problem
from .project import Project
from .quads import GraphWriter
from .reference import reference_quads

ONTOLOGY_GRAPH = ox.NamedNode(ns.graph("ontology"))


@dataclass
class LoadedDataset:
    """The store plus where each subject came from, for error reports."""

    store: ox.Store
    subject_files: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    files: list[Path] = field(default_factory=list)

    def files_for(self, subject: str) -> list[str]:
        return sorted(self.subject_files.get(subject, ()))


def parse_file(path: Path, fmt: ox.RdfFormat | None = None) -> list[ox.Quad]:
    """Parse one RDF file; a syntax error becomes an InputError naming file, line and column."""
    try:
        return list(ox.parse(path=str(path), format=fmt, base_iri=ns.BASE))
    except SyntaxError as e:
        message = str(e.msg if hasattr(e, "msg") else e)
        raise InputError(Problem(message, path, e.lineno, e.offset)) from None
    except (OSError, ValueError) as e:
        raise InputError(Problem(str(e), path)) from None


def _data_files(project: Project) -> list[Path]:
    """Curated RDF under data/, except data/reference/ which the reference mapper reads."""
    reference = project.data_dir / "reference"
    files = sorted(p for p in project.data_dir.rglob("*") if p.is_file() and reference not in p.parents)
    rdf = []
    for p in files:
        if p.suffix in {".trig", ".nq"}:
            rdf.append(p)
        elif p.suffix in {".ttl", ".nt", ".rdf", ".jsonld"}:
            raise InputError(
                Problem("data files must be TriG or N-Quads so that every fact has a named graph", p)
            )
    return rdf


def _ontology_graph_description() -> list[ox.Quad]:
    w = GraphWriter(ONTOLOGY_GRAPH.value)
    w.add(ONTOLOGY_GRAPH, "rdf:type", "intmk:NamedGraph")
    w.add(ONTOLOGY_GRAPH, "prov:wasDerivedFrom", ox.NamedNode(ns.ONTOLOGY))
    return w.quads


def load_project(project: Project, store: ox.Store | None = None) -> LoadedDataset:
    """Parse every input of the project into a fresh (or the given) store."""
    loaded = LoadedDataset(store=store if store is not None else ox.Store())
    batches: list[tuple[str, list[ox.Quad]]] = []

    for path in project.ontology_files():
        triples = parse_file(path, ox.RdfFormat.TURTLE)
        batches.append((str(path), [ox.Quad(q.subject, q.predicate, q.object, ONTOLOGY_GRAPH) for q in triples]))
    batches.append(("(ontology graph description)", _ontology_graph_description()))

    for path in _data_files(project):
        quads = parse_file(path)
        in_default = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)]
        if in_default:
            raise InputError(
                Problem(
                    f"{len(in_default)} triple(s) outside any named graph, e.g. "
                    f"{in_default[0].subject} {in_default[0].predicate}",
                    path,
                )
            )
        batches.append((str(path), quads))

    reference_dir = project.data_dir / "reference"
    if reference_dir.is_dir():
        for path, quads in reference_quads(reference_dir):
            batches.append((str(path), quads))

    for name, quads in batches:
        loaded.store.extend(quads)
        loaded.files.append(Path(name))
        for q in quads:
            if isinstance(q.subject, ox.NamedNode):
                loaded.subject_files[q.subject.value].add(name)
    return loaded

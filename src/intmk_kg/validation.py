"""SHACL validation of the loaded graph, plus the integrity checks.

Two engines report the same results (tests/test_scale_paths.py compares them):
pySHACL is the reference and validates small data; it takes an rdflib graph, so the union is
handed over once as N-Triples. Above FAST_ABOVE quads, pyshacl-turbo validates batches of
source graphs in parallel processes (see fastshacl.py), which is what makes 10M triples take
minutes instead of an hour. Results are turned into rows that name the focus node, the path,
the message and the files that describe the focus node, so a curator can find the line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from . import fastshacl
from . import namespaces as ns
from .checks import integrity_problems
from .errors import Problem
from .loader import LoadedDataset
from .progress import Progress
from .rdfio import parse_file

NAMED_GRAPH = ox.NamedNode(ns.ONT + "NamedGraph")
RDF_TYPE = ox.NamedNode(ns.PREFIXES["rdf"] + "type")
ENGINES = ("auto", "pyshacl", "turbo")
FAST_ABOVE = 50_000  # quads in the store (named graphs plus their union), about 20k triples


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str
    shape: str | None
    component: str | None
    files: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = f" [{', '.join(self.files)}]" if self.files else ""
        path = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus}{path}: {self.message}{where}"


@dataclass
class ValidationResult:
    violations: list[Violation]
    problems: list[Problem]
    report: rdflib.Graph
    engine: str = "pyshacl"

    @property
    def conforms(self) -> bool:
        return not self.violations and not self.problems

    def text(self) -> str:
        if self.conforms:
            return "conforms: no SHACL violation, no integrity problem"
        lines = [str(v) for v in self.violations] + [f"Integrity: {p}" for p in self.problems]
        lines.append(f"{len(self.violations)} SHACL result(s), {len(self.problems)} integrity problem(s)")
        return "\n".join(lines)


def union_graph(store: ox.Store) -> rdflib.Graph:
    """The union (the store's default graph) as an rdflib graph, each graph name typed intmk:NamedGraph."""
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    triples += [ox.Triple(g, RDF_TYPE, NAMED_GRAPH) for g in store.named_graphs()]
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def shapes_graph(files: list[Path]) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in files:
        parse_file(path, ox.RdfFormat.TURTLE)  # raises InputError with file and line
        g.parse(path, format="turtle")
    return g


def choose_engine(store: ox.Store, engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine != "auto":
        return engine
    return "turbo" if len(store) > FAST_ABOVE else "pyshacl"


def validate(
    loaded: LoadedDataset, shape_files: list[Path], engine: str = "auto", progress: Progress | None = None,
    batch_quads: int = fastshacl.BATCH_QUADS, workers: int | None = None,
) -> ValidationResult:
    """Validate the store of `loaded` (named graphs plus their union as default graph, as load_project leaves it)."""
    progress = progress or Progress.silent()
    shapes = shapes_graph(shape_files)
    engine = choose_engine(loaded.store, engine)
    if engine == "pyshacl":
        with progress.stage("SHACL (pySHACL)"):
            _, report, _ = shacl_validate(union_graph(loaded.store), shacl_graph=shapes, inference="none",
                                          advanced=True, allow_warnings=True)
        rows = fastshacl.report_rows(report)
    else:
        rows = fastshacl.validate_store(loaded.store, shapes, progress, batch_quads, workers)
        report = merged_report(rows)
    violations = [Violation(*row, files=loaded.files_for(row[0])) for row in rows]
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    with progress.stage("integrity checks"):
        problems = integrity_problems(loaded)
    return ValidationResult(violations, problems, report, engine)


def merged_report(rows: list[fastshacl.Row]) -> rdflib.Graph:
    """A SHACL report with one result per row: focus node, path, message, severity, shape and component."""
    report = rdflib.Graph()
    report.bind("sh", SH)
    root = rdflib.BNode()
    report.add((root, rdflib.RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, rdflib.Literal(not rows)))
    for focus, path, message, severity, shape, component in rows:
        result = rdflib.BNode()
        report.add((root, SH.result, result))
        report.add((result, rdflib.RDF.type, SH.ValidationResult))
        report.add((result, SH.focusNode, rdflib.URIRef(focus)))
        if path is not None and path != fastshacl.PATH_EXPRESSION:
            report.add((result, SH.resultPath, rdflib.URIRef(path)))
        report.add((result, SH.resultMessage, rdflib.Literal(message)))
        report.add((result, SH.resultSeverity, SH[severity]))
        if shape is not None:
            report.add((result, SH.sourceShape, rdflib.URIRef(shape)))
        if component is not None:
            report.add((result, SH.sourceConstraintComponent, rdflib.URIRef(component)))
    return report

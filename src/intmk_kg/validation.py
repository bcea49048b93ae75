"""SHACL validation of the loaded graph with pySHACL, plus the integrity checks.

pySHACL takes rdflib graphs, so the union of the store's named graphs is handed over once as
N-Triples. Results are turned into rows that name the focus node, the path, the message and the
files that describe the focus node, so a curator can find the line to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from . import namespaces as ns
from .checks import integrity_problems
from .errors import Problem
from .loader import LoadedDataset, parse_file

NAMED_GRAPH = ox.NamedNode(ns.ONT + "NamedGraph")
RDF_TYPE = ox.NamedNode(ns.PREFIXES["rdf"] + "type")


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
    """The union of all named graphs as an rdflib graph, each graph name typed intmk:NamedGraph."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    triples |= {ox.Triple(g, RDF_TYPE, NAMED_GRAPH) for g in store.named_graphs()}
    g = rdflib.Graph()
    g.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    return g


def shapes_graph(files: list[Path]) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in files:
        parse_file(path, ox.RdfFormat.TURTLE)  # raises InputError with file and line
        g.parse(path, format="turtle")
    return g


def _text(value: rdflib.term.Node | None) -> str | None:
    return None if value is None else str(value)


def validate(loaded: LoadedDataset, shape_files: list[Path]) -> ValidationResult:
    data = union_graph(loaded.store)
    conforms, report, _ = shacl_validate(
        data, shacl_graph=shapes_graph(shape_files), inference="none", advanced=True, allow_warnings=True
    )
    violations = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        violations.append(
            Violation(
                focus=focus,
                path=_text(path) if isinstance(path, rdflib.URIRef) else (None if path is None else "(path expression)"),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=str(report.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1],
                shape=_text(report.value(result, SH.sourceShape)),
                component=_text(report.value(result, SH.sourceConstraintComponent)),
                files=loaded.files_for(focus),
            )
        )
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationResult(violations, integrity_problems(loaded), report)

"""SHACL at scale: pyshacl-turbo on batches of source graphs in parallel processes, SPARQL constraints on the store.

One pass over the whole union needs all of it in the validator's memory, and pySHACL about an
hour for 10M triples. But a focus node's core constraints read only the node's own triples, the
rdf:type of the values they point to and the ontology (for rdfs:subClassOf). So the named graphs
are cut into batches, and each batch is validated with the complete description (from every
graph) of each subject its graphs mention, the types of those triples' values and the ontology.
Only results about the batch's own subjects (and graph names) are kept: a value whose type came
along as context is validated, fully described, in its own batch. SPARQL-based constraints read
across focus nodes, so they run as SPARQL on the whole store instead. Shapes that would read a
value's own triples (nested shapes with paths, path expressions) are refused, not half-checked.
tests/test_scale_paths.py checks that this reports what pySHACL reports on the whole union.

Batches go to worker processes started with "spawn" (never a fork of a process holding a large
store); as with any multiprocessing code, a script that validates large data in parallel needs
an `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from . import namespaces as ns
from .errors import InputError, Problem
from .progress import Progress

BATCH_QUADS = 200_000
NT = ox.RdfFormat.N_TRIPLES
Row = tuple[str, str | None, str, str, str | None, str | None]  # focus, path, message, severity, shape, component
PATH_EXPRESSION = "(path expression)"

GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
RDF_TYPE = ox.NamedNode(ns.PREFIXES["rdf"] + "type")
DEFAULT = ox.DefaultGraph()
VALUE_SHAPE_LINKS = (SH.node, SH.qualifiedValueShape, SH["not"])
VALUE_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


@dataclass(frozen=True)
class SparqlConstraint:
    shape: str
    targets: list[str]
    select: str
    prologue: str
    message: str | None
    severity: str


def check_supported(shapes: rdflib.Graph) -> None:
    """Refuse shapes whose results would depend on more than a batch holds."""
    for prop in set(shapes.objects(None, SH.property)):
        if not isinstance(shapes.value(prop, SH.path), rdflib.URIRef):
            _unsupported(f"property shape with a path expression ({shapes.value(prop, SH.path)})")
        todo, seen = [prop], set()
        while todo:
            shape = todo.pop()
            seen.add(shape)
            inner = [o for link in VALUE_SHAPE_LINKS for o in shapes.objects(shape, link)]
            inner += [item for link in VALUE_SHAPE_LISTS for head in shapes.objects(shape, link)
                      for item in Collection(shapes, head)]
            for sub in inner:
                if {SH.path, SH.property, SH.sparql} & set(shapes.predicates(sub)):
                    _unsupported(f"a shape on the values of {shapes.value(prop, SH.path)} reads their own triples")
                if sub not in seen:
                    todo.append(sub)


def _unsupported(what: str) -> None:
    raise InputError(Problem(f"the fast SHACL engine cannot validate a {what}; validate with --shacl pyshacl"))


def core_shapes(shapes: rdflib.Graph) -> rdflib.Graph:
    """The shapes without their sh:sparql constraints (those run on the store)."""
    core = rdflib.Graph()
    skip = set(shapes.objects(None, SH.sparql))
    for s, p, o in shapes:
        if p != SH.sparql and s not in skip:
            core.add((s, p, o))
    for prefix, namespace in shapes.namespaces():
        core.bind(prefix, namespace)
    return core


def sparql_constraints(shapes: rdflib.Graph) -> list[SparqlConstraint]:
    found = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        targets = [str(c) for c in shapes.objects(shape, SH.targetClass)]
        others = {SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf} & set(shapes.predicates(shape))
        if others or not targets or (None, SH.property, shape) in shapes:
            _unsupported(f"sh:sparql constraint except on a node shape with sh:targetClass ({shape})")
        prologue = ""
        for declared in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(declared, SH.declare):
                prologue += f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>\n"
        message = shapes.value(constraint, SH.message)
        severity = shapes.value(constraint, SH.severity) or SH.Violation
        found.append(SparqlConstraint(str(shape), targets, str(shapes.value(constraint, SH.select)), prologue,
                                      None if message is None else str(message), str(severity)))
    return sorted(found, key=lambda c: c.shape)


def check_sparql(store: ox.Store, c: SparqlConstraint) -> list[Row]:
    """One result per solution, with $this bound to each target instance as SHACL-SPARQL prescribes."""
    rows = []
    for target in c.targets:
        solutions = store.query(
            c.prologue + f"PREFIX rdf: <{ns.PREFIXES['rdf']}>\nPREFIX rdfs: <{ns.PREFIXES['rdfs']}>\n"
            f"SELECT * WHERE {{ ?this rdf:type/rdfs:subClassOf* <{target}> . {{ {c.select} }} }}"
        )
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            bound = {n: solution[n] for n in names if solution[n] is not None}
            message = c.message or f"SPARQL constraint of {c.shape}"
            for name, term in bound.items():
                message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _, v=term.value: v, message)
            path = bound.get("path")
            rows.append((bound["this"].value, None if path is None else path.value, message,
                         c.severity.rsplit("#", 1)[-1], c.shape, str(SH.SPARQLConstraintComponent)))
    return rows


# --- batches of named graphs ------------------------------------------------------------------------


def batches(store: ox.Store, batch_quads: int) -> list[list[str]]:
    """Named graphs in name order, cut into runs of about `batch_quads` quads."""
    out: list[list[str]] = [[]]
    size = 0
    for row in store.query(GRAPH_SIZES):
        if out[-1] and size >= batch_quads:
            out.append([])
            size = 0
        out[-1].append(row["g"].value)
        size += int(row["n"].value)
    return [b for b in out if b]


Batch = tuple[bytes, list[str], list[str]]  # N-Triples to validate, focus IRIs, graph names


def extract(store: ox.Store, graphs: list[str]) -> Batch:
    """A batch's subjects with their whole description (the union), their values' types and the graph names."""
    subjects: set[ox.NamedNode | ox.BlankNode] = set()
    for g in graphs:
        subjects.update(q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    triples: list[ox.Triple] = []
    values: set = set()
    for s in subjects:
        if not isinstance(s, ox.NamedNode):
            _unsupported(f"blank node as focus node ({s})")
        for q in store.quads_for_pattern(s, None, None, DEFAULT):
            triples.append(q.triple)
            if not isinstance(q.object, ox.Literal):
                values.add(q.object)
    for v in values - subjects:
        triples.extend(q.triple for q in store.quads_for_pattern(v, RDF_TYPE, None, DEFAULT))
    triples.extend(ox.Triple(ox.NamedNode(g), RDF_TYPE, ox.NamedNode(ns.ONT + "NamedGraph")) for g in graphs)
    return ox.serialize(triples, format=NT), sorted(s.value for s in subjects), graphs


# --- the worker side (runs in each process) ------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(shapes: rdflib.Graph | str, ontology_nt: bytes) -> None:
    """Shapes as a graph (in this process) or as N-Triples (sent to a new process)."""
    _WORKER["shapes"] = shapes if isinstance(shapes, rdflib.Graph) else rdflib.Graph().parse(data=shapes, format="nt")
    _WORKER["ontology"] = ontology_nt


def validate_batch(batch: Batch) -> list[Row]:
    """Validate one batch; returns the result rows about its own subjects and graphs."""
    import pyshacl_turbo

    triples, subjects, graphs = batch
    data = ox.Store()
    data.load(triples, NT)
    data.load(_WORKER["ontology"], NT)
    # Restricting the engine to the batch's focus nodes (focus_nodes=) gives the same rows but
    # takes twice as long as validating everything and dropping the rows about context nodes.
    _, report, _ = pyshacl_turbo.validate(data, shacl_graph=_WORKER["shapes"], inference="none",
                                          advanced=True, allow_warnings=True)
    own = set(subjects) | set(graphs)
    return [row for row in report_rows(report) if row[0] in own]


def report_rows(report: rdflib.Graph) -> list[Row]:
    """(focus, path, message, severity, shape, component) of each result; a blank-node shape has no name to give."""
    rows = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        shape = report.value(result, SH.sourceShape)
        component = report.value(result, SH.sourceConstraintComponent)
        rows.append((
            str(report.value(result, SH.focusNode)),
            str(path) if isinstance(path, rdflib.URIRef) else (None if path is None else PATH_EXPRESSION),
            str(report.value(result, SH.resultMessage) or ""),
            str(report.value(result, SH.resultSeverity) or SH.Violation).rsplit("#", 1)[-1],
            str(shape) if isinstance(shape, rdflib.URIRef) else None,
            None if component is None else str(component),
        ))
    return rows


# --- the driver --------------------------------------------------------------------------------------


def validate_store(
    store: ox.Store, shapes: rdflib.Graph, progress: Progress, batch_quads: int = BATCH_QUADS, workers: int | None = None
) -> list[Row]:
    """All result rows, each once (a subject described in several batches is validated in each)."""
    check_supported(shapes)
    constraints = sparql_constraints(shapes)
    ontology = store.dump(format=NT, from_graph=ox.NamedNode(ns.graph("ontology")))
    parts = batches(store, batch_quads)
    workers = min(workers or os.cpu_count() or 1, len(parts))
    rows: set[Row] = set()
    with progress.stage("SHACL (pyshacl-turbo, batches of source graphs)", len(parts), "batches") as stage:
        for batch_rows in _run(store, parts, core_shapes(shapes), ontology, workers):
            rows.update(batch_rows)
            stage.advance()
    with progress.stage("SHACL-SPARQL constraints on the store", len(constraints), "constraints") as stage:
        for c in constraints:
            rows.update(check_sparql(store, c))
            stage.advance()
    return sorted(rows, key=lambda r: tuple(x or "" for x in r))


def _run(store: ox.Store, parts: list[list[str]], shapes: rdflib.Graph, ontology: bytes, workers: int
         ) -> Iterator[list[Row]]:
    if workers <= 1:
        _init_worker(shapes, ontology)
        for graphs in parts:
            yield validate_batch(extract(store, graphs))
        return
    context = multiprocessing.get_context("spawn")  # never fork a process holding a large store
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(shapes.serialize(format="nt"), ontology)) as pool:
        pending: deque[Future] = deque()
        for graphs in parts:
            pending.append(pool.submit(validate_batch, extract(store, graphs)))
            if len(pending) >= 2 * workers:  # bounded: extraction never runs far ahead of validation
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

"""Integrity checks that SHACL cannot express over the union graph.

They run on the store (SPARQL, so they stay fast at scale) and catch typos early: a term in
our ontology namespace that the ontology does not declare, an entity IRI that is linked to
but described nowhere, and a named graph that does not describe its own provenance.
"""

from __future__ import annotations

import pyoxigraph as ox

from . import namespaces as ns
from .errors import Problem
from .loader import LoadedDataset

PREFIX = ns.sparql_prologue(["rdf", "rdfs", "owl", "prov", "intmk"])

# Each check first narrows the data to its few distinct candidates inside Oxigraph (predicates
# and classes, object IRIs, graph names: `GRAPH ?g { }` lists them without reading any quad),
# so string functions and lookups run on those, not on every triple.
UNDECLARED_TERMS = PREFIX + f"""
SELECT DISTINCT ?term ?s WHERE {{
  {{ SELECT DISTINCT ?term WHERE {{ {{ ?x ?term ?y }} UNION {{ ?x rdf:type ?term }} }} }}
  FILTER (isIRI(?term) && STRSTARTS(STR(?term), "{ns.ONT}"))
  FILTER NOT EXISTS {{ GRAPH <{ns.graph("ontology")}> {{ ?term rdf:type ?kind }} }}
  {{ ?s ?term ?o }} UNION {{ ?s rdf:type ?term }}
}} ORDER BY ?term ?s
"""

DANGLING = PREFIX + f"""
SELECT DISTINCT ?o ?s ?p WHERE {{
  {{ SELECT DISTINCT ?o WHERE {{ ?x ?y ?o FILTER isIRI(?o) }} }}
  FILTER (STRSTARTS(STR(?o), "{ns.ID}"))
  FILTER NOT EXISTS {{ ?o rdf:type ?type }}
  ?s ?p ?o .
}} ORDER BY ?o ?s
"""

GRAPH_WITHOUT_PROVENANCE = PREFIX + """
SELECT ?g WHERE {
  GRAPH ?g { }
  FILTER NOT EXISTS { GRAPH ?g { ?g prov:wasDerivedFrom ?source } }
} ORDER BY ?g
"""


def integrity_problems(loaded: LoadedDataset) -> list[Problem]:
    """Problems found in the store's default graph, which load_project fills with the union of all graphs."""
    store = loaded.store
    problems: list[Problem] = []

    def where(subject: ox.NamedNode) -> str:
        files = loaded.files_for(subject.value)
        return f" (in {', '.join(files)})" if files else ""

    for row in store.query(UNDECLARED_TERMS):
        problems.append(
            Problem(f"{row['term'].value} is not declared in the ontology; used by {row['s'].value}{where(row['s'])}")
        )
    for row in store.query(DANGLING):
        problems.append(
            Problem(
                f"dangling reference: {row['s'].value} {row['p'].value} {row['o'].value}, "
                f"but nothing describes {row['o'].value} (no rdf:type in any graph){where(row['s'])}"
            )
        )
    for row in store.query(GRAPH_WITHOUT_PROVENANCE):
        problems.append(Problem(f"named graph {row['g'].value} does not state prov:wasDerivedFrom about itself"))
    return problems

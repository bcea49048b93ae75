"""The inferred graph: what follows from the ontology, materialised so that plain queries find it.

A researcher asks `?r a intmk:Resolution` and expects lead motions and declarations too, or asks
what a person said without knowing that the link is written from the statement to her. So the
build adds, after SHACL has validated the asserted data, one named graph `graph/inferred` with
- the types implied by `rdfs:subClassOf` (transitively),
- the statements implied by `rdfs:subPropertyOf` (transitively),
- the inverse of every statement whose property has a declared `owl:inverseOf` (both directions).
Only what is not asserted already is added, so the graph can be told apart and left out
(`FROM` the other graphs, or `FILTER (?g != <…/graph/inferred>)`). The closure is computed on
the ontology's own terms: superclasses and superproperties outside our namespace (schema.org,
PROV-O, W3C ORG) are added too, since the ontology states them.
"""

from __future__ import annotations

import pyoxigraph as ox

from . import namespaces as ns
from .progress import Progress

INFERRED_GRAPH = ns.graph("inferred")
ONTOLOGY_GRAPH = ns.graph("ontology")
PREFIX = ns.sparql_prologue(["rdf", "rdfs", "owl", "prov", "intmk"])


def asserted(pattern: str) -> str:
    """A pattern matched in the named graphs other than the ontology (asserted, or inferred before)."""
    return f"GRAPH ?g {{ {pattern} }} FILTER (?g != <{ONTOLOGY_GRAPH}>)"


# Each rule writes only triples not yet in the union; they run in order, so inverses of
# superproperties are found too.
RULES = [
    # types: every superclass, transitively
    f"""INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?x rdf:type ?super }} }} WHERE {{
      {{ SELECT DISTINCT ?x ?type WHERE {{ {asserted("?x rdf:type ?type")} }} }}
      GRAPH <{ONTOLOGY_GRAPH}> {{ ?type rdfs:subClassOf+ ?super }} FILTER isIRI(?super)
      FILTER NOT EXISTS {{ ?x rdf:type ?super }}
    }}""",
    # statements: every superproperty, transitively
    f"""INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?super ?o }} }} WHERE {{
      GRAPH <{ONTOLOGY_GRAPH}> {{ ?p rdfs:subPropertyOf+ ?super }} FILTER isIRI(?super)
      {asserted("?s ?p ?o")}
      FILTER NOT EXISTS {{ ?s ?super ?o }}
    }}""",
    # inverses, read both ways
    f"""INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?o ?inverse ?s }} }} WHERE {{
      GRAPH <{ONTOLOGY_GRAPH}> {{ {{ ?p owl:inverseOf ?inverse }} UNION {{ ?inverse owl:inverseOf ?p }} }}
      {asserted("?s ?p ?o")} FILTER (!isLiteral(?o))
      FILTER NOT EXISTS {{ ?o ?inverse ?s }}
    }}""",
]


def materialize_inferred(store: ox.Store, progress: Progress | None = None) -> int:
    """Add graph/inferred to a store that holds the named graphs and their union; return its size.

    The default graph (the union) gets the new triples too, so a plain query sees them.
    """
    progress = progress or Progress.silent()
    graph = ox.NamedNode(INFERRED_GRAPH)
    with progress.stage("inferred graph"):
        if graph in set(store.named_graphs()):
            store.remove_graph(graph)
        store.update(PREFIX + f"""INSERT DATA {{ GRAPH <{INFERRED_GRAPH}> {{
            <{INFERRED_GRAPH}> rdf:type intmk:InferredGraph ; prov:wasDerivedFrom <{ns.ONTOLOGY}> }} }}""")
        for rule in RULES:
            store.update(PREFIX + rule)
        store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))

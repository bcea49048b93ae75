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
PREFIX = ns.sparql_prologue(["rdf", "rdfs", "owl", "prov", "intmk", "skos"])


MEDIUM_GRAPH = ns.graph("inferred-medium")
HIGH_ONLY = "FILTER NOT EXISTS { GRAPH ?g { ?g intmk:confidence ?c FILTER (?c != intmk:HighConfidence) } }"
NOT_LOW = "FILTER NOT EXISTS { GRAPH ?g { ?g intmk:confidence intmk:LowConfidence } }"


def asserted(pattern: str, premises: str = HIGH_ONLY) -> str:
    """A pattern matched in the named graphs other than the ontology (asserted, or inferred before),
    of the confidence `premises` admits (a graph without a confidence is a document's own)."""
    return f"GRAPH ?g {{ {pattern} }} FILTER (?g != <{ONTOLOGY_GRAPH}>) {premises}"


def rules(target: str, premises: str) -> list[str]:
    """Each rule writes only triples not yet in the union; they run in order, so inverses of
    superproperties are found too."""
    return [
        # types: every superclass, transitively
        f"""INSERT {{ GRAPH <{target}> {{ ?x rdf:type ?super }} }} WHERE {{
          {{ SELECT DISTINCT ?x ?type WHERE {{ {asserted("?x rdf:type ?type", premises)} }} }}
          GRAPH <{ONTOLOGY_GRAPH}> {{ ?type rdfs:subClassOf+ ?super }} FILTER isIRI(?super)
          FILTER NOT EXISTS {{ ?x rdf:type ?super }}
        }}""",
        # statements: every superproperty, transitively
        f"""INSERT {{ GRAPH <{target}> {{ ?s ?super ?o }} }} WHERE {{
          GRAPH <{ONTOLOGY_GRAPH}> {{ ?p rdfs:subPropertyOf+ ?super }} FILTER isIRI(?super)
          {asserted("?s ?p ?o", premises)}
          FILTER NOT EXISTS {{ ?s ?super ?o }}
        }}""",
        # inverses, read both ways
        f"""INSERT {{ GRAPH <{target}> {{ ?o ?inverse ?s }} }} WHERE {{
          GRAPH <{ONTOLOGY_GRAPH}> {{ {{ ?p owl:inverseOf ?inverse }} UNION {{ ?inverse owl:inverseOf ?p }} }}
          {asserted("?s ?p ?o", premises)} FILTER (!isLiteral(?o))
          FILTER NOT EXISTS {{ ?o ?inverse ?s }}
        }}""",
    ]


RULES = rules(INFERRED_GRAPH, HIGH_ONLY)


def materialize_inferred(store: ox.Store, progress: Progress | None = None) -> int:
    """Add graph/inferred to a store that holds the named graphs and their union; return its size.

    What follows from documents and high-confidence records goes to graph/inferred. What follows
    only with a fact of medium confidence goes to graph/inferred-medium, which says so (confidence
    and note), so that an inverse or a superproperty never states a medium fact as a plain one; low
    facts are not reasoned from. The default graph (the union) gets both, so a plain query sees them.
    """
    progress = progress or Progress.silent()
    with progress.stage("inferred graph"):
        for name in (INFERRED_GRAPH, MEDIUM_GRAPH):
            if ox.NamedNode(name) in set(store.named_graphs()):
                store.remove_graph(ox.NamedNode(name))
        store.update(PREFIX + f"""INSERT DATA {{ GRAPH <{INFERRED_GRAPH}> {{
            <{INFERRED_GRAPH}> rdf:type intmk:InferredGraph ; prov:wasDerivedFrom <{ns.ONTOLOGY}> }} }}""")
        for rule in RULES:
            store.update(PREFIX + rule)
        _into_union(store, INFERRED_GRAPH)
        for rule in rules(MEDIUM_GRAPH, NOT_LOW):
            store.update(PREFIX + rule)
        if any(True for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(MEDIUM_GRAPH))):
            store.update(PREFIX + f"""INSERT DATA {{ GRAPH <{MEDIUM_GRAPH}> {{
                <{MEDIUM_GRAPH}> rdf:type intmk:InferredGraph ; prov:wasDerivedFrom <{ns.ONTOLOGY}> ;
                    intmk:confidence intmk:MediumConfidence ;
                    skos:editorialNote "Folgt aus der Ontologie und mindestens einer Aussage mittlerer Sicherheit."@de ,
                        "Follows from the ontology and at least one statement of medium confidence."@en }} }}""")
            # the graph's own types are certain: their superclasses go with the other certain inferences
            store.update(PREFIX + f"""INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ <{MEDIUM_GRAPH}> rdf:type ?super }} }} WHERE {{
                GRAPH <{ONTOLOGY_GRAPH}> {{ intmk:InferredGraph rdfs:subClassOf+ ?super }} FILTER isIRI(?super) }}""")
            _into_union(store, MEDIUM_GRAPH)
            _into_union(store, INFERRED_GRAPH)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))


def _into_union(store: ox.Store, graph: str) -> None:
    store.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

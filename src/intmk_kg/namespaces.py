"""The IRIs we mint and the vocabularies we reuse, in one place so no module spells them twice."""

BASE = "https://w3id.org/intmk/"
ONTOLOGY = BASE + "ontology"
ONT = ONTOLOGY + "#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
SHAPES = BASE + "shapes"
DATASET = BASE + "dataset"

WD = "http://www.wikidata.org/entity/"

PREFIXES: dict[str, str] = {
    "intmk": ONT,
    "id": ID,
    "graph": GRAPH,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "wd": WD,
}


def sparql_prologue(names: list[str] | None = None) -> str:
    """PREFIX lines for queries written in code."""
    items = PREFIXES.items() if names is None else ((n, PREFIXES[n]) for n in names)
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in items)


def entity(kind: str, key: str) -> str:
    return f"{ID}{kind}/{key}"


def graph(name: str) -> str:
    return f"{GRAPH}{name}"

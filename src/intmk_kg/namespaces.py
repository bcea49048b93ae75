"""The IRIs we mint and the vocabularies we reuse, in one place so no module spells them twice."""

import functools

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


# One prefix per kind of thing, as the data files use them, so that real keys work in queries
# (`state:DE-NI`, `conf:20`; `id:state/DE-NI` is no valid prefixed name). Predeclared in queries only:
# dumps and pages keep PREFIXES.
KIND_PREFIXES: dict[str, str] = {
    prefix: f"{ID}{kind}/" for prefix, kind in [
        ("conf", "conference"), ("state", "state"), ("person", "person"), ("res", "resolution"), ("place", "place"),
        ("topic", "topic"), ("stmt", "statement"), ("office", "office"), ("ms", "milestone"), ("law", "law"),
        ("group", "group"), ("doc", "document"), ("demand", "demand"), ("contact", "contact"), ("chair", "chair"),
        ("actor", "actor"), ("act", "act"), ("orgn", "organisation"),
    ]
}
QUERY_PREFIXES: dict[str, str] = {**PREFIXES, **KIND_PREFIXES}


def prefixes_for(text: str) -> dict[str, str]:
    """The predeclared prefixes a query may use (those whose `name:` occurs in it): the engine
    parses every prefix it is given, so a query is given only these. Shared: do not change it."""
    return _remembered_prefixes(text) if len(text) <= 4096 else _prefixes_in(text)


def _prefixes_in(text: str) -> dict[str, str]:
    return {name: iri for name, iri in QUERY_PREFIXES.items() if name + ":" in text}


_remembered_prefixes = functools.lru_cache(maxsize=1024)(_prefixes_in)  # short texts: clients repeat queries


def sparql_prologue(names: list[str] | None = None) -> str:
    """PREFIX lines for queries written in code."""
    items = PREFIXES.items() if names is None else ((n, PREFIXES[n]) for n in names)
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in items)


def entity(kind: str, key: str) -> str:
    return f"{ID}{kind}/{key}"


def graph(name: str) -> str:
    return f"{GRAPH}{name}"

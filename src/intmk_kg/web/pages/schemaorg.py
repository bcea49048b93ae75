"""schema.org JSON-LD embedded in entity pages, so that search engines understand what a page is about.

Our classes and properties name their schema.org counterparts with rdfs:subClassOf and
rdfs:subPropertyOf in the ontology; those links, not a table in code, decide the mapping.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from ... import namespaces as ns
from ..query.service import QueryService
from .entity import Fact
from .labels import Labels

SCHEMA = ns.PREFIXES["schema"]
RDF_TYPE = ns.PREFIXES["rdf"] + "type"
LABEL = ns.PREFIXES["rdfs"] + "label"
SAME_AS = ns.PREFIXES["owl"] + "sameAs"


def mapping(service: QueryService, terms: set[str]) -> dict[str, list[str]]:
    """Each of our classes and properties with the schema.org terms above it."""
    if not terms:
        return {}
    values = " ".join(str(ox.NamedNode(t)) for t in sorted(terms))
    rows = service.select(
        ns.sparql_prologue(["rdfs"])
        + f"SELECT DISTINCT ?t ?s WHERE {{ VALUES ?t {{ {values} }} "
        f"?t (rdfs:subClassOf|rdfs:subPropertyOf)+ ?s FILTER(STRSTARTS(STR(?s), \"{SCHEMA}\")) }}"
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["t"].value, []).append(row["s"].value[len(SCHEMA):])
    return {t: sorted(names) for t, names in found.items()}


def _value(term, labels: Labels, lang: str):
    if isinstance(term, ox.NamedNode):
        label = labels.get(term.value, lang)
        return {"@id": term.value, "name": label} if label else {"@id": term.value}
    if isinstance(term, ox.Literal) and term.language:
        return {"@value": term.value, "@language": term.language}
    return term.value


def entity(iri: str, page: str, facts: list[Fact], labels: Labels, lang: str, schema: dict[str, list[str]]) -> dict:
    out = [f for f in facts if f.direction == "out"]
    types = sorted({name for f in out if f.predicate.value == RDF_TYPE for name in schema.get(f.other.value, [])})
    data: dict = {"@context": SCHEMA, "@id": iri, "@type": types or ["Thing"], "url": page}
    properties: dict[str, list] = {}
    for f in out:
        if f.predicate.value == LABEL:
            names = ["name"]
        elif f.predicate.value == SAME_AS:
            names = ["sameAs"]
        else:
            names = schema.get(f.predicate.value, [])
        for name in names:
            value = f.other.value if name == "sameAs" else _value(f.other, labels, lang)
            if value not in properties.setdefault(name, []):
                properties[name].append(value)
    for name in sorted(properties):
        values = properties[name]
        data[name] = values[0] if len(values) == 1 else values
    return data


def script_text(data: dict) -> str:
    """JSON for a <script> element: no '<', '>' or '&' survives, so data cannot end the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

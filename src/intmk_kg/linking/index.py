"""A name index of our entities, built from the graph with a handful of bulk SPARQL queries.

It holds what reconciliation, the QID lookup and the exports need: each entity's id (its IRI
relative to `id/`), names in German and English with their aliases, types with their broader
types, Wikidata links, the values of the few properties a query may constrain and of those data
extension adds as columns. The index reads
through a `select(text) -> rows` function, so it works on a store at build time and on the web
app's query service alike (embedded or remote). The build stores it in the release (stored.py),
which is what the server reads; this in-memory form serves where there is no such file.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph as ox

from .. import namespaces as ns
from ..inference import INFERRED_GRAPH, MEDIUM_GRAPH
from .scoring import Form, form

Select = Callable[[str], list[dict]]
LANGS = ("de", "en")
COMMON_TRIGRAM = 2000  # names sharing a trigram past which it no longer selects candidates (see near)

PREFIXES = ns.sparql_prologue(["rdf", "rdfs", "owl", "skos", "intmk"])
IN_ID = f'STRSTARTS(STR(?e), "{ns.ID}")'

# Common abbreviations that no source table states as a name but that people type.
ABBREVIATIONS: dict[str, list[str]] = {
    "state/DE-NW": ["NRW"],
    "state/DE-BW": ["BaWü", "Ba-Wü"],
    "state/DE-NI": ["Nds."],
    "state/DE-MV": ["M-V", "Meck-Pomm"],
    "state/DE-RP": ["RLP"],
    "state/DE-ST": ["LSA"],
    "law/starmodg": ["Staatsangehörigkeitsmodernisierungsgesetz"],  # laws.csv: "Also called ..."
}

# Predicates whose values are other names of the subject; rdfs:label and skos:prefLabel are its main names.
MAIN_NAME = {ns.PREFIXES["rdfs"] + "label", ns.PREFIXES["skos"] + "prefLabel"}
OTHER_NAMES = ["skos:altLabel", "intmk:shortName", "intmk:officialName", "intmk:name", "intmk:title",
               "intmk:shortTitle", "intmk:isoCode"]


@dataclass(frozen=True)
class Property:
    """A property a reconciliation query may constrain; `where` binds ?e (entity) and ?v (value)."""

    id: str
    de: str
    en: str
    description: str
    where: str


def _g(pattern: str) -> str:
    return "GRAPH ?g { " + pattern + " }"


PROPERTIES = [
    Property("state", "Land", "Land (German state)",
             "The Land of a person (office or chair), conference (chair Land, place), place, ministry or office.",
             " UNION ".join("{ " + p + " }" for p in [
                 _g("?o intmk:holder ?e") + " GRAPH ?h { ?o intmk:state ?v }",
                 _g("?c intmk:chairPerson ?e") + " GRAPH ?h { ?c intmk:chairState ?v }",
                 _g("?e intmk:chairmanship ?c") + " GRAPH ?h { ?c intmk:chairState ?v }",
                 _g("?e intmk:heldInState|intmk:inState|intmk:state|intmk:chairState ?v"),
                 _g("?e intmk:location|intmk:venue ?p") + " GRAPH ?h { ?p intmk:inState ?v }",
             ])),
    Property("year", "Jahr", "year", "Year of a conference or meeting (of its main conference).",
             "{ " + _g("?e intmk:year ?y") + " BIND(STR(?y) AS ?v) } UNION { "
             + _g("?e intmk:startDate ?d") + " BIND(STR(YEAR(?d)) AS ?v) }"),
    Property("place", "Ort", "place", "Where a conference or meeting was held (city or venue).",
             _g("?e intmk:location|intmk:venue ?v")),
    Property("chairPerson", "Vorsitzende Person", "chairperson", "The person who chaired a conference.",
             _g("?e intmk:chairmanship ?c") + " GRAPH ?h { ?c intmk:chairPerson ?v }"),
    Property("party", "Partei", "party", "A person's political party.", _g("?e intmk:memberOfParty ?v")),
    Property("ordinal", "Nummer", "ordinal", "The number of a conference in the series.", _g("?e intmk:ordinal ?v")),
    Property("wikidata", "Wikidata-Objekt", "Wikidata item", "The QID of the same entity in Wikidata.",
             _g("?e owl:sameAs ?w") + f' FILTER STRSTARTS(STR(?w), "{ns.WD}") BIND(STRAFTER(STR(?w), "{ns.WD}") AS ?v)'),
]
PROPERTY_BY_ID = {p.id: p for p in PROPERTIES}

# Values kept for data extension only (web/routes/reconcile.py, linking/extend.py), not query constraints:
# what OpenRefine may add as columns beyond the properties above.
EXTENSION_VALUES = [
    Property("iso", "ISO-Code", "ISO code", "The ISO 3166-2 code of a Land.", _g("?e intmk:isoCode ?v")),
    Property("chairState", "Vorsitzland", "chair Land", "The Land that chaired a conference.",
             _g("?e intmk:chairmanship ?c") + " GRAPH ?h { ?c intmk:chairState ?v }"),
    Property("startDate", "Beginn", "start date", "The first day of a conference or office.",
             _g("?e intmk:startDate ?v")),
    Property("endDate", "Ende", "end date", "The last day of a conference or office (none while unknown).",
             _g("?e intmk:endDate ?v")),
    Property("office", "Amt", "office", "An office a person held or holds.", _g("?v intmk:holder ?e")),
]


@dataclass(frozen=True)
class Value:
    """A property value: another entity (by id) or a literal."""

    entity: str | None = None
    literal: str | None = None


@dataclass
class TypeInfo:
    id: str  # local name in the ontology namespace (the schema space)
    labels: dict[str, str]
    broader: list[str] = field(default_factory=list)

    def name(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.id


@dataclass
class Entity:
    id: str  # IRI relative to ns.ID, e.g. "state/DE-NI"
    labels: dict[str, str] = field(default_factory=dict)  # main name per language
    names: dict[str, bool] = field(default_factory=dict)  # every name -> is it a main label
    types: list[str] = field(default_factory=list)  # most specific types, as asserted
    all_types: set[str] = field(default_factory=set)  # with their broader types
    qids: list[str] = field(default_factory=list)
    values: dict[str, list[Value]] = field(default_factory=lambda: defaultdict(list))
    forms: dict[str, Form] = field(default_factory=dict)  # each name folded for comparison

    @property
    def iri(self) -> str:
        return ns.ID + self.id

    def name(self, lang: str = "de") -> str:
        other = "en" if lang == "de" else "de"
        return self.labels.get(lang) or self.labels.get(other) or next(iter(self.names), self.id)


@dataclass
class Names:
    """Entities and types by id, and the descriptions that tell namesakes apart.

    `entities` is any mapping: a dict in memory, or the rows of a stored index (see stored.py).
    """

    entities: Mapping[str, Entity]
    types: dict[str, TypeInfo]

    def type_of(self, identifier: str) -> TypeInfo | None:
        ident = identifier.strip()
        for prefix in (ns.ONT, "intmk:"):
            if ident.startswith(prefix):
                ident = ident[len(prefix):]
        return self.types.get(ident)

    def description(self, e: Entity, lang: str = "de") -> str:
        """Type and context (year and place, or else Land) so that namesakes can be told apart."""
        parts = [self.types[t].name(lang) for t in e.types if t in self.types][:1]
        # A conference's Land is that of its chair when no place is known: naming it would suggest a place.
        context = ("year", "place") if e.values.get("year") or e.values.get("place") else ("state",)
        for pid in context:
            for v in e.values.get(pid, []):
                other = self.entities.get(v.entity) if v.entity else None
                text = other.name(lang) if other is not None else v.literal
                if text and text not in parts:
                    parts.append(text)
        return ", ".join(parts)


@dataclass
class LinkIndex(Names):
    """The whole index in memory, searched by character trigrams."""

    trigrams: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self) -> None:
        self.by_qid: dict[str, list[str]] = defaultdict(list)
        for e in self.entities.values():
            for q in e.qids:
                self.by_qid[q].append(e.id)
            e.forms = {name: form(name) for name in e.names}
            for t in entity_trigrams(e):
                self.trigrams[t].add(e.id)

    def lookup(self, identifier: str) -> Entity | None:
        return lookup(self.entities, self.by_qid, identifier)

    def near(self, query: Form, pool: int = 200) -> list[Entity]:
        """Entities with a name sharing character trigrams with the query, most shared first.

        A trigram found in more than COMMON_TRIGRAM names ("der", "ion") is left out of the count
        (unless the query has no other): in a graph of millions of names it would make every query
        walk a large part of the index, while the rarer trigrams already select the candidates.
        Below that size, as in the project's own graph, every trigram counts.
        """
        found = {t: self.trigrams[t] for t in query_trigrams(query) if t in self.trigrams}
        selecting = rare_trigrams({t: len(ids) for t, ids in found.items()})
        return [self.entities[eid] for eid in most_shared([found[t] for t in selecting], pool)]

    def prefixed(self, prefix: Form) -> Iterable[Entity]:
        """Suggest candidates: in memory every entity is one (the ranking decides)."""
        return self.entities.values()


class Searchable(Protocol):
    """What reconciliation, suggest and the QID lookup need: LinkIndex, or a StoredIndex (stored.py)."""

    entities: Mapping[str, Entity]
    types: dict[str, TypeInfo]
    by_qid: dict[str, list[str]]

    def lookup(self, identifier: str) -> Entity | None: ...
    def near(self, query: Form, pool: int = 200) -> list[Entity]: ...
    def prefixed(self, prefix: Form) -> Iterable[Entity]: ...
    def type_of(self, identifier: str) -> TypeInfo | None: ...
    def description(self, e: Entity, lang: str = "de") -> str: ...


def lookup(entities: Mapping[str, Entity], by_qid: Mapping[str, list[str]], identifier: str) -> Entity | None:
    """An entity by its id, full IRI or QID (the QID only when it names exactly one entity)."""
    ident = identifier.strip()
    ident = ident[len(ns.ID):] if ident.startswith(ns.ID) else ident
    found = entities.get(ident)
    if found is not None:
        return found
    ids = by_qid.get(ident.upper(), [])
    return entities.get(ids[0]) if len(ids) == 1 else None


def query_trigrams(query: Form) -> set[str]:
    return {t for k in query.keys for t in _trigrams(k)}


def entity_trigrams(e: Entity) -> set[str]:
    return {t for f in e.forms.values() for k in f.keys for t in _trigrams(k)}


def rare_trigrams(sizes: Mapping[str, int]) -> list[str]:
    """The trigrams (of those with these posting sizes) that select candidates: all but the common
    ones, or the rarest alone when every one is common."""
    ranked = sorted(sizes, key=lambda t: (sizes[t], t))
    return [t for t in ranked if sizes[t] <= COMMON_TRIGRAM] or ranked[:1]


def most_shared(postings: Iterable[Collection], pool: int) -> list:
    """The ids found in most of the postings; ties by id."""
    counts: Counter = Counter()
    for p in postings:
        counts.update(p)
    best = heapq.nsmallest(pool, counts.items(), key=lambda item: (-item[1], item[0]))
    return [eid for eid, _ in best]


def _trigrams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _local(iri: str, base: str) -> str | None:
    return iri[len(base):] if iri.startswith(base) else None


def build_index(select: Select) -> LinkIndex:
    return LinkIndex(*collect(select))


def collect(select: Select) -> tuple[dict[str, Entity], dict[str, TypeInfo]]:
    """Entities (names, types, Wikidata links, property values) and types, from a few bulk queries."""
    entities: dict[str, Entity] = {}
    # asserted types only: the broader ones come from the ontology below, not from graph/inferred
    rows = select(PREFIXES + f"SELECT DISTINCT ?e ?c WHERE {{ GRAPH ?g {{ ?e rdf:type ?c }} FILTER ({IN_ID}) "
                  f"FILTER (?g NOT IN (<{INFERRED_GRAPH}>, <{MEDIUM_GRAPH}>)) }}")
    for row in rows:
        eid = _local(row["e"].value, ns.ID)
        e = entities.setdefault(eid, Entity(eid))
        t = _local(row["c"].value, ns.ONT)
        if t and t not in e.types:
            e.types.append(t)

    types = _types(select)
    for e in entities.values():
        e.types.sort()
        e.all_types = _closure(e.types, types)

    names = " ".join(OTHER_NAMES)
    rows = select(PREFIXES + f"""SELECT DISTINCT ?e ?p ?n WHERE {{
        GRAPH ?g {{ ?e ?p ?n }} VALUES ?p {{ rdfs:label skos:prefLabel {names} }} FILTER ({IN_ID} && isLITERAL(?n))
    }}""")
    for row in sorted(rows, key=lambda r: (r["e"].value, r["p"].value, r["n"].value)):
        e = entities.get(_local(row["e"].value, ns.ID))
        if e is None:
            continue
        text, lang = row["n"].value, row["n"].language
        main = row["p"].value in MAIN_NAME
        if main and lang in LANGS and lang not in e.labels:
            e.labels[lang] = text
        e.names[text] = e.names.get(text, False) or main
    rows = select(PREFIXES + f"SELECT DISTINCT ?e ?h ?n WHERE {{ GRAPH ?g {{ ?e intmk:honorificPrefix ?h ; intmk:name ?n }} FILTER ({IN_ID}) }}")
    for row in rows:
        _alias(entities, _local(row["e"].value, ns.ID), f"{row['h'].value} {row['n'].value}")

    for p in PROPERTIES + EXTENSION_VALUES:
        for row in select(PREFIXES + f"SELECT DISTINCT ?e ?v WHERE {{ {p.where} FILTER ({IN_ID}) }}"):
            e = entities.get(_local(row["e"].value, ns.ID))
            v = row.get("v")
            if e is None or v is None:  # unbound: a value of the wrong type (a year of an ill-typed date)
                continue
            value = Value(entity=_local(v.value, ns.ID)) if isinstance(v, ox.NamedNode) and v.value.startswith(ns.ID) else Value(literal=v.value)
            if value not in e.values[p.id]:
                e.values[p.id].append(value)
    for e in entities.values():
        for vals in e.values.values():
            vals.sort(key=lambda v: (v.entity or "", v.literal or ""))
        e.qids = sorted((v.literal for v in e.values.get("wikidata", []) if v.literal), key=lambda q: int(q[1:]))

    for eid, aliases in ABBREVIATIONS.items():
        for a in aliases:
            _alias(entities, eid, a)
    for e in entities.values():
        if "State" in e.types:
            for n in list(e.names):
                if n.startswith("DE-") and len(n) == 5:
                    _alias(entities, e.id, n[3:])
        if "Conference" in e.types:
            _series_aliases(entities, e)
    return entities, types


def _alias(entities: dict[str, Entity], eid: str | None, name: str) -> None:
    if eid in entities and name not in entities[eid].names:
        entities[eid].names[name] = False


def _series_aliases(entities: dict[str, Entity], conf: Entity) -> None:
    """'IntMK 2025' and 'Integrationsministerkonferenz 2025' for the conference held in 2025."""
    series = entities.get("organisation/intmk")
    years = [v.literal for v in conf.values.get("year", []) if v.literal]
    if series is None or len(years) != 1:
        return
    for name in ["IntMK", *series.labels.values()]:
        _alias(entities, conf.id, f"{name} {years[0]}")


def _types(select: Select) -> dict[str, TypeInfo]:
    onto = f'STRSTARTS(STR(?c), "{ns.ONT}")'
    types: dict[str, TypeInfo] = {}
    rows = select(PREFIXES + f"SELECT DISTINCT ?c ?l WHERE {{ GRAPH ?g {{ ?c rdf:type owl:Class ; rdfs:label ?l }} FILTER ({onto}) }}")
    for row in sorted(rows, key=lambda r: (r["c"].value, r["l"].value)):
        t = types.setdefault(_local(row["c"].value, ns.ONT), TypeInfo(_local(row["c"].value, ns.ONT), {}))
        lang = row["l"].language
        if lang in LANGS and lang not in t.labels:
            t.labels[lang] = row["l"].value
    rows = select(PREFIXES + f"SELECT DISTINCT ?c ?b WHERE {{ GRAPH ?g {{ ?c rdfs:subClassOf ?b }} FILTER ({onto} && STRSTARTS(STR(?b), \"{ns.ONT}\")) }}")
    for row in rows:
        c, b = _local(row["c"].value, ns.ONT), _local(row["b"].value, ns.ONT)
        if c in types and b in types:
            types[c].broader.append(b)
    for t in types.values():
        t.broader.sort()
    return types


def _closure(start: Iterable[str], types: dict[str, TypeInfo]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo.extend(types[t].broader if t in types else [])
    return seen


def store_select(store: ox.Store) -> Select:
    """A `select` over a pyoxigraph store, shaped like the web query service's."""

    def select(text: str) -> list[dict]:
        result = store.query(text)
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    return select


_CACHE: "weakref.WeakKeyDictionary[object, LinkIndex]" = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_for(service) -> LinkIndex:
    """One index per query service (a release never changes under a running service)."""
    with _LOCK:
        if service not in _CACHE:
            _CACHE[service] = build_index(service.select)
        return _CACHE[service]

"""Reconciliation queries against the name index: parse, filter by type, score, decide a match.

A query is checked before anything runs, and a wrong one raises BadQuery with a message fit for an
HTTP 400. Scores run from 0 to 100: 100 for an equal main name, 99 for an equal alias, at most 90
for a fuzzy name; property constraints scale the name score by how many of them the candidate
meets. `match` is true only for a single candidate whose name is exact and which meets every
property constraint, and only if no other candidate is exact too.

The cost of a query is bounded: at most MAX_CONSTRAINTS constraints of MAX_VALUES distinct values
each, every value looked up and folded once per query (not once per candidate), no query without
a name in a graph of more than NAMELESS_MOST entities, and a Deadline checked in the loops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from .deadline import NONE, Deadline
from .index import PROPERTY_BY_ID, Entity, Searchable, TypeInfo
from .scoring import ALIAS, EXACT, Form, form, keys, score, similarity

DEFAULT_LIMIT = 10
MAX_LIMIT = 100
TYPE_STRICT = ("any", "all", "should")
QUERY_FIELDS = {"query", "type", "limit", "properties", "type_strict", "lang"}
NAMELESS_MOST = 5_000  # entities a query with properties only may be compared with (names select candidates)
MAX_CONSTRAINTS = 20  # property constraints per query
MAX_VALUES = 50  # distinct values per property constraint


class BadQuery(ValueError):
    """A reconciliation or suggest request that cannot be answered as asked."""


@dataclass(frozen=True)
class Constraint:
    pid: str
    values: tuple[object, ...]  # str, number, bool or {"id": ..., "name": ...}


@dataclass
class Query:
    text: str | None = None
    form: Form | None = None
    types: list[TypeInfo] = field(default_factory=list)
    type_strict: str = "any"
    limit: int = DEFAULT_LIMIT
    constraints: list[Constraint] = field(default_factory=list)
    lang: str = "de"


@dataclass
class Candidate:
    entity: Entity
    score: float
    name_score: float
    properties_met: float  # fraction of the property constraints the candidate meets (1.0 with none)
    type_match: bool
    match: bool = False

    @property
    def exact(self) -> bool:
        return self.name_score >= ALIAS


def parse_query(index: Searchable, raw: object, key: str = "", lang: str = "de") -> Query:
    where = f"query {key!r}: " if key else ""
    if not isinstance(raw, dict):
        raise BadQuery(f"{where}a query must be a JSON object with 'query' and/or 'properties'")
    unknown = sorted(set(raw) - QUERY_FIELDS)
    if unknown:
        raise BadQuery(f"{where}unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(QUERY_FIELDS))}")
    q = Query(lang=_lang(raw.get("lang", lang), where))
    text = raw.get("query")
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            raise BadQuery(f"{where}'query' must be a non-empty string")
        q.text = text.strip()
        q.form = form(q.text)
    q.types = _types(index, raw.get("type"), where)
    strict = raw.get("type_strict", "any")
    if strict not in TYPE_STRICT:
        raise BadQuery(f"{where}'type_strict' must be one of {', '.join(TYPE_STRICT)}")
    q.type_strict = strict
    q.limit = _limit(raw.get("limit", DEFAULT_LIMIT), where)
    q.constraints = _constraints(raw.get("properties", []), where)
    if q.text is None and not q.constraints:
        raise BadQuery(f"{where}give 'query' (a name) or 'properties' (at least one)")
    if q.text is None and len(index.entities) > NAMELESS_MOST:
        raise BadQuery(f"{where}without a name a query is compared with every entity, and this graph has "
                       f"{len(index.entities):,}; give 'query' (a name) with the properties")
    return q


def _lang(value: object, where: str) -> str:
    if value not in ("de", "en"):
        raise BadQuery(f"{where}'lang' must be 'de' or 'en'")
    return str(value)


def _limit(value: object, where: str) -> int:
    number = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value) and value.is_integer())
    if isinstance(value, bool) or not number or value < 1:
        raise BadQuery(f"{where}'limit' must be a positive integer")
    return min(int(value), MAX_LIMIT)


def _types(index: Searchable, value: object, where: str) -> list[TypeInfo]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise BadQuery(f"{where}'type' must be a type id or a list of type ids")
    found = []
    for t in items:
        info = index.type_of(t)
        if info is None:
            raise BadQuery(f"{where}unknown type {t[:80]!r}; see /reconcile/suggest/type for the types")
        found.append(info)
    return found


def _constraints(value: object, where: str) -> list[Constraint]:
    if not isinstance(value, list):
        raise BadQuery(f"{where}'properties' must be a list of {{'pid': ..., 'v': ...}} objects")
    out = []
    for item in value:
        if not isinstance(item, dict) or "pid" not in item or "v" not in item:
            raise BadQuery(f"{where}each property needs 'pid' and 'v'")
        pid = item["pid"]
        if pid not in PROPERTY_BY_ID:
            raise BadQuery(f"{where}unknown property {str(pid)[:80]!r}; known: {', '.join(PROPERTY_BY_ID)}")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        distinct: dict[object, object] = {}
        for v in values:
            ok = isinstance(v, (str, int, float, bool)) or (isinstance(v, dict) and isinstance(v.get("id"), str))
            if not ok:
                raise BadQuery(f"{where}property {pid!r}: a value is a string, number, boolean or {{'id': ...}}")
            distinct.setdefault(("id", v["id"]) if isinstance(v, dict) else _value_text(v), v)
            if len(distinct) > MAX_VALUES:
                raise BadQuery(f"{where}property {pid!r}: more than {MAX_VALUES} distinct values; "
                               f"at most {MAX_VALUES} per property constraint")
        out.append(Constraint(pid, tuple(distinct.values())))
        if len(out) > MAX_CONSTRAINTS:
            raise BadQuery(f"{where}more than {MAX_CONSTRAINTS} property constraints; at most {MAX_CONSTRAINTS} per query")
    return out


def _value_text(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and math.isfinite(v) and v == int(v):
        return str(int(v))
    return str(v)


@dataclass
class Wanted:
    """A constraint's values prepared once per query: the entities they name, their folded keys."""

    pid: str
    ids: set[str]  # entities named by {"id": ...} or by a text that is an id, IRI or QID
    keys: set[str]  # folded forms of the texts, compared with literals and with the names of entities
    names_of: dict[str, frozenset[str]] = field(default_factory=dict)  # value entity -> its keys (read once)


def prepare(index: Searchable, c: Constraint, deadline: Deadline = NONE) -> Wanted:
    wanted = Wanted(c.pid, set(), set())
    for v in c.values:
        deadline.check()
        text = v["id"] if isinstance(v, dict) else _value_text(v)
        target = index.lookup(text)
        if target is not None:
            wanted.ids.add(target.id)
        if not isinstance(v, dict):
            wanted.keys |= keys(text)
    return wanted


def meets(index: Searchable, entity: Entity, w: Wanted) -> bool:
    """Does one of the entity's values for the property equal one of the wanted values?"""
    for v in entity.values.get(w.pid, []):
        if v.literal is not None:
            if _literal_keys(v.literal) & w.keys:
                return True
        elif v.entity in w.ids or (w.keys and _names_of(index, w, v.entity or "") & w.keys):
            return True
    return False


@lru_cache(maxsize=4096)
def _literal_keys(text: str) -> frozenset[str]:
    return frozenset(keys(text))


def _names_of(index: Searchable, w: Wanted, eid: str) -> frozenset[str]:
    """The folded names of a value entity, read from the index once per query."""
    found = w.names_of.get(eid)
    if found is None:
        target = index.entities.get(eid)
        found = frozenset(k for f in target.forms.values() for k in f.keys) if target is not None else frozenset()
        w.names_of[eid] = found
    return found


def _same(a: Entity | None, b: Entity) -> bool:
    """The same entity (a stored index decodes an entity anew, so identity would not do)."""
    return a is not None and a.id == b.id


def _type_ok(entity: Entity, q: Query) -> bool:
    if not q.types:
        return True
    hits = [t.id in entity.all_types for t in q.types]
    return all(hits) if q.type_strict == "all" else any(hits)


def name_score(entity: Entity, q: Query, direct: Entity | None) -> float:
    """`direct` is the entity the query names by id, IRI or QID (looked up once per query)."""
    if _same(direct, entity):
        return EXACT
    return max((score(q.form, entity.forms[n], main) for n, main in entity.names.items()), default=0.0)


def reconcile(index: Searchable, q: Query, deadline: Deadline = NONE) -> list[Candidate]:
    wanted = [prepare(index, c, deadline) for c in q.constraints]
    pool = index.near(q.form) if q.form else _every(index, deadline)
    direct = index.lookup(q.text) if q.text else None
    if direct is not None and all(e.id != direct.id for e in pool):
        pool.append(direct)
    candidates = []
    for e in pool:
        deadline.check()
        type_match = _type_ok(e, q)
        if not type_match and q.type_strict != "should":
            continue
        met = sum(meets(index, e, w) for w in wanted) / len(wanted) if wanted else 1.0
        if q.text:
            ns_ = name_score(e, q, direct)
            if ns_ == 0:
                continue
            total = ns_ * (0.6 + 0.4 * met)
        else:
            if met == 0:
                continue
            ns_, total = 0.0, 100.0 * met
        if q.types and not type_match:
            total *= 0.8
        candidates.append(Candidate(e, round(total, 2), ns_, met, type_match))
    candidates.sort(key=lambda c: (-c.score, -_raw_exact(c, q.text), c.entity.id))
    sure = [c for c in candidates if c.exact and c.properties_met == 1.0 and c.type_match]
    if len(sure) == 1 and sure[0] is candidates[0] and sum(c.exact for c in candidates) == 1:
        sure[0].match = True
    return candidates[: q.limit]


def _every(index: Searchable, deadline: Deadline) -> list[Entity]:
    """The pool of a query without a name: every entity (at most NAMELESS_MOST, see parse_query)."""
    pool = []
    for e in index.entities.values():
        if len(pool) % 100 == 0:
            deadline.check()
        pool.append(e)
    return pool


def _raw_exact(c: Candidate, text: str | None) -> int:
    """Tie-break: a name spelled exactly as queried first."""
    return int(bool(text) and text in c.entity.names)


def features(c: Candidate) -> list[tuple[str, str, float | bool]]:
    """(id, name, value) of the matching features behind a score."""
    return [
        ("name", "name similarity (0-100)", c.name_score),
        ("name_exact", "a name equals the query (folded)", c.exact),
        ("properties", "share of property constraints met", round(c.properties_met, 4)),
        ("type", "of a requested type", c.type_match),
    ]


# --- suggest (prefix search) --------------------------------------------------------------------


def _prefix_rank(p: Form, names: list[Form]) -> int:
    """2: a name starts with the prefix; 1: a word of a name does (or, for several words, is close); 0: neither."""
    if not p.compact:
        return 1  # an empty prefix lists everything
    best = 0
    for n in names:
        if any(k.startswith(p.compact) for k in n.keys):
            return 2
        if any(w.startswith(p.compact) for w in n.tokens) or (len(p.tokens) > 1 and similarity(p, n) >= 0.9):
            best = 1
    return best


# Things said or written (a quote, a press article): their names are sentences or titles, which start
# with the words a user types for the person or place they are about. They come after the things.
TEXTS = frozenset({"Statement", "SourceDocument", "Claim"})


def suggest_entities(index: Searchable, prefix: str, types: list[TypeInfo], cursor: int, limit: int) -> list[Entity]:
    """Matches of a typed prefix: things before texts ("Phil" offers Andreas Philippi before the
    articles titled "Philippi ..."), then the closer match; a document known only by its URL is
    offered only for a prefix that is a URL."""
    direct = index.lookup(prefix)
    p = form(prefix)
    pool = list(index.prefixed(p))
    if direct is not None and all(e.id != direct.id for e in pool):
        pool.append(direct)
    url_prefix = prefix.lstrip().lower().startswith(("http:", "https:"))
    ranked = []
    for e in pool:
        if types and not any(t.id in e.all_types for t in types):
            continue
        if not url_prefix and all(n.lower().startswith(("http://", "https://")) for n in e.names or [e.name()]):
            continue
        rank = 3 if _same(direct, e) else _prefix_rank(p, list(e.forms.values()))
        if rank:
            ranked.append((bool(TEXTS & set(e.all_types)), -rank, e.name().casefold(), e.id, e))
    ranked.sort(key=lambda r: r[:4])
    return [r[4] for r in ranked[cursor : cursor + limit]]


def suggest_types(index: Searchable, prefix: str, cursor: int, limit: int) -> list[TypeInfo]:
    ranked = []
    for t in index.types.values():
        rank = 3 if prefix.strip() == t.id else _prefix_rank(form(prefix), [form(x) for x in (t.id, *t.labels.values())])
        if rank:
            ranked.append((-rank, t.id, t))
    ranked.sort(key=lambda r: r[:2])
    return [r[2] for r in ranked[cursor : cursor + limit]]


def suggest_properties(prefix: str, cursor: int, limit: int):
    ranked = []
    for p in PROPERTY_BY_ID.values():
        rank = 3 if prefix.strip() == p.id else _prefix_rank(form(prefix), [form(x) for x in (p.id, p.de, p.en)])
        if rank:
            ranked.append((-rank, p.id, p))
    ranked.sort(key=lambda r: r[:2])
    return [r[2] for r in ranked[cursor : cursor + limit]]

"""Search for the reader pages: a typed text against the name index, answered in groups by kind
(conferences, Länder, persons, resolutions, topics, documents, other), ranked, labelled in the
page's language.

It uses what reconciliation uses (the same folded forms: "Mueller" finds Müller, "Clauss" Clauß,
case, accents and hyphens do not matter; the same fuzzy score: "philipi" finds Philippi), plus the
prefix ranking of suggest, so that a word cut short ("Phil", "Integr") finds what it begins.
Framework-free: it takes any index (LinkIndex in memory, or the release's StoredIndex).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .index import Entity, Searchable
from .matching import TEXTS, _prefix_rank
from .scoring import ALIAS, BARE, UMLAUTS, Form, form, score, tokens

MIN_CHARS = 2  # folded characters a query needs
PER_GROUP = 10  # hits shown per group (each group also says how many it found)
POOL = 200  # candidates the trigram search reads
WORD_SCORE = 92.0  # every word of the query is a whole word of a name ("Mueller" in "Emilia Müller")
PREFIX_SCORE = {2: 88.0, 1: 84.0}  # a name (2) or a word of a name (1) begins with the query
MIN_SCORE = 60.0  # a fuzzy match below this is left out

# Kinds, in the order the page shows them, each with the ontology types (local names) that make it.
KINDS: list[tuple[str, frozenset[str]]] = [
    ("conferences", frozenset({"Conference", "Meeting", "ConferenceSeries"})),
    ("lander", frozenset({"State"})),
    ("persons", frozenset({"Person"})),
    ("resolutions", frozenset({"ConferenceItem", "Resolution", "LeadMotion", "Declaration", "Report"})),
    ("topics", frozenset({"Topic"})),
    ("documents", frozenset({"SourceDocument"})),
]
OTHER = "other"
GROUPS = [k for k, _ in KINDS] + [OTHER]


@dataclass(frozen=True)
class Hit:
    id: str  # relative to id/, e.g. "person/andreas-philippi"
    iri: str
    label: str  # in the requested language (the other one where it has none)
    description: str  # type and context, to tell namesakes apart
    kind: str  # one of GROUPS
    score: float  # 0..100: 100 an equal main name, 99 an equal other name, below that prefix and fuzzy
    matched: str  # the name that matched (an alias such as "NRW", or the label)


@dataclass
class Group:
    kind: str  # one of GROUPS; the page's heading is the message "search.group.<kind>"
    hits: list[Hit]
    total: int  # found in this group (hits holds the first PER_GROUP)


@dataclass
class Results:
    query: str
    lang: str
    groups: list[Group] = field(default_factory=list)  # non-empty groups, in the order of GROUPS

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)

    def group(self, kind: str) -> Group | None:
        return next((g for g in self.groups if g.kind == kind), None)


def kind_of(entity: Entity) -> str:
    types = set(entity.all_types) | set(entity.types)
    return next((kind for kind, wanted in KINDS if types & wanted), OTHER)


def _best_name(entity: Entity, q: Form) -> tuple[float, str]:
    """The entity's best name score for the query and the name that gave it."""
    best, name = 0.0, ""
    for n, main in entity.names.items():
        f = entity.forms.get(n) or form(n)
        s = score(q, f, main)
        if s > best or (s == best and s and main and not entity.names.get(name, False)):
            best, name = s, n
    return best, name


def _word_name(entity: Entity, text: str) -> str | None:
    """The first name having every word of the query as a whole word (in either umlaut spelling), if any."""
    query = list(zip(tokens(text, UMLAUTS), tokens(text, BARE)))
    if not query:
        return None
    for n in entity.names:
        words = set(tokens(n, UMLAUTS)) | set(tokens(n, BARE))
        if all(a in words or b in words for a, b in query):
            return n
    return None


def _prefix_name(entity: Entity, q: Form) -> tuple[int, str]:
    best, name = 0, ""
    for n in entity.names:
        rank = _prefix_rank(q, [entity.forms.get(n) or form(n)])
        if rank > best:
            best, name = rank, n
    return best, name


def _is_url_only(entity: Entity) -> bool:
    return all(n.lower().startswith(("http://", "https://")) for n in entity.names or [entity.name()])


def search(index: Searchable, text: str, lang: str = "de", per_group: int = PER_GROUP) -> Results:
    """Entities whose names match `text`, grouped by kind, best first within each group.

    An id, IRI or QID finds its entity directly. A document known only by its URL is found only by a
    URL. Ties are broken by things before texts (a person before the articles naming them), then by
    label and id, so that answers are stable.
    """
    results = Results(text, lang)
    q = form(text)
    if len(q.compact) < MIN_CHARS:
        return results
    url_query = text.lstrip().lower().startswith(("http:", "https:"))
    direct = index.lookup(text)
    # Fuzzy scores for the trigram pool only; whole words and prefixes for the prefix pool too (in memory
    # that is every entity, in the release's file those with a name or word beginning so): both answer alike.
    near = index.near(q, POOL)
    fuzzy = {e.id for e in near}
    candidates: dict[str, Entity] = {}
    for e in _chain(near, index.prefixed(q), [direct] if direct else []):
        candidates.setdefault(e.id, e)
    hits: dict[str, list[tuple[tuple, Hit]]] = {k: [] for k in GROUPS}
    for e in candidates.values():
        if not url_query and _is_url_only(e):
            continue
        if direct is not None and e.id == direct.id:
            s, matched = 100.0, text.strip()
        else:
            s, matched = _best_name(e, q) if e.id in fuzzy else (0.0, "")
            whole = _word_name(e, text) if s < WORD_SCORE else None
            if whole is not None:
                s, matched = WORD_SCORE, whole
            if s < ALIAS:
                rank, prefixed = _prefix_name(e, q)
                if rank and PREFIX_SCORE[rank] > s:
                    s, matched = PREFIX_SCORE[rank], prefixed
        if s < MIN_SCORE:
            continue
        label = e.name(lang)
        kind = kind_of(e)
        hit = Hit(e.id, e.iri, label, index.description(e, lang), kind, round(s, 2), matched or label)
        hits[kind].append(((-hit.score, bool(TEXTS & set(e.all_types)), label.casefold(), e.id), hit))
    for kind in GROUPS:
        ranked = [h for _, h in sorted(hits[kind], key=lambda pair: pair[0])]
        if ranked:
            results.groups.append(Group(kind, ranked[:per_group], len(ranked)))
    return results


def _chain(*parts: Iterable[Entity]) -> Iterable[Entity]:
    for part in parts:
        yield from part

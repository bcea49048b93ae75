"""Search for the reader pages on the project's built index (the release's file and the index built in
memory from the store): German folding, misspellings, cut-short words, groups by kind, labels in the
page's language, and the same answers from both indexes."""

from __future__ import annotations

import pytest

from intmk_kg.linking.index import build_index, store_select
from intmk_kg.linking.search import GROUPS, MIN_CHARS, kind_of, search
from intmk_kg.linking.stored import INDEX_FILE, StoredIndex


@pytest.fixture(scope="module")
def stored(release):
    return StoredIndex(release.file(INDEX_FILE))


@pytest.fixture(scope="module")
def memory(store):
    return build_index(store_select(store))


@pytest.fixture(scope="module", params=["stored", "memory"])
def index(request, stored, memory):
    return stored if request.param == "stored" else memory


def top(index, text: str, kind: str, lang: str = "de") -> str:
    group = search(index, text, lang).group(kind)
    assert group is not None, (text, kind, [g.kind for g in search(index, text, lang).groups])
    return group.hits[0].id


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("philipi", "persons", "person/andreas-philippi"),  # a letter missing
    ("Philippi", "persons", "person/andreas-philippi"),
    ("Phil", "persons", "person/andreas-philippi"),  # cut short while typing
    ("Mueller", "persons", "person/emilia-mueller"),  # ü typed as ue
    ("Muller", "persons", "person/emilia-mueller"),  # ü typed as u
    ("Clauss", "persons", "person/christine-clauss"),  # ß typed as ss
    ("christine clauß", "persons", "person/christine-clauss"),
    ("NRW", "lander", "state/DE-NW"),  # an abbreviation
    ("nordrhein westfalen", "lander", "state/DE-NW"),  # hyphen and case
    ("Lower Saxony", "lander", "state/DE-NI"),  # the English name
    ("DE-TH", "lander", "state/DE-TH"),  # the ISO code
    ("20. IntMK", "conferences", "conference/20"),
    ("integrationskurse", "topics", "topic/integration-courses"),
    ("Goettinger Erklaerung", "resolutions", "resolution/20-goettinger-erklaerung"),
])
def test_what_readers_type_finds_what_they_mean(index, text, kind, expected):
    assert top(index, text, kind) == expected


def _person_ids(store) -> dict[str, str]:
    """Persons and their names, from the store (to pick test cases from the data, not from the index)."""
    q = "PREFIX intmk: <https://w3id.org/intmk/ontology#> SELECT ?p ?n WHERE { ?p a intmk:Person ; intmk:name ?n }"
    return {r["n"].value: r["p"].value.rsplit("/id/", 1)[1] for r in store.query(q)}


def test_every_person_is_found_by_a_transliterated_surname(index, store):
    fold = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e"})
    persons = _person_ids(store)
    assert len(persons) > 30
    for name, pid in persons.items():
        surname = name.split()[-1].translate(fold).upper()
        ids = [h.id for h in search(index, surname, "de").group("persons").hits]
        assert pid in ids, (name, surname, ids)


def test_groups_come_in_order_and_hold_their_kind(index):
    results = search(index, "Integration", "en")
    kinds = [g.kind for g in results.groups]
    assert kinds == [k for k in GROUPS if k in kinds] and len(kinds) >= 4
    for group in results.groups:
        assert 0 < len(group.hits) <= group.total and len(group.hits) <= 10
        assert all(h.kind == group.kind == kind_of(index.entities[h.id]) for h in group.hits)
        scores = [h.score for h in group.hits]
        assert scores == sorted(scores, reverse=True)
    assert results.total == sum(g.total for g in results.groups)


def test_labels_follow_the_language(index):
    de = search(index, "Niedersachsen", "de").group("lander").hits[0]
    en = search(index, "Niedersachsen", "en").group("lander").hits[0]
    assert (de.id, de.label, en.label) == ("state/DE-NI", "Niedersachsen", "Lower Saxony")
    assert de.iri == "https://w3id.org/intmk/id/state/DE-NI" and de.description and en.description
    assert search(index, "NRW", "de").group("lander").hits[0].matched == "NRW"


def test_exact_beats_fuzzy_and_nonsense_finds_nothing(index):
    hits = search(index, "Saxony", "en").group("lander").hits
    # the English label is a main name; Lower Saxony and Saxony-Anhalt share the word, and rank below
    assert hits[0].id == "state/DE-SN" and hits[0].score == 100.0
    assert {"state/DE-NI", "state/DE-ST"} <= {h.id for h in hits[1:]} and all(h.score < 100 for h in hits[1:])
    assert search(index, "qqxzzv", "de").groups == []
    assert search(index, "x" * (MIN_CHARS - 1), "de").groups == []
    assert search(index, "  ", "de").total == 0


def test_documents_known_only_by_url_need_a_url(index):
    urls = [e for e in index.entities.values()
            if e.names and all(n.startswith(("http://", "https://")) for n in e.names)]
    if not urls:
        pytest.skip("no document is known by its URL alone")
    url = next(iter(urls[0].names))
    assert urls[0].id in [h.id for g in search(index, url, "de").groups for h in g.hits]


def test_both_indexes_answer_alike(stored, memory):
    for text in ("philipi", "Mueller", "Integr", "NRW", "20. IntMK", "Göttingen", "Bildung"):
        a, b = search(stored, text, "de"), search(memory, text, "de")
        assert [(g.kind, g.total, [(h.id, h.score) for h in g.hits]) for g in a.groups] == \
               [(g.kind, g.total, [(h.id, h.score) for h in g.hits]) for g in b.groups], text


def test_every_group_has_a_heading_in_the_catalogue():
    from intmk_kg.readable import MESSAGES

    for lang in ("de", "en"):
        assert all(f"search.group.{kind}" in MESSAGES[lang] for kind in GROUPS)

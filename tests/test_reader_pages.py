"""What the reader pages state and what they leave unknown, through the Flask client: the vote table
of an item, the dissent matrix and the Länder list, a conference's status and neighbours, the sources
of its summary, an item's conference; the language and the Vary of error pages; the ETag of /states/."""

from __future__ import annotations

import re
from html import unescape

import pytest

from intmk_kg import namespaces as ns

ONT = ns.ONT


def page(client, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def ask(store, text: str) -> bool:
    return bool(store.query(ns.sparql_prologue(["rdf", "rdfs", "intmk"]) + text))


def votes_table(html: str) -> dict[str, list[str]]:
    body = re.search(r'id="votes-table".*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return {m.group(1): [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.S)]
            for m in re.finditer(r'<tr data-land="([^"]+)">(.*?)</tr>', body, re.S)}


def test_notes_and_motions_unknown_where_the_item_names_no_land(client, store):
    item = "<https://w3id.org/intmk/id/resolution/4-imams>"
    assert not ask(store, f"ASK {{ {item} intmk:protocolNoteBy|intmk:proposedBy ?l }}")
    rows = votes_table(page(client, "/doc/resolution/4-imams?lang=en"))
    assert len(rows) == 16
    assert all(cells[2] == "unknown" and cells[3] == "unknown" for cells in rows.values()), rows


def test_notes_named_for_some_lands_leave_the_others_not_named(client, store):
    found = store.query(ns.sparql_prologue(["intmk"]) + """SELECT ?i ?l WHERE { ?i a intmk:ConferenceItem ;
        intmk:protocolNoteBy ?l . FILTER (STRSTARTS(STR(?i), "https://w3id.org/intmk/id/resolution/")) } LIMIT 1""")
    row = next(iter(found))
    key = row["i"].value.rsplit("/", 1)[-1]
    html = page(client, f"/doc/resolution/{key}?lang=en")
    notes = [cells[2] for cells in votes_table(html).values()]
    assert "yes" in notes and "unknown" not in notes and "no" not in notes and "not named" in notes
    assert "“not named” means" in unescape(html)


def test_matrix_says_none_named_only_where_the_conference_has_a_land_by_land_record():
    from intmk_kg.pictures import dissent_matrix

    rows = [{"landCode": "DE-BY", "landEn": "Bavaria"}, {"conference": "c/1", "ordinal": "1", "recorded": "true"},
            {"conference": "c/2", "ordinal": "2", "recorded": "false"},
            {"landCode": "DE-BY", "conference": "c/1", "ordinal": "1", "how": "no", "items": "1"},
            {"landCode": "DE-HE", "landEn": "Hesse"}]
    svg = dissent_matrix(rows, "en").svg
    assert "Hesse, 1st IntMK: none named" in svg and "Hesse, 2nd IntMK: unknown" in svg
    assert "Bavaria, 2nd IntMK: unknown" in svg and ": none<" not in svg


def test_matrix_query_marks_the_conferences_with_votes_by_land(store):
    from intmk_kg.pictures.data import query_text, store_rows

    rows = store_rows(store)(query_text("picture-dissent-matrix"))
    recorded = {r["conference"].rsplit("/", 1)[-1]: r["recorded"] for r in rows if "recorded" in r}
    assert recorded["12"] == "true" and "false" in recorded.values()


def test_states_list_says_its_dissents_are_those_named(client):
    assert "Named votes against and abstentions" in page(client, "/states/?lang=en")
    assert "Namentlich genannte Gegenstimmen und Enthaltungen" in page(client, "/states/?lang=de")


def dd(html: str, id_: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", re.search(rf'id="{id_}"[^>]*>(.*?)</(?:dd|span|a)>', html, re.S).group(1))).strip()


SMALL = """@prefix intmk: <https://w3id.org/intmk/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix id: <https://w3id.org/intmk/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/intmk/graph/small> {
  id:state\\/DE-NI a intmk:State ; intmk:isoCode "DE-NI" ; rdfs:label "Niedersachsen"@de, "Lower Saxony"@en .
  id:conference\\/1 a intmk:Conference ; intmk:ordinal 1 ; intmk:startDate "2007-04-27"^^xsd:date ;
     intmk:heldInState id:state\\/DE-NI .
  id:resolution\\/counted a intmk:Resolution, intmk:ConferenceItem ; intmk:consideredAt id:conference\\/1 ;
     intmk:approvalCount 14 ; intmk:abstentionCount 1 ; intmk:oppositionCount 1 .
  id:conference\\/3 a intmk:Conference ; intmk:ordinal 3 ; intmk:startDate "2999-04-27"^^xsd:date ;
     intmk:heldInState id:state\\/DE-NI .
}
"""


@pytest.fixture()
def small_client(tmp_path):
    from pathlib import Path

    from intmk_kg.web import create_app

    trig = tmp_path / "small.trig"
    trig.write_text(SMALL, encoding="utf-8")
    home = Path(__file__).resolve().parents[1]
    return create_app({"TESTING": True, "DATA_PATHS": [str(trig)], "HOME": str(home)}).test_client()


def test_held_only_with_a_start_date_not_in_the_future():
    import datetime as dt

    from intmk_kg.pictures.timeline import held

    today = dt.date(2026, 1, 1)
    assert held("2025-04-23", today) and held("2026-01-01", today)
    assert not held("2026-01-02", today) and not held(None, today) and not held("2025", today) and not held("x", today)


def test_a_conference_with_only_a_year_is_not_said_to_be_held(client, store):
    assert not ask(store, "ASK { <https://w3id.org/intmk/id/conference/21> intmk:startDate ?d }")
    assert dd(page(client, "/doc/conference/21?lang=en"), "conf-status") == "unknown"
    assert dd(page(client, "/doc/conference/20?lang=en"), "conf-status") == "held"
    assert "First conference" in page(client, "/doc/conference/1?lang=en")


def test_future_conference_and_missing_previous(small_client):
    html = page(small_client, "/doc/conference/3?lang=en")
    assert dd(html, "conf-status") == "unknown"
    assert "Previous conference not in the data" in html and "First conference" not in html
    html = page(small_client, "/doc/conference/1?lang=de")
    assert dd(html, "conf-status") == "fand statt" and "Erste Konferenz" in html


def cited_graphs(html: str, id_: str) -> set[str]:
    """The graph links of the footnotes cited in one line of the summary."""
    line = re.search(rf'id="{id_}"[^>]*>(.*?)</dd>', html, re.S).group(1)
    out = set()
    for n in re.findall(r'href="#source-(\d+)"', line):
        source = re.search(rf'<li id="source-{n}"[^>]*>(.*?)</li>', html, re.S).group(1)
        out |= set(re.findall(r'href="[^"]*?(/graph/[^"?#]+)', source))
    return out


def graphs_stating(store, subject: str, *properties: str) -> set[str]:
    rows = store.query(ns.sparql_prologue(["intmk"]) + f"""SELECT DISTINCT ?g WHERE {{
        VALUES ?p {{ {' '.join('intmk:' + p for p in properties)} }} GRAPH ?g {{ <{subject}> ?p ?o }} }}""")
    return {"/" + r["g"].value.removeprefix(ns.BASE) for r in rows}


@pytest.mark.parametrize("n", ["7", "10"])
def test_summary_lines_cite_the_sources_of_every_property_they_show(client, store, n):
    iri = f"{ns.ID}conference/{n}"
    html = page(client, f"/doc/conference/{n}?lang=en")
    assert cited_graphs(html, "conf-dates") == graphs_stating(store, iri, "startDate", "endDate", "duration")
    places = graphs_stating(store, iri, "location", "venue", "heldInState", "placeDescription")
    assert cited_graphs(html, "conf-place") == places and len(places) >= len(graphs_stating(store, iri, "location"))


def test_an_item_s_conference_is_cited_from_the_graphs_that_assert_it(client, store):
    iri = f"{ns.ID}resolution/20-anwerbegeneration"
    html = page(client, "/doc/resolution/20-anwerbegeneration?lang=en")
    asserted = graphs_stating(store, iri, "adoptedAt")
    assert asserted and all(not g.startswith("/graph/inferred") for g in asserted)
    assert cited_graphs(html, "item-conference") == asserted
    assert cited_graphs(html, "item-adopted") == asserted
    assert "Adopted at" in html and "/doc/conference/20" in re.search(r'id="item-conference"(.*?)</dd>', html, re.S).group(1)


@pytest.mark.parametrize("lang, words", [("de", "Keine Ressource hat die IRI"), ("en", "No resource has the IRI")])
def test_not_found_in_the_page_s_language(client, lang, words):
    for path in ("/doc/person/nobody-at-all", "/id/person/nobody-at-all", "/doc/person/nobody-at-all.ttl"):
        reply = client.get(f"{path}?lang={lang}", headers={"Accept": "text/html"})
        assert reply.status_code == 404 and words in unescape(reply.get_data(as_text=True)), path
    reply = client.get(f"/graph/nothing-at-all?lang={lang}", headers={"Accept": "text/html"})
    graph_words = {"de": "Kein benannter Graph hat die IRI", "en": "No named graph has the IRI"}[lang]
    assert reply.status_code == 404 and graph_words in unescape(reply.get_data(as_text=True))
    reply = client.get("/doc/person/nobody-at-all", headers={"Accept": "text/html", "Accept-Language": lang})
    assert words in unescape(reply.get_data(as_text=True))


@pytest.mark.parametrize("bad", ["fr", "EN", "de-DE"])
def test_a_bad_lang_is_400_and_what_the_browser_chose_varies(client, bad):
    for path in ("/graph/", "/sparql", "/conferences/"):
        reply = client.get(f"{path}?lang={bad}", headers={"Accept": "text/html", "Accept-Language": "en"})
        assert reply.status_code == 400, path
        assert "Accept-Language" in reply.headers.get("Vary", ""), path
        assert reply.headers.get("Content-Language") in (None, "en"), path
    reply = client.get(f"/no-such-page/?lang={bad}", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert reply.status_code == 404 and "Accept-Language" in reply.headers.get("Vary", "")
    reply = client.get("/conferences/?lang=en", headers={"Accept": "text/html"})
    assert "Accept-Language" not in reply.headers.get("Vary", "")


def test_a_statement_links_its_mark_only_where_the_document_marks_it(client, release):
    from intmk_kg.web.pages import texts

    document = f"{ns.ID}document/ms-ni-2025-068"
    html = page(client, "/doc/document/ms-ni-2025-068?lang=en")
    marks = set(re.findall(r'id="(s-ms-ni-2025-068-\d+)"', html))
    assert texts.of_document(release, document) and "s-ms-ni-2025-068-01" in marks and "s-ms-ni-2025-068-04" not in marks
    for key in ("01", "04"):
        html = page(client, f"/doc/statement/ms-ni-2025-068-{key}?lang=en")
        link = re.search(r'href="[^"]*/doc/document/ms-ni-2025-068(?:\?lang=en)?(#[^"]*)?"[^>]*>in the document(?:&#39;|’|&rsquo;|\u2019)s text', html).group(1)
        assert link == ("#s-ms-ni-2025-068-01" if key == "01" else "#source-text")
        assert link.lstrip("#") in marks | {"source-text"}


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_the_states_list_s_etag_changes_with_its_query_file(client, monkeypatch, fmt):
    from intmk_kg.web.pages import lists

    def etag() -> str:
        reply = client.get(f"/states/?format={fmt}&lang=en")
        assert reply.status_code == 200
        return reply.headers["ETag"]

    before = etag()
    real = lists.query_text
    monkeypatch.setattr(lists, "query_text", lambda name, home=None: real(name, home) + "\n# changed\n")
    assert etag() != before


def test_counts_in_words_are_singular_for_one():
    from intmk_kg.pictures import MEASURES, tile_map
    from intmk_kg.readable import MESSAGES, plural

    for lang in ("de", "en"):
        ones = {k.removesuffix(".one") for k in MESSAGES[lang] if k.endswith(".one")}
        assert ones and all(f"{k}.other" in MESSAGES[lang] for k in ones)
    assert plural("count.chairs", 1, "en") == "1 chair held" and plural("count.chairs", 2, "en") == "2 chairs held"
    assert plural("count.chairs", 1, "de") == "1 Vorsitz" and plural("count.hosted", 0, "de") == "0 ausgerichtete Konferenzen"
    rows = [{"landCode": "DE-BY", "landEn": "Bavaria", "landDe": "Bayern", **{m: "1" for m in MEASURES}},
            {"landCode": "DE-HE", "landEn": "Hesse", "landDe": "Hessen", **{m: "3" for m in MEASURES}}]
    svg = tile_map(rows, "chairs", "en").svg
    assert "Bavaria: 1 chair held" in svg and "Hesse: 3 chairs held" in svg and "1 chairs" not in svg
    assert "Bayern: 1 Vorsitz<" in tile_map(rows, "chairs", "de").svg
    assert "Bavaria: 1 conference hosted" in tile_map(rows, "hosted", "en").svg
    assert "Bayern: 1 namentlich genannte Gegenstimme oder Enthaltung" in tile_map(rows, "dissents", "de").svg


def test_counted_votes_in_singular_and_plural(small_client):
    html = page(small_client, "/doc/resolution/counted?lang=en")
    assert dd(html, "item-counts") == "14 for, 1 against, 1 abstention"
    html = page(small_client, "/doc/resolution/counted?lang=de")
    assert dd(html, "item-counts") == "14 dafür, 1 dagegen, 1 Enthaltung"


@pytest.mark.parametrize("how", [{"path": "/graph/ms-ni-2025-068.jsonld"}, {"path": "/graph/ms-ni-2025-068?format=json"},
                                 {"path": "/graph/ms-ni-2025-068", "accept": "application/json"},
                                 {"path": "/graph/ms-ni-2025-068", "accept": "application/ld+json"}])
def test_a_named_graph_as_json_ld(client, store, how):
    import json

    import pyoxigraph as ox
    import rdflib

    reply = client.get(how["path"], headers={"Accept": how.get("accept", "*/*")})
    assert reply.status_code == 200 and reply.mimetype == "application/ld+json"
    document = json.loads(reply.data)
    graph = f"{ns.BASE}graph/ms-ni-2025-068"
    assert document["@id"] == graph and document["@graph"]
    dataset = rdflib.Dataset()
    dataset.parse(data=reply.data, format="json-ld")
    named = dataset.graph(rdflib.URIRef(graph))
    expected = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
    assert len(named) == expected > 0
    assert 'type="application/ld+json"' in reply.headers["Link"]

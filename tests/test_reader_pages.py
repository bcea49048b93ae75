"""What the reader pages state and what they leave unknown, through the Flask client: the vote table
of an item, the dissent matrix and the Länder list, a conference's status and neighbours, the sources
of its summary, an item's conference; the language and the Vary of error pages; the ETag of /states/."""

from __future__ import annotations

import re
from html import unescape

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

"""The view models of the entity pages, through the Flask client: the property table's order,
names of incoming links, formatted values, footnotes, confidence, one language per page; and the
marking of statements in a verbatim text.

Expected values come from data/ms-ni-2025-068.trig (the 20th IntMK: 23–24 April 2025, two days,
chaired by Niedersachsen and Andreas Philippi), ontology/intmk.ttl (the inverse labels) and
data/reference/ (confidence of the attendance rows, the 13th IntMK's two mottos).
"""

from __future__ import annotations

import re
from html import unescape

import pyoxigraph as ox
import pytest

from intmk_kg import namespaces as ns
from intmk_kg.readable import MESSAGES
from intmk_kg.web.pages import facts, texts
from intmk_kg.web.pages.labels import Labels

ONT = ns.ONT
RDF_TYPE = ns.PREFIXES["rdf"] + "type"
RDFS_LABEL = ns.PREFIXES["rdfs"] + "label"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def table_rows(html: str, table_id: str) -> list[tuple[str, str, str]]:
    """(property IRI, the name shown, the text of its values) of each row of a facts table."""
    table = re.search(rf'<table class="facts" id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<tr data-property="([^"]+)"><th scope="row">(.*?)</th>\s*<td>(.*?)</td></tr>', table, re.S)
    return [(p, unescape(re.sub(r"<[^>]+>", "", name)).strip(), unescape(re.sub(r"<[^>]+>", " ", values)))
            for p, name, values in rows]


def test_property_order_is_data_type_and_label_first_then_what_defines_the_kind():
    ranked = facts.property_rank({ONT + "Conference"})
    assert ranked[RDF_TYPE] == 0 and ranked[RDFS_LABEL] == 1
    assert ranked[ONT + "ordinal"] < ranked[ONT + "startDate"] < ranked[ONT + "location"] < ranked[ONT + "chairmanship"]
    # a lead motion is a ConferenceItem through the inferred graph, so it gets the item's order
    item = facts.property_rank({ONT + "LeadMotion", ONT + "ConferenceItem"})
    assert item[ONT + "consideredAt"] < item[ONT + "votingOutcome"] < item[ONT + "proposedBy"] < item[ONT + "topic"]


def test_conference_table_rows_in_that_order(client):
    rows = [p for p, _, _ in table_rows(page(client, "/doc/conference/20?lang=en"), "facts-out")]
    assert rows[:2] == [RDF_TYPE, RDFS_LABEL]
    shown = [p.removeprefix(ONT) for p in rows if p.startswith(ONT)]
    order = facts.PROPERTY_ORDER[ONT + "Conference"]
    ranked = [p for p in shown if p in order]
    assert ranked == sorted(ranked, key=order.index)
    assert shown[: len(ranked)] == ranked  # the kind's properties before the project's others
    # properties of other vocabularies that only the inferred graph states are folded away apart
    html = page(client, "/doc/conference/20?lang=en")
    aligned = [p for p, _, _ in table_rows(html, "facts-aligned")]
    assert "https://schema.org/startDate" in aligned and "https://schema.org/startDate" not in rows


def test_values_are_formatted_for_the_page_language_with_the_datatype_in_a_title(client):
    english = dict((p, v) for p, _, v in table_rows(page(client, "/doc/conference/20?lang=en"), "facts-out"))
    german = dict((p, v) for p, _, v in table_rows(page(client, "/doc/conference/20?lang=de"), "facts-out"))
    assert "2 days" in english[ONT + "duration"] and "2 Tage" in german[ONT + "duration"]
    assert "23 April 2025" in english[ONT + "startDate"] and "23. April 2025" in german[ONT + "startDate"]
    html = page(client, "/doc/conference/20?lang=en")
    assert 'title="xsd:duration: P2D">2 days</span>' in html
    assert 'title="xsd:date: 2025-04-23">23 April 2025</span>' in html
    assert 'class="tag"' not in html and ">xsd:date<" not in html  # no type badges


def test_literal_text_keeps_what_it_cannot_read():
    xsd = ns.PREFIXES["xsd"]
    assert facts.literal_text(ox.Literal("P1Y2M", datatype=ox.NamedNode(xsd + "duration")), "de") == "1 Jahr und 2 Monate"
    assert facts.literal_text(ox.Literal("1234", datatype=ox.NamedNode(xsd + "integer")), "de") == "1.234"
    assert facts.literal_text(ox.Literal("2008-05", datatype=ox.NamedNode(xsd + "gYearMonth")), "en") == "May 2008"
    assert facts.literal_text(ox.Literal("soon", datatype=ox.NamedNode(xsd + "date")), "en") == "soon"


def test_incoming_links_are_named_from_the_page_s_side(client):
    rows = {p: (name, values) for p, name, values in table_rows(page(client, "/doc/person/andreas-philippi?lang=en"), "facts-in")}
    # intmk:chairPerson ("chairperson") read from the person: intmk:inverseLabel "chaired"
    assert rows[ONT + "chairPerson"][0] == "chaired"
    assert "Chair of the 20th IntMK" in rows[ONT + "chairPerson"][1]
    german = {p: name for p, name, _ in table_rows(page(client, "/doc/person/andreas-philippi?lang=de"), "facts-in")}
    assert german[ONT + "chairPerson"] == "führte den Vorsitz"
    assert german[ONT + "speaker"] == "äußerte"


def test_inverse_labels_come_from_the_ontology(store):
    class Direct:
        def select(self, query):
            return list(store.query(query))

    labels = Labels.fetch(Direct(), [ONT + "chairPerson", ONT + "holder", ONT + "adoptedAt"])
    assert labels.inverse(ONT + "chairPerson", "en") == "chaired"
    assert labels.get(ONT + "chairPerson", "en") == "chairperson"  # the label itself is untouched
    assert labels.inverse(ONT + "adoptedAt", "de")  # every object property has one (tests/test_ontology_labels.py)


def test_footnotes_name_document_publisher_date_kind_and_link(client):
    html = page(client, "/doc/conference/20?lang=en")
    sources = re.search(r'<ol class="sources">(.*?)</ol>', html, re.S).group(1)
    seed = next(li for li in re.findall(r"<li id=\"source-\d+\".*?</li>", sources, re.S) if "graph/ms-ni-2025-068\"" in li)
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", seed)))
    assert "Press release no. 68/2025" in text and "24 April 2025" in text
    assert 'href="https://polit-x.de/de/documents/20773533">online</a>' in seed  # a link, not a bare URL
    assert "Sources by kind:" in html


def test_medium_confidence_is_visible_where_a_fact_rests_on_medium_records_only(client):
    # the 13th IntMK's motto: "Integration – Zusammenhalt durch Orientierung" (high) and
    # "Zusammenhalt durch Orientierung" (medium), both kept (docs/data-model.md)
    html = page(client, "/doc/conference/13?lang=en")
    motto = re.search(r'<dd id="conf-motto">(.*?)</dd>', html, re.S).group(1)
    high, medium = motto.split(" / ")
    assert "Integration – Zusammenhalt" in high and "medium confidence" not in high
    assert "medium confidence" in medium
    assert re.search(r'confidence-medium">medium confidence</span>', html)


def test_fact_confidence_is_the_best_of_its_graphs():
    conf = {"a": ONT + "MediumConfidence", "b": ONT + "HighConfidence", "c": None}
    assert facts.fact_confidence(["a"], conf) == "medium"
    assert facts.fact_confidence(["a", "b"], conf) is None
    assert facts.fact_confidence(["a", "c"], conf) is None  # a document's own graph states it
    assert facts.fact_confidence(["a", "l"], {**conf, "l": ONT + "LowConfidence"}) == "medium"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_one_language_per_page(client, lang):
    other = "en" if lang == "de" else "de"
    ours = set(MESSAGES[lang].values())
    theirs = {v for k, v in MESSAGES[other].items() if k.startswith("entity.") and v not in ours}
    for path in ["/doc/conference/20", "/doc/resolution/12-immigration-law", "/doc/person/andreas-philippi",
                 "/doc/state/DE-BY", "/doc/document/ms-ni-2025-068", "/doc/office/andreas-philippi-2023-01-25"]:
        html = page(client, f"{path}?lang={lang}")
        assert f'<html lang="{lang}">' in html
        headings = [unescape(h).strip() for h in re.findall(r"<h2>(.*?)</h2>", html, re.S)]
        assert headings and all(h in ours for h in headings), (path, set(headings) - ours)
        dts = [unescape(d).strip() for d in re.findall(r"<dt>(.*?)</dt>", html)]
        assert all(d in ours for d in dts), (path, set(dts) - ours)
        assert not [s for s in theirs if f">{s}<" in html], path


def test_unknown_votes_and_movers_are_said_to_be_unknown(client):
    html = page(client, "/doc/resolution/20-goettinger-erklaerung?lang=en")
    assert re.search(r'<dd id="item-outcome"><span class="badge outcome unknown">unknown</span>', html)
    assert html.count('data-mark="unknown"') == 16 - html.count('data-mark="for"') - html.count('data-mark="against"') \
        - html.count('data-mark="abstained"')


def test_mark_finds_statements_verbatim_only_and_never_overlaps():
    text = "Er sagte: „Wir brauchen Geld.“ Dann: „Länder und Kommunen brauchen Planungssicherheit!“"
    marked = texts.mark(text, [("s1", "Wir brauchen Geld."), ("s2", "Länder und Kommunen brauchen Planungssicherheit!"),
                               ("s3", "Wir brauchen mehr Geld."), ("s4", "brauchen Geld")])
    assert marked.marked == ["s1", "s2"]
    assert marked.missing == ["s3", "s4"]  # not in the text; overlapping a statement marked already
    assert "".join(s.text for s in marked.segments) == text  # the text itself is unchanged
    assert [s.text for s in marked.segments if s.statement] == ["Wir brauchen Geld.",
                                                                "Länder und Kommunen brauchen Planungssicherheit!"]


def test_document_page_reads_its_text_from_the_release(client, release):
    html = page(client, "/doc/document/ms-ni-2025-068?lang=en")
    shipped = release.file("texts/ms-ni-2025-068-intmk20.txt").read_text(encoding="utf-8")
    verbatim = unescape(re.sub(r"<[^>]+>", "", re.search(r'<div class="verbatim" lang="de">(.*?)</div>', html, re.S).group(1)))
    assert verbatim == shipped.lstrip()
    assert re.search(r"\d+ of 13 statements taken from this document are marked in the text", html)
    # a page without a text of its own says nothing of one
    assert 'class="verbatim"' not in page(client, "/doc/conference/20?lang=en")


def test_a_page_resting_on_medium_records_only_says_so_once(client):
    # resolutions.csv row 12-immigration-law is medium as a whole (and its derived votes, by the rule of votes.py)
    html = page(client, "/doc/resolution/12-immigration-law?lang=en")
    assert "Every fact on this page rests on records of medium confidence" in html
    table = re.search(r'<table class="facts" id="facts-out">(.*?)</table>', html, re.S).group(1)
    assert "medium confidence" not in table  # not repeated beside every value
    # a page with facts of both kinds marks the medium ones where they stand
    html = page(client, "/doc/person/andreas-philippi?lang=en")
    assert 'id="page-confidence"' not in html
    attended = re.search(r'<tr data-property="https://w3id.org/intmk/ontology#attendee">.*?</tr>', html, re.S).group(0)
    assert "medium confidence" in attended


def test_a_statement_links_to_its_place_in_the_document_text(client):
    html = page(client, "/doc/statement/ms-ni-2025-068-03?lang=en")
    quoted = unescape(re.search(r'<blockquote id="statement-text" lang="de"><p>(.*?)</p>', html, re.S).group(1))
    assert quoted.startswith("Bereits heute ist der Anteil von Beschäftigten")
    assert 'href="/doc/document/ms-ni-2025-068?lang=en#s-ms-ni-2025-068-03"' in html
    document = page(client, "/doc/document/ms-ni-2025-068?lang=en")
    mark = re.search(r'<mark id="s-ms-ni-2025-068-03" data-statement="[^"]+"><a href="[^"]+">(.*?)</a></mark>', document, re.S)
    assert unescape(mark.group(1)) == quoted


def test_incoming_links_of_common_vocabularies_are_named_from_the_page_s_side_too(client):
    rows = {p: name for p, name, _ in table_rows(page(client, "/doc/document/ms-ni-2025-068?lang=en"), "facts-in")}
    assert rows["http://www.w3.org/ns/prov#wasDerivedFrom"] == "source of"  # graphs derived from the document
    german = {p: name for p, name, _ in table_rows(page(client, "/doc/document/ms-ni-2025-068?lang=de"), "facts-in")}
    assert german["http://www.w3.org/ns/prov#wasDerivedFrom"] == "Quelle von"

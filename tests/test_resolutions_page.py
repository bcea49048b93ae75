"""/resolutions/: the record of the conferences as HTML, CSV and JSON; an item's own page.

Expected rows are read by hand from data/reference/resolutions.csv (conference 12: seven rows).
"""

from __future__ import annotations

import csv
import io
import re

ID = "https://w3id.org/intmk/id/resolution/"
ALL = ["DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
       "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH"]


def test_csv_of_the_12th(client):
    reply = client.get("/resolutions/?conference=12&format=csv&lang=en")
    assert reply.status_code == 200 and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True))))
    assert [r["iri"].removeprefix(ID) for r in rows] == [
        "12-citizenship-law", "12-family-reunification", "12-immigration-law", "12-integration-courses",
        "12-top-2-1", "12-turkey", "12-vocational-training"]
    by = {r["iri"].removeprefix(ID): r for r in rows}
    assert by["12-family-reunification"]["result"] == "unknown"  # blank in the table
    assert by["12-turkey"]["result"] == "unanimous" and by["12-turkey"]["kind"] == "Declaration"
    law = by["12-immigration-law"]  # 13 for, DE-BY against, DE-HE and DE-SL abstaining, moved by DE-RP
    assert (law["result"], law["proposed_by"], law["opposed_by"], law["abstained_by"], law["approval_count"]) == (
        "not unanimous", "DE-RP", "DE-BY", "DE-HE ; DE-SL", "13")
    assert law["approved_by"] == ""  # no source names them ...
    assert law["approved_by_derived"] == " ; ".join(s for s in ALL if s not in {"DE-BY", "DE-HE", "DE-SL"})  # ... 13+1+2
    assert by["12-top-2-1"]["agenda_item"] == "2.1" and by["12-top-2-1"]["kind"] == "LeadMotion"


def test_json_lists_every_item(client):
    data = client.get("/resolutions/?format=json&lang=de").get_json()
    # 133 rows, 5 low left out, 3 of them describe resolutions named already, plus the Anwerbegeneration resolution
    assert len(data["items"]) == 129
    goettingen = next(i for i in data["items"] if i["iri"] == ID + "20-goettinger-erklaerung")
    assert goettingen["result"] == "unbekannt" and goettingen["protocol_note_by"] == ["DE-BY", "DE-TH"]
    assert goettingen["title"] == "Göttinger Erklärung"
    assert {i["conference"] for i in data["items"]} == set(range(1, 21))  # conferences 1 to 20 each have a row


def test_html_page_and_errors(client):
    page = client.get("/resolutions/?conference=19&lang=en")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    # the item's page in the language chosen here
    assert 'href="/doc/resolution/19-leitantrag?lang=en"' in text and "lead motion" in text
    assert client.get("/resolutions/?conference=x").status_code == 400
    assert client.get("/resolutions/?format=ttl").status_code == 400
    assert client.get("/resolutions/?conference=99&format=json").get_json()["items"] == []


def test_entity_page_says_unknown_for_a_report_without_result(client):
    # 16-top-a3: a report with a blank result
    page = client.get("/doc/resolution/16-top-a3?lang=en").get_data(as_text=True)
    assert re.search(r'voting outcome</a></th>\s*<td><ul class="values">\s*<li><span class="literal" lang="en">unknown<', page)
    assert "6. Bericht zum Integrationsmonitoring der Länder" in page

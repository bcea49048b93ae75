"""The linking exports: QuickStatements (v1) and the Mix'n'match catalogue, from the CLI and in the release.

The QuickStatements lines are parsed with the version 1 grammar (commands separated by tabs); expected
statements are written from data/reference/conferences.csv and places.csv by hand.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from intmk_kg.cli import main
from intmk_kg.linking.exports import MIXNMATCH, QUICKSTATEMENTS
from intmk_kg.linking.index import build_index, store_select
from intmk_kg.linking.mixnmatch import catalogue
from intmk_kg.linking.quickstatements import quickstatements

XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/intmk/id/"
RETRIEVED = "+2025-01-31T00:00:00Z/11"

ITEM = re.compile(r"Q[1-9][0-9]*")
STRING = re.compile(r'"[^"\t]*"')
MONOLINGUAL = re.compile(r'[a-z]{2,3}:"[^"\t]*"')
TIME = re.compile(r"\+\d{4}-\d\d-\d\dT00:00:00Z/(9|10|11)")


def parse(text: str) -> list[dict]:
    """Commands of a QuickStatements v1 batch; fails on any line that is neither a command nor a comment."""
    commands = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        where = f"line {number}: {line!r}"
        if cols == ["CREATE"]:
            commands.append({"kind": "create"})
        elif len(cols) == 3 and re.fullmatch(r"[LDA](de|en)", cols[1]):
            assert cols[0] == "LAST" and STRING.fullmatch(cols[2]), where
            commands.append({"kind": cols[1][0], "lang": cols[1][1:], "value": cols[2][1:-1]})
        else:
            assert len(cols) >= 3 and len(cols) % 2 == 1, where
            item, prop, value, rest = cols[0], cols[1], cols[2], cols[3:]
            assert item == "LAST" and re.fullmatch(r"P[1-9][0-9]*", prop), where
            assert any(p.fullmatch(value) for p in (ITEM, STRING, MONOLINGUAL, TIME)), where
            refs = dict(zip(rest[0::2], rest[1::2]))
            assert len(refs) * 2 == len(rest) and set(refs) in ({"S854", "S813"}, {"S854"}), where
            assert STRING.fullmatch(refs["S854"]) and TIME.fullmatch(refs.get("S813", "+0000-00-00T00:00:00Z/9")), where
            commands.append({"kind": "statement", "prop": prop, "value": value, "url": refs["S854"][1:-1],
                             "retrieved": refs.get("S813")})
    return commands


def items(commands: list[dict]) -> list[list[dict]]:
    """The commands grouped by the item each CREATE starts."""
    groups: list[list[dict]] = []
    for c in commands:
        if c["kind"] == "create":
            groups.append([])
        else:
            assert groups, "a command before the first CREATE would edit an unknown item"
            groups[-1].append(c)
    return groups


def labelled(groups: list[list[dict]], label: str) -> list[dict]:
    return next(g for g in groups if {"kind": "L", "lang": "de", "value": label} in g)


@pytest.fixture(scope="module")
def qs_text(store) -> str:
    return quickstatements(store_select(store), "2025-01-31")


@pytest.fixture(scope="module")
def qs(qs_text) -> list[list[dict]]:
    return items(parse(qs_text))


def source_urls(store) -> set[str]:
    rows = store.query(
        "PREFIX intmk: <https://w3id.org/intmk/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT DISTINCT ?url WHERE { GRAPH ?g { ?g prov:wasDerivedFrom ?doc . ?doc intmk:url ?url } }")
    return {r["url"].value for r in rows}


def test_every_line_parses_and_each_statement_cites_our_sources(qs_text, qs, store):
    commands = [c for g in qs for c in g]
    statements = [c for c in commands if c["kind"] == "statement"]
    assert len(qs) == 22  # the series and the 21 conferences of conferences.csv, none with a QID
    assert statements
    ours = source_urls(store)
    assert {s["url"] for s in statements} <= ours
    assert not any(s["url"].startswith("https://www.wikidata.org/") for s in statements)
    # S813: the document's own date where sources.csv gives one, else the date the editor passed
    retrieved = {s["url"]: s["retrieved"] for s in statements}
    assert retrieved["https://polit-x.de/de/documents/20773533"] == "+2025-04-24T00:00:00Z/11"  # polit-x-2025-04-24
    assert retrieved["https://www.bild.de/regional/ruhrgebiet/integrationsminister-beraten-ueber-dialog-11864266.bild.html"] \
        == "+2010-03-18T00:00:00Z/11"  # bild-2010-03-18
    assert retrieved["https://integrationsministerkonferenz.de"] == RETRIEVED  # no date in sources.csv


def test_items_are_only_verified_qids(qs, store):
    linked = {r["q"].value for r in store.query(
        "SELECT DISTINCT (STRAFTER(STR(?w), 'http://www.wikidata.org/entity/') AS ?q) "
        "WHERE { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs> ?w } }")}
    used = {c["value"] for g in qs for c in g if c["kind"] == "statement" and ITEM.fullmatch(c["value"])}
    # Göttingen (20), Berlin (14), Hamburg (17); Hannover (3rd and 4th, conference-facts.csv)
    assert used == {"Q3033", "Q64", "Q1055", "Q1715"}
    assert used <= linked


def test_the_20th_conference(qs):
    c20 = labelled(qs, "20. Integrationsministerkonferenz")
    assert {"kind": "L", "lang": "en", "value": "20th Conference of Integration Ministers"} in c20
    assert {"kind": "A", "lang": "de", "value": "20. IntMK"} in c20
    facts = {(c["prop"], c["value"]) for c in c20 if c["kind"] == "statement"}
    assert facts == {
        ("P1545", '"20"'),
        ("P276", "Q3033"),
        ("P580", "+2025-04-23T00:00:00Z/11"),
        ("P582", "+2025-04-24T00:00:00Z/11"),
    }
    urls = {c["url"] for c in c20 if c["kind"] == "statement" and c["prop"] == "P580"}
    assert "https://kobinet-nachrichten.org/2025/04/24/20-integrationsministerkonferenz-in-goettingen-zu-ende/" in urls
    assert len(urls) == 5  # the five sources of row 20


def test_year_only_and_end_only_conferences(qs):
    # the 2nd: conferences.csv gives no year, conference-facts.csv 2008 (high); no date, so a point in time
    c2 = labelled(qs, "2. Integrationsministerkonferenz")
    assert ("P585", "+2008-00-00T00:00:00Z/9") in {(c["prop"], c["value"]) for c in c2 if c["kind"] == "statement"}
    # the 7th: conference-facts.csv adds its dates (2012-03-21/22, high), so the year is no longer needed
    c7 = labelled(qs, "7. Integrationsministerkonferenz")
    facts7 = {(c["prop"], c["value"]) for c in c7 if c["kind"] == "statement"}
    assert {("P580", "+2012-03-21T00:00:00Z/11"), ("P582", "+2012-03-22T00:00:00Z/11")} <= facts7
    assert not any(p == "P585" for p, _ in facts7)
    c10 = labelled(qs, "10. Integrationsministerkonferenz")
    props = {(c["prop"], c["value"]) for c in c10 if c["kind"] == "statement"}
    # conferences.csv gives the 10th's end only; conference-facts.csv adds its start (high)
    assert {("P580", "+2015-03-25T00:00:00Z/11"), ("P582", "+2015-03-26T00:00:00Z/11")} <= props
    assert not any(p == "P585" for p, _ in props)
    # the 21st has neither date: the year as point in time
    c21 = labelled(qs, "21. Integrationsministerkonferenz")
    assert ("P585", "+2026-00-00T00:00:00Z/9") in {(c["prop"], c["value"]) for c in c21 if c["kind"] == "statement"}


def test_the_series_item_comes_first(qs):
    series = qs[0]
    assert {"kind": "L", "lang": "de", "value": "Integrationsministerkonferenz"} in series
    assert {"kind": "A", "lang": "de", "value": "IntMK"} in series
    facts = {(c["prop"], c["value"]) for c in series if c["kind"] == "statement"}
    assert ("P1813", 'de:"IntMK"') in facts
    assert ("P856", '"https://www.integrationsministerkonferenz.de/"') in facts


def test_what_cannot_be_stated_is_a_todo_comment(qs_text):
    lines = qs_text.splitlines()
    commands = [line for line in lines if line and not line.startswith("#")]
    assert not any("\tP31\t" in line or "\tP179\t" in line or "\tP488\t" in line for line in commands)
    assert sum(line.startswith("# TODO P31 ") for line in lines) == 22
    assert "# TODO P488 (chairperson): Andreas Philippi <https://w3id.org/intmk/id/person/andreas-philippi>" in qs_text
    assert "# TODO P179 (part of the series): Integrationsministerkonferenz" in qs_text
    assert "# TODO P155 (follows): 19. Integrationsministerkonferenz" in qs_text
    assert "# TODO P276 (location): Graf-Zeppelin-Haus" in qs_text  # a venue without a QID


def test_mixnmatch_catalogue(store):
    rows = list(csv.DictReader(io.StringIO(catalogue(build_index(store_select(store))))))
    assert list(rows[0]) == ["id", "name", "description", "url", "type"]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows)
    assert by_id["state/DE-NI"] == {"id": "state/DE-NI", "name": "Niedersachsen", "description": "Land",
                                    "url": ID + "state/DE-NI", "type": ""}
    assert by_id["conference/20"]["description"] == "Konferenz, 2025, Göttingen"
    assert by_id["person/verena-schaeffer"]["name"] == "Verena Schäffer"
    assert sum(r["id"].startswith("conference/") for r in rows) == 21
    assert sum(r["id"].startswith("state/") for r in rows) == 16
    assert not any(r["id"].split("/")[0] in ("statement", "document", "office", "demand", "chair") for r in rows)
    assert all(r["url"] == ID + r["id"] for r in rows)


def test_cli_exports(release_dir, tmp_path, qs_text):
    runner = CliRunner()
    result = runner.invoke(main, ["export", "quickstatements", "--dist", str(release_dir), "--retrieved", "2025-01-31"])
    assert result.exit_code == 0, result.output
    assert result.output == qs_text
    out = tmp_path / "mm.csv"
    result = runner.invoke(main, ["export", "mixnmatch", "--dist", str(release_dir), "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("id,name,description,url,type\n")
    bad = runner.invoke(main, ["export", "quickstatements", "--dist", str(release_dir), "--retrieved", "31.01.2025"])
    assert bad.exit_code == 2 and "not a date" in bad.output
    missing = runner.invoke(main, ["export", "mixnmatch", "--dist", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no release" in missing.output


def test_release_carries_the_exports(release):
    entries = {f["name"]: f for f in release.files}
    for name, media in ((QUICKSTATEMENTS, "text/tab-separated-values"), (MIXNMATCH, "text/csv")):
        assert entries[name]["kind"] == "export"
        assert entries[name]["media_type"] == media
        assert release.file(name).stat().st_size == entries[name]["size"]
        assert f"{entries[name]['sha256']}  {name}" in release.file("SHA256SUMS").read_text().splitlines()
    parse(release.file(QUICKSTATEMENTS).read_text(encoding="utf-8"))


def test_exports_download_from_dumps(app, client):
    if "dumps" not in app.blueprints:
        pytest.skip("downloads (the dumps blueprint) are not part of this checkout")
    response = client.get(f"/dumps/{MIXNMATCH}")
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("id,name,description,url,type")
    assert client.get(f"/dumps/{QUICKSTATEMENTS}").status_code == 200


def format_regex() -> re.Pattern:
    doc = (ROOT / "docs" / "wikidata.md").read_text(encoding="utf-8")
    return re.compile(re.search(r"```regex\n(.+?)\n```", doc, re.S).group(1))


def test_format_regex_in_the_docs_fits_every_identifier(store):
    regex = format_regex()
    ids = list(build_index(store_select(store)).entities)
    assert len(ids) > 200
    assert [i for i in ids if not regex.fullmatch(i)] == []
    for wrong in ("state/DE-ni", "state/NI", "conference/020", "person/Andreas-Philippi", "place/göttingen",
                  "person/andreas--philippi", "planet/mars", "https://w3id.org/intmk/id/state/DE-NI"):
        assert not regex.fullmatch(wrong), wrong


def test_references_never_carry_the_day_the_batch_was_written(store):
    # without a retrieved date, an undated document's reference has no S813 at all
    statements = [c for g in items(parse(quickstatements(store_select(store)))) for c in g if c["kind"] == "statement"]
    by_url = {s["url"]: s["retrieved"] for s in statements}
    assert by_url["https://integrationsministerkonferenz.de"] is None
    assert by_url["https://polit-x.de/de/documents/20773533"] == "+2025-04-24T00:00:00Z/11"


def test_a_document_dated_with_a_time_of_day_gives_its_day(store):
    # intmk:issued as xsd:dateTime (a time of day and a timezone): the reference's S813 is the day as
    # written, "+YYYY-MM-DDT00:00:00Z/11", never the time of day, which QuickStatements refuses
    copy = ox.Store()
    copy.extend(store)
    issued = ox.NamedNode("https://w3id.org/intmk/ontology#issued")
    day = ox.Literal("2025-04-24", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    old = list(copy.quads_for_pattern(None, issued, day, None))  # the press release and its mirrors
    assert old
    for q in old:
        copy.remove(q)
        copy.add(ox.Quad(q.subject, issued, ox.Literal("2025-04-24T23:30:00-05:00", datatype=XSD_DATETIME), q.graph_name))
    statements = [c for g in items(parse(quickstatements(store_select(copy)))) for c in g if c["kind"] == "statement"]
    by_url = {s["url"]: s["retrieved"] for s in statements}
    assert by_url["https://polit-x.de/de/documents/20773533"] == "+2025-04-24T00:00:00Z/11"


@pytest.mark.parametrize("value, datatype, expected", [
    ("2025-04-24T10:00:00Z", "dateTime", "+2025-04-24T00:00:00Z/11"),
    ("2025-04-24T10:00:00.5+02:00", "dateTime", "+2025-04-24T00:00:00Z/11"),
    ("2025-04-24", "date", "+2025-04-24T00:00:00Z/11"),
    ("2025-04-24Z", "date", "+2025-04-24T00:00:00Z/11"),
    ("2025-04", "gYearMonth", "+2025-04-00T00:00:00Z/10"),
    ("2025", "gYear", "+2025-00-00T00:00:00Z/9"),
])
def test_source_times_of_every_date_type(value, datatype, expected):
    from intmk_kg.linking.quickstatements import _source_time

    literal = ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#" + datatype))
    assert _source_time(literal) == expected

"""The home page: what the dataset is, counts, licence, citation, queries, links, entry points."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_home_page_links_everywhere(client, release):
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for href in ["/sparql", "/dumps/", "/.well-known/void", "/ontology", "/shapes", "/queries/"]:
        assert f'href="{href}"' in page, href
    assert "Integrationsministerkonferenz" in page
    assert "CC0 1.0" in page
    assert release.version in page  # in the citation
    assert 'href="/doc/conference/20"' in page and 'href="/doc/organisation/intmk"' in page


def test_home_page_lists_the_sixteen_laender(client):
    data = json.loads(client.get("/?format=json&lang=de").data)
    names = [s["label"] for s in data["states"]]
    assert len(names) == 16
    assert {"Niedersachsen", "Nordrhein-Westfalen", "Bremen", "Thüringen"} <= set(names)
    english = json.loads(client.get("/?format=json&lang=en").data)
    assert "Lower Saxony" in [s["label"] for s in english["states"]]


def test_home_json(client, release):
    data = json.loads(client.get("/", headers={"Accept": "application/json"}).data)
    assert data["version"] == release.version
    assert data["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert data["statistics"] == release.manifest["statistics"]
    assert release.version in data["citation"]
    assert [q["name"] for q in data["queries"]] == sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
    assert {e["label"] for e in data["entities"]} >= {"20. Integrationsministerkonferenz", "Integrationsministerkonferenz"}


def test_home_counts_are_shown(client, release):
    page = client.get("/?lang=en").get_data(as_text=True)
    stats = release.manifest["statistics"]
    assert f"<strong>{stats['triples']:,}</strong> triples" in page
    assert f"<strong>{stats['wikidata_links']:,}</strong> links to Wikidata" in page


def test_every_linked_data_route_is_documented(app):
    doc = (ROOT / "docs" / "http-api.md").read_text(encoding="utf-8")
    ours = {"home", "resources", "meta", "dumps", "canned", "resolutions", "browse", "search"}
    rules = [r.rule for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in ours]
    assert len(rules) >= 15
    missing = [rule for rule in rules if f"`GET {rule.split('<')[0].rstrip('.')}" not in doc]
    assert not missing, f"undocumented in docs/http-api.md: {missing}"

"""Lookup by Wikidata QID, the JSON mapping of our links, the VoID linkset and the entity pages' links.

Expected links are those of data/reference/states.csv and places.csv (the only tables with QIDs):
16 Länder and 9 places, 25 links in all, with Q64 (Berlin) and Q1055 (Hamburg) each naming a city
and a Land.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

ID = "https://w3id.org/intmk/id/"
VOID = "http://rdfs.org/ns/void#"


@pytest.mark.parametrize("qid, entity", [
    ("Q1197", "state/DE-NI"),
    ("Q1209", "state/DE-HB"),
    ("Q3033", "place/goettingen"),
    ("Q183", "place/germany"),
])
def test_qid_redirects_to_our_entity(client, qid, entity):
    response = client.get(f"/wikidata/{qid}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/id/{entity}"


def test_qid_of_a_city_and_land_offers_both(client):
    response = client.get("/wikidata/Q64")
    assert response.status_code == 300
    choices = {c["id"] for c in response.get_json()["choices"]}
    assert choices == {ID + "place/berlin", ID + "state/DE-BE"}
    assert '</id/state/DE-BE>; rel="alternate"' in response.headers["Link"]


def test_unknown_qid_is_404_with_a_message(client):
    response = client.get("/wikidata/Q24879")  # the city of Bremen: the reference README warns against it
    assert response.status_code == 404
    message = response.get_json()["error"]
    assert "Q24879" in message and "/wikidata/" in message


@pytest.mark.parametrize("bad", ["q1197", "Q0", "P31", "Q1197x", "Q", "Q1197/extra", "%3Cscript%3E"])
def test_malformed_qid_is_400(client, bad):
    response = client.get(f"/wikidata/{bad}")
    assert response.status_code == 400
    assert "Q1197" in response.get_json()["error"]  # it says what an item id looks like


def test_mapping_lists_every_link(client):
    response = client.get("/wikidata/")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    assert data["count"] == 25
    links = data["links"]
    assert links["Q1197"] == [ID + "state/DE-NI"]
    assert links["Q1209"] == [ID + "state/DE-HB"]
    assert sorted(links["Q1055"]) == [ID + "place/hamburg", ID + "state/DE-HH"]
    assert "Q24879" not in links
    assert sum(len(v) for v in links.values()) == 25
    assert client.get("/wikidata").get_json() == data


def test_void_linkset_describes_the_links(release):
    triples = list(ox.parse(path=str(release.file("void.ttl")), format=ox.RdfFormat.TURTLE))
    linkset = ox.NamedNode("https://w3id.org/intmk/dataset/linkset/wikidata")

    def value(p: str):
        return [t.object for t in triples if t.subject == linkset and t.predicate == ox.NamedNode(VOID + p)]

    kinds = [t.object for t in triples if t.subject == linkset and t.predicate.value.endswith("#type")]
    assert ox.NamedNode(VOID + "Linkset") in kinds
    assert value("objectsTarget") == [ox.NamedNode("http://www.wikidata.org/")]
    assert value("linkPredicate") == [ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")]
    assert [int(v.value) for v in value("triples")] == [25]


@pytest.mark.parametrize("entity, qid", [("state/DE-NI", "Q1197"), ("place/goettingen", "Q3033")])
def test_entity_page_shows_its_wikidata_link(app, client, entity, qid):
    if "resources" not in app.blueprints:
        pytest.skip("entity pages (the resources blueprint) are not part of this checkout")
    response = client.get(f"/id/{entity}", headers={"Accept": "text/html"}, follow_redirects=True)
    assert response.status_code == 200
    assert f'href="http://www.wikidata.org/entity/{qid}"' in response.get_data(as_text=True)

"""Data extension of the reconciliation service (API 0.2): property proposals and extend queries.

What OpenRefine's "Add columns from reconciled values" sends and reads. Expected values are written
by hand from data/reference/*.csv; every response is validated against the 0.2 JSON schemas in
tests/schemas/reconciliation/0.2/ (written from the specification's text).
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import jsonschema
import pytest

from intmk_kg.linking import extend
from intmk_kg.web.routes import reconcile

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "reconciliation"


def valid(instance, name: str):
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    jsonschema.validate(instance, schema, format_checker=jsonschema.FormatChecker())
    return instance


def extended(client, query: dict, method: str = "POST", **params) -> dict:
    valid(query, "0.2/data-extension-query.json")
    if method == "POST":  # as OpenRefine sends it: a form field
        response = client.post("/reconcile", data={"extend": json.dumps(query)}, query_string=params)
    else:
        response = client.get("/reconcile", query_string={"extend": json.dumps(query), **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return valid(response.get_json(), "0.2/data-extension-response.json")


def values(client, eid: str, pid: str, **params) -> list[dict]:
    return extended(client, {"ids": [eid], "properties": [{"id": pid}]}, **params)["rows"][eid][pid]


def refused(client, query: object) -> str:
    response = client.post("/reconcile", data={"extend": query if isinstance(query, str) else json.dumps(query)})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()["error"]


# --- manifest and proposals -------------------------------------------------------------------------


def test_manifest_declares_property_proposals(client):
    m = valid(client.get("/reconcile").get_json(), "0.2/manifest.json")
    proposals = m["extend"]["propose_properties"]
    assert proposals["service_url"].endswith("/reconcile")
    assert proposals["service_path"] == "/propose_properties"
    assert extend.MAX_IDS == reconcile.BATCH_SIZE == m["batchSize"]


def test_proposals_for_a_state(client):
    response = client.get("/reconcile/propose_properties", query_string={"type": "State", "limit": 5})
    answer = valid(response.get_json(), "0.2/property-proposals.json")
    assert answer["type"] == "State" and answer["limit"] == 5
    assert [p["id"] for p in answer["properties"]] == ["iso", "wikidata"]
    assert answer["properties"][0]["name"] == "ISO-Code"


def test_proposals_for_a_conference_and_a_person_in_english(client):
    def proposed(t: str) -> dict:
        response = client.get("/reconcile/propose_properties", query_string={"type": t, "lang": "en"})
        return {p["id"]: p["name"] for p in valid(response.get_json(), "0.2/property-proposals.json")["properties"]}

    conference = proposed("Conference")
    assert {"startDate", "endDate", "chairState", "chairPerson", "place", "year", "ordinal"} <= set(conference)
    assert conference["chairState"] == "chair Land"
    assert {"party", "office", "state", "wikidata"} <= set(proposed("Person"))
    assert "iso" not in proposed("Person")


def test_proposals_support_jsonp(client):
    """The specification asks JSONP of this endpoint as of every other."""
    response = client.get("/reconcile/propose_properties", query_string={"type": "State", "callback": "cb"})
    assert response.mimetype == "application/javascript"
    assert response.get_data(as_text=True).startswith('/**/cb({"properties": [{"id": "iso"')


def test_proposals_without_a_type_list_every_property(client):
    answer = valid(client.get("/reconcile/propose_properties").get_json(), "0.2/property-proposals.json")
    assert [p["id"] for p in answer["properties"]] == [c.id for c in extend.COLUMNS]
    assert "type" not in answer


@pytest.mark.parametrize("params", [{"type": "Nothing"}, {"limit": "x"}, {"limit": 0}, {"limit": 101}])
def test_bad_proposal_requests_are_json_400(client, params):
    response = client.get("/reconcile/propose_properties", query_string=params)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert response.get_json()["error"]


# --- values, by hand from data/reference ------------------------------------------------------------


def test_iso_code_and_qid_of_niedersachsen(client):
    """The example of the 0.2 specification's shape; states.csv: DE-NI, Q1197."""
    answer = extended(client, {"ids": ["state/DE-NI"], "properties": [{"id": "iso"}, {"id": "wikidata"}]})
    assert answer["meta"] == [{"id": "iso", "name": "ISO-Code"}, {"id": "wikidata", "name": "Wikidata-Objekt"}]
    assert answer["rows"] == {"state/DE-NI": {"iso": [{"str": "DE-NI"}], "wikidata": [{"str": "Q1197"}]}}


def test_the_20th_conference(client):
    """conferences.csv row 20: Göttingen, 2025-04-23/24, chaired by DE-NI and Andreas Philippi."""
    pids = ["chairState", "chairPerson", "startDate", "endDate", "place", "year", "ordinal"]
    answer = extended(client, {"ids": ["conference/20"], "properties": [{"id": p} for p in pids]}, lang="en")
    row = answer["rows"]["conference/20"]
    assert row["chairState"] == [{"id": "state/DE-NI", "name": "Lower Saxony"}]
    assert row["chairPerson"] == [{"id": "person/andreas-philippi", "name": "Andreas Philippi"}]
    assert row["startDate"] == [{"date": "2025-04-23T00:00:00Z"}]
    assert row["endDate"] == [{"date": "2025-04-24T00:00:00Z"}]
    assert row["place"] == [{"id": "place/goettingen", "name": "Göttingen"}]
    assert row["year"] == [{"int": 2025}] and row["ordinal"] == [{"int": 20}]
    meta = {m["id"]: m for m in answer["meta"]}
    assert meta["chairState"]["type"]["id"] == "State"
    assert meta["chairPerson"]["type"]["id"] == "Person"


def test_party_office_and_land_of_a_person(client):
    """persons.csv: Josefine Paul, Bündnis 90/Die Grünen; offices.csv: NRW, 2022-06-29 to 2026-01-27."""
    row = extended(client, {"ids": ["person/josefine-paul"], "properties": [{"id": "party"}, {"id": "office"},
                                                                             {"id": "state"}]})["rows"]["person/josefine-paul"]
    assert row["party"] == [{"id": "party/buendnis-90-die-gruenen", "name": "Bündnis 90/Die Grünen"}]
    assert "office/josefine-paul-2022-06-29" in [v["id"] for v in row["office"]]
    assert {"id": "state/DE-NW", "name": "Nordrhein-Westfalen"} in row["state"]
    office = "office/josefine-paul-2022-06-29"
    assert values(client, office, "startDate") == [{"date": "2022-06-29T00:00:00Z"}]
    assert values(client, office, "endDate") == [{"date": "2026-01-27T00:00:00Z"}]


def test_an_office_without_a_known_end_has_no_end(client):
    """offices.csv: Andreas Philippi's office since 2023-01-25 has no end."""
    office = "office/andreas-philippi-2023-01-25"
    assert values(client, office, "startDate") == [{"date": "2023-01-25T00:00:00Z"}]
    assert values(client, office, "endDate") == []
    assert values(client, "person/andreas-philippi", "party") == [{"id": "party/spd", "name": "Sozialdemokratische Partei Deutschlands"}]


def test_unknown_ids_get_empty_values_and_ids_may_be_iris_or_qids(client):
    query = {"ids": ["state/DE-XX", "https://w3id.org/intmk/id/state/DE-BY", "Q1197"], "properties": [{"id": "iso"}]}
    rows = extended(client, query)["rows"]
    assert rows == {"state/DE-XX": {"iso": []}, "https://w3id.org/intmk/id/state/DE-BY": {"iso": [{"str": "DE-BY"}]},
                    "Q1197": {"iso": [{"str": "DE-NI"}]}}


def test_a_batch_as_openrefine_sends_it_over_get_and_post(client):
    """OpenRefine posts `extend` as a form field, for all rows of a batch at once. The rows hold
    exactly the ids asked for, each with exactly the properties asked for, in the query's order."""
    ids = ["state/DE-BW", "state/DE-BY", "state/DE-NI", "state/DE-NW", "conference/20"]
    query = {"ids": ids, "properties": [{"id": "iso"}, {"id": "wikidata", "settings": {}}, {"id": "chairState"}]}
    posted = extended(client, query)
    assert posted == extended(client, query, method="GET")
    assert list(posted["rows"]) == ids and [m["id"] for m in posted["meta"]] == ["iso", "wikidata", "chairState"]
    assert all(list(row) == ["iso", "wikidata", "chairState"] for row in posted["rows"].values())
    assert posted["rows"]["conference/20"]["iso"] == [] and posted["rows"]["state/DE-NI"]["chairState"] == []
    assert [posted["rows"][i]["iso"] for i in ids[:4]] == [[{"str": i[6:]}] for i in ids[:4]]
    assert posted["rows"]["state/DE-BW"]["wikidata"] == [{"str": "Q985"}]


def test_jsonp_of_an_extend_get(client):
    response = client.get("/reconcile", query_string={"extend": json.dumps({"ids": ["state/DE-NI"],
                                                                            "properties": [{"id": "iso"}]}),
                                                      "callback": "cb"})
    assert response.mimetype == "application/javascript"
    body = response.get_data(as_text=True)
    assert body.startswith("/**/cb(") and '"iso": [{"str": "DE-NI"}]' in body


# --- errors and limits --------------------------------------------------------------------------------


def test_an_unknown_property_is_a_400_naming_it(client):
    error = refused(client, {"ids": ["state/DE-NI"], "properties": [{"id": "iso"}, {"id": "P1234"}]})
    assert "'P1234'" in error and "iso" in error


@pytest.mark.parametrize("query", [
    "{not json", "[]", {"ids": "state/DE-NI", "properties": [{"id": "iso"}]}, {"ids": ["state/DE-NI"]},
    {"ids": [1], "properties": [{"id": "iso"}]}, {"ids": ["state/DE-NI"], "properties": []},
    {"ids": ["state/DE-NI"], "properties": ["iso"]}, "[" * 100000,
])
def test_malformed_extend_queries_are_json_400(client, query):
    error = refused(client, query)
    assert any(word in error for word in ("extend", "ids", "propert")), error


def test_limits_of_ids_and_properties(client):
    too_many_ids = {"ids": [f"state/DE-{i}" for i in range(extend.MAX_IDS + 1)], "properties": [{"id": "iso"}]}
    assert f"at most {extend.MAX_IDS}" in refused(client, too_many_ids)
    too_many_props = {"ids": ["state/DE-NI"], "properties": [{"id": "iso"}] * (extend.MAX_PROPERTIES + 1)}
    assert f"at most {extend.MAX_PROPERTIES}" in refused(client, too_many_props)
    full = {"ids": [f"state/DE-{i}" for i in range(extend.MAX_IDS)],
            "properties": [{"id": c.id} for c in extend.COLUMNS]}
    assert len(extended(client, full)["rows"]) == extend.MAX_IDS


def test_extend_stops_at_the_deadline(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEOUT", -1)
    response = client.post("/reconcile", data={"extend": json.dumps({"ids": ["state/DE-NI"], "properties": [{"id": "iso"}]})})
    assert response.status_code == 503 and response.mimetype == "application/json"


# --- through a real server ------------------------------------------------------------------------------


def test_extend_through_a_real_server(live_server):
    """A plain HTTP client, as OpenRefine talks to the service: manifest, proposals, a posted batch."""
    manifest = json.loads(live_server.request(path="reconcile").text)
    proposals = manifest["extend"]["propose_properties"]
    assert proposals["service_path"] == "/propose_properties"
    reply = live_server.request(path="reconcile/propose_properties", params={"type": "Conference", "limit": 3})
    assert reply.status == 200
    valid(json.loads(reply.text), "0.2/property-proposals.json")
    query = {"ids": ["conference/20"], "properties": [{"id": "chairPerson"}, {"id": "startDate"}]}
    body = urllib.parse.urlencode({"extend": json.dumps(query)}).encode()
    reply = live_server.request("POST", "reconcile", body=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 200 and reply.headers["Access-Control-Allow-Origin"] == "*"
    row = valid(json.loads(reply.text), "0.2/data-extension-response.json")["rows"]["conference/20"]
    assert row == {"chairPerson": [{"id": "person/andreas-philippi", "name": "Andreas Philippi"}],
                   "startDate": [{"date": "2025-04-23T00:00:00Z"}]}
    bad = json.dumps({"ids": ["conference/20"], "properties": [{"id": "nope"}]})
    reply = live_server.request("POST", "reconcile", body=urllib.parse.urlencode({"extend": bad}).encode(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert reply.status == 400 and "'nope'" in json.loads(reply.text)["error"]

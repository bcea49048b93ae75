"""A long query is tokenized once per request.

The guard, the inline lane and the response cache all read a query's tokens. Texts over
MEMO_MAX_CHARS are not kept in the memo of recent texts, and each of the three used to scan them
again: about 0.4 s each for a 99 kB query of one-character tokens (the security report of
2026-12-01, finding 10). The scanner is wrapped here to count its calls.
"""

from __future__ import annotations

import json

import pytest

from intmk_kg.web.query import guard
from intmk_kg.web.query.isolation.subset import inline_safe
from intmk_kg.web.query.memo import MEMO_MAX_CHARS

LONG = "SELECT * WHERE { ?s ?p ?o " + ";" * 20_000 + " } LIMIT 1"  # the report's shape, shorter


@pytest.fixture()
def scans(monkeypatch) -> list[int]:
    """The lengths of the long texts the tokenizer scans from now on."""
    found: list[int] = []
    scan = guard._scan

    def counted(text: str):
        if len(text) > MEMO_MAX_CHARS:
            found.append(len(text))
        return scan(text)

    monkeypatch.setattr(guard, "_scan", counted)
    return found


@pytest.mark.parametrize("how", ["GET", "POST"])
def test_a_long_query_is_scanned_once_per_request(client, scans, how):
    assert inline_safe(LONG)
    guard.forget()  # that check ran in this thread, as the request will
    scans.clear()
    accept = {"Accept": "application/sparql-results+json"}
    if how == "GET":  # the direct layer, then the cache and the lane
        reply = client.get("/sparql", query_string={"query": LONG}, headers=accept)
    else:  # the Flask route, then the cache and the lane
        reply = client.post("/sparql", data=LONG, headers={"Content-Type": "application/sparql-query", **accept})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert len(json.loads(reply.data)["results"]["bindings"]) == 1
    assert scans == [len(LONG)]


def test_the_tokens_of_a_long_query_are_not_kept_after_its_request(client, scans):
    client.get("/sparql", query_string={"query": LONG}, headers={"Accept": "application/sparql-results+json"})
    client.get("/sparql", query_string={"query": LONG}, headers={"Accept": "application/sparql-results+json"})
    assert scans == [len(LONG), len(LONG)]  # one scan each: the second request is a cache hit, but is read again

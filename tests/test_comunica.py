"""Comunica (from the npm registry; .ci/run installs tests/clients with npm ci) as a client of a
real server: the SPARQL endpoint, an entity IRI read as linked data, and the dumps by URL.

Comunica asks an entity IRI for N-Quads first and queries the default graph of what it got, so the
entity document carries its description in the default graph too. Expected facts: the press
release states that the 20th IntMK took place in Göttingen; Niedersachsen's code is DE-NI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parent / "clients" / "node_modules" / ".bin" / "comunica-sparql"
pytestmark = [pytest.mark.slow,  # a Node.js start per query
              pytest.mark.skipif(not CLI.exists() or not shutil.which("node"),
                                 reason="Comunica is not installed (cd tests/clients && npm ci; .ci/run does)")]

NI = "https://w3id.org/intmk/id/state/DE-NI"
CODE = f"SELECT ?c WHERE {{ <{NI}> <https://w3id.org/intmk/ontology#isoCode> ?c }}"


def comunica(source: str, query: str) -> list[dict]:
    done = subprocess.run([str(CLI), source, query], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_the_endpoint(live_server):
    assert comunica(f"sparql@{live_server.sparql}", CODE) == [{"c": '"DE-NI"'}]


def test_an_entity_iri_as_linked_data(live_server):
    assert comunica(live_server.url + "id/state/DE-NI", CODE) == [{"c": '"DE-NI"'}]


def test_the_dumps_by_url(live_server, release):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    rows = comunica(live_server.url + "dumps/intmk-kg.nt", count)
    assert rows[0]["n"].startswith(f'"{release.manifest["statistics"]["triples"]}"')
    in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = comunica(live_server.url + "dumps/intmk-kg.nq", in_graphs)
    assert rows[0]["n"].startswith(f'"{release.manifest["statistics"]["quads"]}"')


@pytest.mark.parametrize("name", ["intmk-kg.nq", "intmk-kg.trig", "intmk-kg.jsonld"])
def test_the_default_graph_of_a_dataset_dump(live_server, name):
    """A dataset dump carries the union as its default graph, which Comunica queries by default (the
    .nq.gz file itself is sent as application/gzip, a download; its plain view is intmk-kg.nq)."""
    assert comunica(live_server.url + "dumps/" + name, CODE) == [{"c": '"DE-NI"'}]

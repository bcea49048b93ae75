"""Redland's command-line clients from Debian (rasqal-utils, raptor2-utils; installed by .ci/run)
against a real server: roqet sends a query to the endpoint, rapper reads an entity IRI (through
its 303) and the dumps by URL. Expected facts from data/reference/states.csv: the Länder codes
DE-BB, DE-BE and DE-BW sort first; Niedersachsen is DE-NI.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(not (shutil.which("roqet") and shutil.which("rapper")),
                                reason="Debian's rasqal-utils and raptor2-utils (apt-get install; .ci/run does)")


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_roqet_asks_the_endpoint(live_server):
    query = ("PREFIX intmk: <https://w3id.org/intmk/ontology#> "
             "SELECT ?code WHERE { ?land intmk:isoCode ?code } ORDER BY ?code LIMIT 3")
    done = run("roqet", "-e", query, "-p", live_server.sparql)
    assert done.returncode == 0, done.stderr
    assert [line.split('"')[1] for line in done.stdout.splitlines() if line.startswith("row:")] == ["DE-BB", "DE-BE", "DE-BW"]


def test_roqet_runs_the_readme_query(live_server):
    """roqet parses the query itself, so it must declare its prefixes (the README's examples do)."""
    query = ("PREFIX intmk: <https://w3id.org/intmk/ontology#>\nSELECT ?place ?land WHERE { "
             "<https://w3id.org/intmk/id/conference/20> intmk:location ?place ; intmk:chairmanship/intmk:chairState ?land }")
    done = run("roqet", "-i", "sparql11-query", "-e", query, "-p", live_server.sparql)
    assert done.returncode == 0, done.stderr
    assert "place=uri<https://w3id.org/intmk/id/place/goettingen>" in done.stdout
    assert "land=uri<https://w3id.org/intmk/id/state/DE-NI>" in done.stdout


@pytest.mark.parametrize("parser", ["guess", "turtle", "rdfxml", "ntriples"])
def test_rapper_reads_an_entity_iri(live_server, parser):
    done = run("rapper", "-i", parser, "-o", "ntriples", live_server.url + "id/state/DE-NI")
    assert done.returncode == 0, done.stderr
    assert '<https://w3id.org/intmk/id/state/DE-NI> <https://w3id.org/intmk/ontology#isoCode> "DE-NI"' in done.stdout


@pytest.mark.parametrize("name,parser", [("intmk-kg.nt", "ntriples"), ("intmk-kg.ttl", "turtle"), ("intmk-kg.nq", "nquads")])
def test_rapper_reads_a_dump_by_url(live_server, release, name, parser):
    done = run("rapper", "-i", parser, "-c", live_server.url + "dumps/" + name)
    assert done.returncode == 0, done.stderr
    count = int(done.stderr.rsplit("returned ", 1)[1].split()[0])
    stats = release.manifest["statistics"]
    # the N-Quads dump: the union as default graph, then the named graphs
    assert count == (stats["triples"] + stats["quads"] if name.endswith(".nq") else stats["triples"])

"""`intmk-kg serve`: gunicorn with the graph loaded once, options from the SETTINGS table, --data
files, and query processes that are stopped, replaced and bounded without stopping the server.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support import children, descendants

from intmk_kg.web.settings import SETTINGS

INTMK_KG = str(Path(sys.executable).with_name("intmk-kg"))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # ~2,500 triples ^ 4
SMALL = "ASK { ?s ?p ?o }"


def test_serve_prints_where_it_listens(live_server, release):
    assert f"serving release {release.version} at {live_server.url} (SPARQL endpoint: {live_server.sparql})" \
        in live_server.output()


@pytest.mark.slow
def test_serve_builds_the_release_when_there_is_none(start_server, tmp_path, release):
    empty = tmp_path / "dist"
    server = start_server("--release-dir", str(empty), release=False)
    assert (empty / "current" / "release.json").is_file()
    assert f"serving release {release.version} " in server.output()  # the same sources give the same version
    output = server.output()  # and it says so, with the build's own progress lines, before it serves
    assert f"no release in {empty} yet: building one first" in output
    assert output.index("SHACL") < output.index("serving release")


def test_every_setting_is_a_flag_of_serve():
    help_text = subprocess.run([INTMK_KG, "serve", "--help"], capture_output=True, text=True, check=True).stdout
    for setting in SETTINGS:
        assert setting.flag in help_text
    assert "--data" in help_text and "--release-dir" in help_text


def test_serve_rdf_files(start_server, tmp_path):
    (tmp_path / "people.ttl").write_text(
        '@prefix ex: <http://example.org/> .\nex:ada ex:knows ex:grace .\n<local> ex:label "relative" .\n',
        encoding="utf-8")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "named.trig").write_text(
        "<http://example.org/g> { <http://example.org/ada> <http://example.org/knows> <http://example.org/grace> }\n",
        encoding="utf-8")
    (tmp_path / "more" / "triples.nt.gz").write_bytes(gzip.compress(
        b"<http://example.org/grace> <http://example.org/knows> <http://example.org/ada> .\n"))
    (tmp_path / "more" / "notes.txt").write_text("not RDF, skipped in a folder\n", encoding="utf-8")

    server = start_server("--data", str(tmp_path / "people.ttl"), "--data", str(tmp_path / "more"), release=False)
    assert "serving RDF files" in server.output()
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    rows = json.loads(server.request(params={"query": query}).body)["results"]["bindings"]
    sizes = {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
    assert sizes == {
        (tmp_path / "people.ttl").as_uri(): 2,
        "http://example.org/g": 1,
        (tmp_path / "more" / "triples.nt.gz").as_uri(): 1,
    }
    # the default graph is the union, each triple once: ada knows grace is stated twice
    union = json.loads(server.request(params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).body)
    assert union["results"]["bindings"][0]["n"]["value"] == "3"
    relative = f"ASK {{ <{(tmp_path / 'local').as_uri()}> <http://example.org/label> \"relative\" }}"
    assert json.loads(server.request(params={"query": relative}).body)["boolean"] is True


@pytest.mark.server
def test_a_bad_data_file_stops_serve_with_file_and_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "no end .\n', encoding="utf-8")
    result = subprocess.run([INTMK_KG, "serve", "--port", "1", "--data", str(bad)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert f"error: {bad}:3:" in result.stderr


@pytest.mark.server
def test_data_and_release_dir_exclude_each_other(tmp_path, release_dir):
    (tmp_path / "a.ttl").write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    result = subprocess.run([INTMK_KG, "serve", "--data", str(tmp_path / "a.ttl"), "--release-dir", str(release_dir)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "exclude each other" in result.stderr


# --- query processes -------------------------------------------------------------------------------


def _state(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _busy_query_process(server, deadline_s: float = 60) -> int:
    """The query process (a child of a gunicorn worker's fork server) that is running a query now."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        for worker in children(server.process.pid):
            for proc in descendants(worker):
                if _state(proc) == "R":
                    return proc
        time.sleep(0.05)
    pytest.fail("no query process started running the query")


def _in_background(server, query: str) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def send():
        outcome["reply"] = server.request("POST", body=query.encode(), headers={"Content-Type": "application/sparql-query"})

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome


@pytest.mark.slow
def test_a_runaway_query_is_stopped_with_503_while_others_are_answered(start_server):
    # 5 s leaves the second client ample time on a busy machine; the runaway query would run for hours
    server = start_server("--timeout", "5", "--workers", "1", "--query-processes", "2")
    thread, outcome = _in_background(server, RUNAWAY)
    _busy_query_process(server)

    meanwhile = server.request(params={"query": SMALL})
    still_running = thread.is_alive()
    thread.join(60)
    assert meanwhile.status == 200 and json.loads(meanwhile.body)["boolean"] is True
    assert still_running, "the second client was answered while the runaway query ran"
    runaway = outcome["reply"]
    assert runaway.status == 503
    assert "ran longer than 5 s" in runaway.text
    assert server.request(params={"query": SMALL}).status == 200  # the stopped process was replaced


def test_a_killed_query_process_gives_503_then_the_next_query_works(start_server):
    server = start_server("--workers", "1", "--query-processes", "1")
    thread, outcome = _in_background(server, RUNAWAY)
    os.kill(_busy_query_process(server), signal.SIGKILL)
    thread.join(60)
    assert outcome["reply"].status == 503
    assert "stopped before it answered" in outcome["reply"].text
    after = server.request(params={"query": SMALL})
    assert after.status == 200 and json.loads(after.body)["boolean"] is True


def test_memory_and_result_size_are_bounded(start_server):
    server = start_server("--workers", "1", "--query-memory-mb", "64", "--max-result-bytes", "5000", "--timeout", "60")
    # sorting every pair of triples (about 6 million rows) needs far more than 64 MiB
    hungry = server.request(params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"})
    assert hungry.status == 503
    assert "stopped before it answered" in hungry.text
    everything = server.request(params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert everything.status == 503
    assert "larger than 5000 bytes" in everything.text
    assert server.request(params={"query": SMALL}).status == 200


JEMALLOC = next(iter(sorted(Path("/usr/lib").glob("*/libjemalloc.so.2"))), None)  # Debian's libjemalloc2 (.ci/run)


def _maps(pid: int) -> str:
    return (Path("/proc") / str(pid) / "maps").read_text()


@pytest.mark.slow
def test_serve_with_jemalloc_preloaded_forks_kills_and_bounds_as_without(start_server):
    """docs/deploy.md recommends preloading jemalloc. A worker forks its query processes while its
    other threads may be allocating, so the allocator must leave a forked child usable (jemalloc's
    fork handlers do; an allocator without them can hang the child): queries in the worker and in
    query processes, a runaway query stopped and its process replaced, one killed, one too hungry."""
    assert JEMALLOC, "/usr/lib/*/libjemalloc.so.2 is missing: install Debian's libjemalloc2 (.ci/run does)"
    server = start_server("--timeout", "3", "--workers", "1", "--query-processes", "1", "--query-memory-mb", "64",
                          env={"LD_PRELOAD": str(JEMALLOC)})
    (worker,) = children(server.process.pid)
    assert "libjemalloc" in _maps(worker) and all("libjemalloc" in _maps(p) for p in descendants(worker))

    lane = server.request(params={"query": "SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 3"})
    assert lane.status == 200 and len(json.loads(lane.body)["results"]["bindings"]) == 3
    for _ in range(2):  # twice: a replacement forked by a worker that has already replaced one
        runaway = server.request(params={"query": RUNAWAY})
        assert runaway.status == 503 and "ran longer than 3 s" in runaway.text
        assert server.request(params={"query": SMALL}).status == 200
    thread, outcome = _in_background(server, RUNAWAY)
    os.kill(_busy_query_process(server), signal.SIGKILL)
    thread.join(60)
    assert outcome["reply"].status == 503 and "stopped before it answered" in outcome["reply"].text
    hungry = server.request(params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"})
    assert hungry.status == 503 and "stopped before it answered" in hungry.text
    after = server.request(params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert after.status == 200 and int(json.loads(after.body)["results"]["bindings"][0]["n"]["value"]) > 1000
    assert all("libjemalloc" in _maps(p) for p in descendants(worker))

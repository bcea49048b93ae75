"""A download file damaged while the server runs, or found damaged at start, costs only that file.

The security report of 2026-12-01, finding 12: a dump changed while serving went out with its old
ETag (and a 304 confirmed the old bytes); one bad byte in a dump made the next start refuse all
service although the endpoint never reads that file. Real servers on copies of the release folder.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import free_port

from intmk_kg.release import CURRENT

INTMK_KG = str(Path(sys.executable).with_name("intmk-kg"))
ASK = {"query": "ASK { ?s ?p ?o }"}


def copy_release(release_dir: Path, into: Path) -> Path:
    out = into / "dist"
    shutil.copytree(release_dir, out, symlinks=True)
    return out


def flip_a_byte(path: Path, at: int = 100) -> None:
    """One byte changed in place: same size, same inode, another mtime."""
    time.sleep(0.05)
    with path.open("r+b") as f:
        f.seek(at)
        byte = f.read(1)
        f.seek(at)
        f.write(bytes([byte[0] ^ 1]))


def test_a_dump_changed_while_serving_answers_503_not_its_old_etag(start_server, release_dir, tmp_path):
    out = copy_release(release_dir, tmp_path)
    server = start_server("--release-dir", str(out), release=False)
    before = server.request(path="dumps/intmk-kg.ttl")
    assert before.status == 200
    etag = before.headers["ETag"]

    flip_a_byte(out / CURRENT / "intmk-kg.ttl")
    changed = server.request(path="dumps/intmk-kg.ttl", headers={"Accept": "application/json"})
    assert changed.status == 503
    error = json.loads(changed.body)["error"]
    assert "intmk-kg.ttl has changed since the server started" in error["message"]
    assert changed.headers["Cache-Control"] == "no-store"
    revalidated = server.request(path="dumps/intmk-kg.ttl", headers={"If-None-Match": etag})
    assert revalidated.status == 503, "a 304 would confirm bytes that are no longer served"
    gzipped = server.request(path="dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip"})
    assert gzipped.status == 503

    assert server.request(path="dumps/intmk-kg.trig").status == 200
    assert server.request(params=ASK).status == 200
    deadline = time.monotonic() + 10
    while "intmk-kg.ttl has changed since the server started" not in server.output() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "intmk-kg.ttl has changed since the server started" in server.output()


def test_a_dump_damaged_before_start_answers_503_while_the_rest_is_served(start_server, release_dir, tmp_path):
    out = copy_release(release_dir, tmp_path)
    flip_a_byte(out / CURRENT / "intmk-kg.ttl")
    flip_a_byte(out / CURRENT / "intmk-kg.rdf.gz")  # a gzip copy: the file itself is still sent
    server = start_server("--release-dir", str(out), release=False)
    assert "intmk-kg.ttl is missing or does not match release.json" in server.output()

    damaged = server.request(path="dumps/intmk-kg.ttl", headers={"Accept": "text/plain"})
    assert damaged.status == 503
    assert "intmk-kg.ttl was found damaged when the server started" in damaged.text
    rdf = server.request(path="dumps/intmk-kg.rdf", headers={"Accept-Encoding": "gzip"})
    assert rdf.status == 200 and rdf.headers.get("Content-Encoding") is None
    assert rdf.body == (out / CURRENT / "intmk-kg.rdf").read_bytes()
    assert server.request(path="dumps/intmk-kg.nq.gz").status == 200
    assert json.loads(server.request(params=ASK).body)["boolean"] is True
    assert server.request(path="ontology", headers={"Accept": "text/turtle"}).status == 200


@pytest.mark.server
@pytest.mark.parametrize("name", ["intmk-kg.nq.gz", "linking-index.sqlite", "void.ttl"])
def test_damage_to_what_the_server_reads_still_refuses_to_start(release_dir, tmp_path, name):
    """The graph's source, the name index and the files other routes read: every answer is at stake."""
    out = copy_release(release_dir, tmp_path)
    flip_a_byte(out / CURRENT / name)
    result = subprocess.run([INTMK_KG, "serve", "--port", str(free_port()), "--release-dir", str(out)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"{name}: does not match its size and SHA-256 in release.json" in result.stderr
    assert "the release is damaged" in result.stderr and "Traceback" not in result.stderr

"""/dumps/ behind nginx as deploy/nginx.conf ships it: the replica decides, nginx sends the file.

The security report of 2026-12-01, finding 5: with `proxy_buffering off` every slow reader of a
large dump held an app thread, and 16 of them blocked every other request. The replica now answers
with X-Accel-Redirect (`--accel-redirect /_release/`) and nginx sends the bytes from the release
folder; `limit_conn` bounds one client's parallel downloads. A synthetic release of 100k triples
gives an 11 MB JSON-LD dump, more than the socket buffers between the client and the app hold.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from test_replicas import get

pytestmark = pytest.mark.slow  # large dumps to slow readers through nginx

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_slow_readers", ROOT / "bench" / "slow_readers.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_slow_readers"] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return bench.synthetic_release(tmp_path_factory.mktemp("synth"), 100_000)


@pytest.fixture(scope="module")
def version(big) -> str:
    return json.loads((big / "current" / "release.json").read_text(encoding="utf-8"))["version"]


@pytest.fixture(scope="module")
def replica(start_server, big):
    return start_server("--release-dir", str(big), "--workers", "1", "--query-processes", "1",
                        "--accel-redirect", "/_release/", release=False)


@pytest.fixture(scope="module")
def front(replica, big, tmp_path_factory):
    process, url = bench.start_nginx(tmp_path_factory.mktemp("nginx"), int(replica.url.rsplit(":", 1)[1].strip("/")),
                                     big / "releases")
    yield url
    process.terminate()
    process.wait(30)


def test_slow_readers_of_a_large_dump_leave_the_app_free(front):
    figures = bench.slow_readers(front, readers=16, seconds=10)
    assert figures.probes and all(p is not None for p in figures.probes), figures.summary()
    # more readers are being sent the dump than the replica has threads (2): nginx sends, not the app
    assert figures.readers.get("200", 0) >= 4, figures.summary()
    assert set(figures.readers) <= {"200", "429"}, figures.summary()


def test_the_replica_answers_with_a_redirect_to_its_release_folder(replica, version):
    reply = replica.request(path="dumps/intmk-kg.ttl")
    assert reply.status == 200 and reply.body == b""
    assert reply.headers["X-Accel-Redirect"] == f"/_release/{version}/intmk-kg.ttl"
    gzipped = replica.request(path="dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["X-Accel-Redirect"] == f"/_release/{version}/intmk-kg.ttl.gz"
    assert replica.request(path="dumps/nothing.ttl").status == 404


def test_nginx_sends_the_file_with_the_replicas_headers(front, replica, big, version):
    folder = big / "current"
    status, headers, body = get(front + "dumps/intmk-kg.ttl")
    assert status == 200 and body == (folder / "intmk-kg.ttl").read_bytes()
    assert headers.get_all("ETag") == [f'"{version}-intmk-kg.ttl"']  # the replicas' ETag, not nginx's own
    assert headers.get_all("Content-Type") == ["text/turtle; charset=utf-8"]
    assert headers["Last-Modified"] == replica.request(path="dumps/intmk-kg.ttl").headers["Last-Modified"]
    assert headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert headers["Content-Disposition"] == "inline; filename=intmk-kg.ttl"
    assert headers["Cache-Control"] == "public, max-age=3600"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Access-Control-Allow-Origin"] == "*"
    assert "Accept-Encoding" in headers["Vary"] and headers.get("Content-Encoding") is None
    assert headers.get("X-Accel-Redirect") is None

    status, headers, body = get(front + "dumps/intmk-kg.ttl", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert body == (folder / "intmk-kg.ttl.gz").read_bytes()
    assert headers["ETag"] == f'"{version}-intmk-kg.ttl-gzip"'

    status, headers, body = get(front + "dumps/intmk-kg.nq.gz")
    assert status == 200 and headers["Content-Type"] == "application/gzip" and headers.get("Content-Encoding") is None
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert hashlib.sha256(body).hexdigest() == listed["intmk-kg.nq.gz"]


def test_nginx_answers_ranges_and_revalidations(front, big, version):
    whole = (big / "current" / "intmk-kg.ttl").read_bytes()
    status, headers, body = get(front + "dumps/intmk-kg.ttl", {"Range": "bytes=100-199"})
    assert status == 206 and body == whole[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(whole)}"
    status, _, body = get(front + "dumps/intmk-kg.ttl", {"If-None-Match": f'"{version}-intmk-kg.ttl"'})
    assert status == 304 and body == b""
    # a resumed download: If-Range with the replicas' ETag (which nginx's range filter sees) or the date
    _, headers, _ = get(front + "dumps/intmk-kg.ttl")
    for validator in (headers["ETag"], headers["Last-Modified"]):
        status, _, body = get(front + "dumps/intmk-kg.ttl", {"Range": "bytes=0-9", "If-Range": validator})
        assert status == 206 and body == whole[:10]
    status, _, body = get(front + "dumps/intmk-kg.ttl", {"Range": "bytes=0-9", "If-Range": '"older-intmk-kg.ttl"'})
    assert status == 200 and body == whole


@pytest.mark.parametrize("path", [
    "_release/{v}/release.json", "_release/{v}/SHA256SUMS", "_release/{v}/linking-index.sqlite",
    "_release/{v}/intmk-kg.ttl", "_release/", "_release/{v}/",
    "dumps/release.json", "dumps/SHA256SUMS", "dumps/linking-index.sqlite", "dumps/intmk-kg.ttl.gz",
    "dumps/..%2F_release%2F{v}%2Frelease.json",
])
def test_nothing_but_the_downloads_is_reachable(front, version, path):
    status, _, body = get(front + path.format(v=version))
    assert status == 404
    assert b'"version"' not in body and b"SQLite format" not in body

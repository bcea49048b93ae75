"""Replicas: two `intmk-kg serve` processes on one release folder, behind nginx with the
configuration of deploy/nginx.conf (only its ports and paths replaced).

A release is immutable, so the replicas answer byte for byte alike with the same ETag, an ETag
from one replica revalidates at the other, and nginx (any HTTP cache) may serve a repeated GET
without asking either. Expected facts come from the press release (data/ms-ni-2025-068.trig):
the 20th IntMK was held in Göttingen.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import free_port

pytestmark = pytest.mark.slow  # two servers behind nginx, one of them stopped

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's nginx, installed by .ci/run
QUERY = "ASK { <https://w3id.org/intmk/id/conference/20> intmk:location <https://w3id.org/intmk/id/place/goettingen> }"
PUBLIC_NAME = "intmk.example.org"  # deploy/nginx.conf's server_name and the replicas' --public-url
PATHS = ["doc/state/DE-NI", "doc/conference/20.ttl", "sparql?query=" + urllib.request.quote(QUERY),
         "queries/chair-of-21st.csv", "dumps/intmk-kg.ttl", "graph/ms-ni-2025-068.nq", "?format=json"]


@dataclass
class Proxy:
    url: str
    folder: Path  # nginx's configuration, logs, cache and temporary files


def get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def nginx_config(folder: Path, port: int, replicas: list[int]) -> Path:
    """deploy/nginx.conf with our ports, a cache and temporary files in `folder`."""
    text = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*server 127\.0\.0\.1:\d+ .*;$", text, re.M)
    assert len(upstreams) == 2, "deploy/nginx.conf should name two replicas"
    for line, replica in zip(upstreams, replicas, strict=True):
        text = text.replace(line, re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{replica}", line))
    assert text.count("listen 127.0.0.1:8080") == 2, "deploy/nginx.conf should have the named and the default server"
    text = text.replace("listen 127.0.0.1:8080", f"listen 127.0.0.1:{port}")
    text = text.replace(f"server_name {PUBLIC_NAME};", "server_name 127.0.0.1;")  # the tests' name for it
    text = text.replace("/var/cache/nginx/intmk", str(folder / "cache"))
    text = text.replace("/var/log/nginx/intmk-access.log", str(folder / "access.log"))
    temp = "".join(f"    {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = text.replace("http {\n", "http {\n" + temp, 1)
    path = folder / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def replicas(start_server):
    return [start_server("--workers", "1", "--query-processes", "1", "--public-url", f"https://{PUBLIC_NAME}/")
            for _ in range(2)]


@pytest.fixture(scope="module")
def proxy(replicas, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    port = free_port()
    config = nginx_config(folder, port, [int(r.url.rsplit(":", 1)[1].strip("/")) for r in replicas])
    settings = f"daemon off; pid {folder / 'nginx.pid'}; error_log {folder / 'error.log'};"
    if os.geteuid() == 0:
        settings += " user root;"  # the workers write the cache in a folder only root may enter
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", settings],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            pytest.fail(f"nginx exited: {process.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail("nginx did not listen")
            time.sleep(0.1)
    yield Proxy(url, folder)
    process.terminate()
    process.wait(30)


@pytest.mark.parametrize("path", PATHS)
def test_replicas_answer_alike(replicas, path):
    (a_status, a_headers, a_body), (b_status, b_headers, b_body) = (get(r.url + path) for r in replicas)
    assert (a_status, b_status) == (200, 200)
    assert a_headers["ETag"] and a_headers["ETag"] == b_headers["ETag"]
    assert a_headers["Cache-Control"] == b_headers["Cache-Control"] and "max-age" in a_headers["Cache-Control"]
    assert a_body == b_body  # absolute URLs name the one --public-url, not the replica asked


@pytest.mark.parametrize("path", PATHS)
def test_an_etag_of_one_replica_revalidates_at_the_other(replicas, path):
    _, headers, _ = get(replicas[0].url + path)
    status, _, body = get(replicas[1].url + path, {"If-None-Match": headers["ETag"]})
    assert status == 304 and body == b""


def test_nginx_serves_a_repeated_get_from_its_cache(proxy, replicas):
    url = proxy.url + "sparql?query=" + urllib.request.quote(QUERY + " # asked through nginx")
    first = get(url, {"Accept": "application/sparql-results+json"})
    again = get(url, {"Accept": "application/sparql-results+json"})
    assert first[0] == again[0] == 200
    assert first[1]["X-Cache-Status"] == "MISS" and again[1]["X-Cache-Status"] == "HIT"
    assert again[2] == first[2] and b'"boolean":true' in first[2].replace(b" ", b"")
    other = get(url, {"Accept": "text/csv"})  # another variant (Vary: Accept) is not the cached one
    assert other[0] == 200 and other[1]["X-Cache-Status"] == "MISS" and other[1]["Content-Type"].startswith("text/csv")


def test_nginx_passes_ranges_of_dumps(proxy, replicas):
    whole = get(replicas[0].url + "dumps/intmk-kg.ttl")[2]
    status, headers, body = get(proxy.url + "dumps/intmk-kg.ttl", {"Range": "bytes=100-199"})
    assert status == 206 and body == whole[100:200]
    assert headers["Content-Range"] == f"bytes 100-199/{len(whole)}"


def test_nginx_spreads_requests_over_both_replicas(proxy, replicas):
    for i in range(8):  # distinct queries, so that none comes from the cache
        assert get(proxy.url + "sparql?query=" + urllib.request.quote(f"{QUERY} # spread {i}"))[0] == 200
    log = (proxy.folder / "access.log").read_text(encoding="utf-8")
    spread = [line for line in log.splitlines() if "spread" in line]
    ports = {re.search(r"upstream=127\.0\.0\.1:(\d+)", line).group(1) for line in spread}
    assert ports == {r.url.rsplit(":", 1)[1].strip("/") for r in replicas}


FORGED = "attacker.example"


@pytest.mark.parametrize("path,accept", [("reconcile", "application/json"), ("reconcile/draft", "application/json"),
                                         ("sparql", "text/turtle"), ("queries/?format=json", "application/json"),
                                         ("doc/state/DE-BY", "text/html")])
def test_a_forged_host_cannot_poison_the_cache(proxy, path, accept):
    """The security report of 2026-12-01, finding 1: one request with a forged Host put its host into
    the answer nginx then served every client for an hour."""
    request = urllib.request.Request(proxy.url + path, headers={"Host": FORGED, "Accept": accept})
    with pytest.raises(OSError):  # the default server drops it unanswered (444)
        urllib.request.urlopen(request, timeout=30).read()
    first, again = (get(proxy.url + path, {"Accept": accept}) for _ in range(2))
    assert first[0] == again[0] == 200 and again[1]["X-Cache-Status"] == "HIT"
    for _, _, body in (first, again):
        assert FORGED.encode() not in body and f"https://{PUBLIC_NAME}/".encode() in body
    log = (proxy.folder / "access.log").read_text(encoding="utf-8")
    dropped = [line for line in log.splitlines() if f"/{path} " in line and " 444 " in line]
    assert dropped and all("upstream=- " in line for line in dropped), "a dropped request must not reach a replica"


def test_a_replica_down_is_passed_over(proxy, replicas):
    """Last in this file: it stops one replica."""
    replicas[0].process.terminate()
    replicas[0].process.wait(30)
    for i in range(4):
        status, headers, body = get(proxy.url + "sparql?query=" + urllib.request.quote(f"{QUERY} # one left {i}"))
        assert status == 200 and headers["X-Cache-Status"] == "MISS"

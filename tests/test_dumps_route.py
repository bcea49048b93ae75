"""/dumps/: the release's files, listed with size and SHA-256, served byte for byte and nothing else."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
import rdflib
from rdflib import URIRef

DUMPS = {  # name -> Content-Type on the wire (gzip files travel as they are)
    "intmk-kg.nq.gz": "application/gzip",
    "intmk-kg.trig": "application/trig",
    "intmk-kg.jsonld": "application/ld+json",
    "intmk-kg.ttl": "text/turtle",
    "intmk-kg.nt.gz": "application/gzip",
    "intmk-kg.rdf": "application/rdf+xml",
}
CONF_20 = URIRef("https://w3id.org/intmk/id/conference/20")
LOCATION = URIRef("https://w3id.org/intmk/ontology#location")
GOETTINGEN = URIRef("https://w3id.org/intmk/id/place/goettingen")
SEED_GRAPH = URIRef("https://w3id.org/intmk/graph/ms-ni-2025-068")


def test_json_listing_has_every_manifest_file(client, release):
    response = client.get("/dumps/?format=json")
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["version"] == release.version
    listed = {f["name"]: f for f in data["files"]}
    assert set(DUMPS) <= set(listed)
    assert set(listed) == {f["name"] for f in release.files if f["kind"] != "index"}
    for name in DUMPS:
        assert set(listed[name]) >= {"name", "media_type", "encoding", "size", "sha256", "title", "kind", "url"}
        assert listed[name]["url"].endswith(f"/dumps/{name}")
    assert listed["intmk-kg.nq.gz"]["media_type"] == "application/n-quads"
    assert listed["intmk-kg.nq.gz"]["encoding"] == "gzip"


def test_html_listing_by_accept(client, release):
    page = client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for f in release.downloads:
        assert f'href="/dumps/{f["name"]}"' in page
        assert f["sha256"] in page
    assert client.get("/dumps/", headers={"Accept": "application/json"}).mimetype == "application/json"


def test_the_servers_own_index_is_no_download(client, release):
    """The name index is in the manifest (so damage is noticed) but is the server's, not a dump."""
    index = [f["name"] for f in release.files if f["kind"] == "index"]
    assert index == ["linking-index.sqlite"]
    assert client.get("/dumps/linking-index.sqlite").status_code == 404
    assert "linking-index" not in client.get("/dumps/", headers={"Accept": "text/html"}).get_data(as_text=True)


@pytest.mark.parametrize("name", sorted(DUMPS))
def test_each_dump_is_served_byte_for_byte(client, release, name):
    response = client.get(f"/dumps/{name}")
    assert response.status_code == 200
    assert response.mimetype == DUMPS[name]
    assert "Content-Encoding" not in response.headers
    entry = next(f for f in release.files if f["name"] == name)
    assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
    assert len(response.data) == entry["size"]


def test_gzip_dump_loads_in_rdflib_with_its_graphs(client):
    data = gzip.decompress(client.get("/dumps/intmk-kg.nq.gz").data)
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format="nquads")
    assert (CONF_20, LOCATION, GOETTINGEN) in dataset.graph(SEED_GRAPH)


def test_head_range_and_conditional_requests(client, release):
    path = release.file("intmk-kg.ttl")
    whole = path.read_bytes()
    head = client.head("/dumps/intmk-kg.ttl")
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == len(whole)
    assert head.headers["Accept-Ranges"] == "bytes"

    part = client.get("/dumps/intmk-kg.ttl", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.data == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"

    etag = client.get("/dumps/intmk-kg.ttl").headers["ETag"]
    assert etag == f'"{release.version}-intmk-kg.ttl"'
    assert client.get("/dumps/intmk-kg.ttl", headers={"If-None-Match": etag}).status_code == 304


def test_uncompressed_dump_travels_gzipped_when_the_client_asks(client, release):
    response = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.data) == release.file("intmk-kg.ttl").read_bytes()


@pytest.mark.parametrize("path", [
    "/dumps/../pyproject.toml",
    "/dumps/..%2Fpyproject.toml",
    "/dumps/%2e%2e/pyproject.toml",
    "/dumps/..%2F..%2F..%2Fpyproject.toml",
    "/dumps//etc/passwd",
    "/dumps/%2Fetc%2Fpasswd",
    "/dumps/release.json",  # in the release folder, but not a published file
    "/dumps/SHA256SUMS/../intmk-kg.ttl",
])
def test_nothing_outside_the_manifest_is_served(client, path):
    response = client.get(path, headers={"Accept": "text/plain"}, follow_redirects=True)  # "//" is merged first
    assert response.status_code == 404
    assert b"[build-system]" not in response.data and b"root:" not in response.data


@pytest.mark.parametrize("raw_path", ["/dumps/../pyproject.toml", "/dumps/..%2Fpyproject.toml", "/dumps/%2e%2e%2fpyproject.toml"])
def test_live_server_refuses_traversal_sent_verbatim(live_server, raw_path):
    """http.client sends the path as written (no dot-segment clean-up, unlike browsers and curl)."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", raw_path)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    assert response.status == 404
    assert b"[build-system]" not in body


def test_live_download_matches_the_listing(live_server):
    listing = json.loads(live_server.request(path="dumps/", params={"format": "json"}).body)
    entry = next(f for f in listing["files"] if f["name"] == "intmk-kg.nq.gz")
    reply = live_server.request(path="dumps/intmk-kg.nq.gz", headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/gzip"
    assert reply.headers.get("Content-Encoding") is None
    assert hashlib.sha256(reply.body).hexdigest() == entry["sha256"]

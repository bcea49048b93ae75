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
    # the verbatim source texts (kind "text") are shown on their documents' pages, not offered here
    files = [f for f in release.files if f["kind"] not in ("index", "encoded", "text")]
    # each file, and each gzip dump's uncompressed view (tests/test_dumps_plain.py)
    assert set(listed) == {f["name"] for f in files} | {f["plain"]["name"] for f in files if "plain" in f}
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


def test_a_gzip_request_gets_the_copy_published_at_build_not_a_compression(client, release):
    """The security report of 2026-12-01, finding 10: every gzip request of a dump compressed it again
    (0.5 s of CPU for 16 MB). The bytes sent are now the release's own gzip copy, listed with its SHA-256."""
    copy = release.encoded("intmk-kg.ttl")
    assert copy is not None and copy["name"] == "intmk-kg.ttl.gz" and copy["kind"] == "encoded"
    published = release.file(copy["name"]).read_bytes()
    assert hashlib.sha256(published).hexdigest() == copy["sha256"]
    response = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip" and response.mimetype == "text/turtle"
    assert response.data == published
    assert gzip.decompress(response.data) == release.file("intmk-kg.ttl").read_bytes()
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Disposition"] == "inline; filename=intmk-kg.ttl"  # as the identity file
    etag = response.headers["ETag"]
    assert etag == f'"{release.version}-intmk-kg.ttl-gzip"'  # strong: the same bytes every time
    identity = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers and identity.headers["ETag"] != etag
    again = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    part = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == published[:100]
    assert part.headers["Content-Encoding"] == "gzip"
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(published)}"


def test_the_gzip_copies_are_no_downloads(client, release):
    copies = [f["name"] for f in release.files if f["kind"] == "encoded"]
    assert "intmk-kg.trig.gz" in copies and "intmk-kg.jsonld.gz" in copies
    for name in copies:
        assert client.get(f"/dumps/{name}").status_code == 404
    assert not any(f["name"] in copies for f in json.loads(client.get("/dumps/?format=json").data)["files"])


def test_a_release_without_copies_sends_the_file_as_it_is(release, tmp_path):
    """Releases built before the copies existed: no compression at request time either."""
    import shutil

    from intmk_kg.web import create_app

    folder = tmp_path / "old"
    shutil.copytree(release.path, folder)
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    manifest["files"] = [f for f in manifest["files"] if f["kind"] != "encoded"]
    (folder / "release.json").write_text(json.dumps(manifest), encoding="utf-8")
    client = create_app({"TESTING": True, "RELEASE_DIR": str(folder)}).test_client()
    response = client.get("/dumps/intmk-kg.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert response.data == release.file("intmk-kg.ttl").read_bytes()

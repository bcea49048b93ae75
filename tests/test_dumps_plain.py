"""Gzip dumps under their names without `.gz`, with their RDF media type, for clients that read a
URL and cannot unpack `application/gzip` (rdflib; Comunica likewise). The `.gz` files stay as they
are, byte for byte."""

from __future__ import annotations

import gzip
import hashlib
import urllib.request

import pytest
import rdflib


@pytest.mark.parametrize("plain,media", [("intmk-kg.nq", "application/n-quads"), ("intmk-kg.nt", "application/n-triples")])
def test_a_plain_name_serves_the_uncompressed_content(client, release, plain, media):
    published = gzip.decompress(release.file(plain + ".gz").read_bytes())
    identity = client.get(f"/dumps/{plain}")
    assert identity.status_code == 200 and identity.mimetype == media
    assert identity.get_data() == published and "Content-Encoding" not in identity.headers
    encoded = client.get(f"/dumps/{plain}", headers={"Accept-Encoding": "gzip"})
    assert encoded.headers["Content-Encoding"] == "gzip" and encoded.mimetype == media
    assert encoded.get_data() == release.file(plain + ".gz").read_bytes()  # the published bytes, nothing computed
    assert "Accept-Encoding" in identity.headers["Vary"] and identity.headers["ETag"] != encoded.headers["ETag"]
    assert client.get(f"/dumps/{plain}", headers={"If-None-Match": identity.headers["ETag"]}).status_code == 304
    gz = client.get(f"/dumps/{plain}.gz")  # unchanged: application/gzip, the file as published
    assert gz.mimetype == "application/gzip" and gz.get_data() == release.file(plain + ".gz").read_bytes()


def test_the_listing_gives_the_plain_names_with_their_own_checksums(client, release):
    files = {f["name"]: f for f in client.get("/dumps/?format=json").get_json()["files"]}
    for plain in ("intmk-kg.nq", "intmk-kg.nt"):
        content = gzip.decompress(release.file(plain + ".gz").read_bytes())
        assert files[plain]["sha256"] == hashlib.sha256(content).hexdigest() and files[plain]["size"] == len(content)
        assert files[plain]["view_of"] == plain + ".gz"
    assert files["intmk-kg.nq.gz"]["encoding"] == "gzip"


def test_void_lists_the_plain_names(client):
    void = rdflib.Graph().parse(data=client.get("/void.ttl").get_data(as_text=True), format="turtle")
    urls = {str(o) for o in void.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#downloadURL"))}
    assert {u.rsplit("/", 1)[1] for u in urls} >= {"intmk-kg.nq", "intmk-kg.nt", "intmk-kg.nq.gz"}


def test_rdflib_reads_the_dump_from_its_url(live_server):
    """rdflib cannot read application/gzip from a URL; the plain name it can."""
    ds = rdflib.Dataset()
    ds.parse(live_server.url + "dumps/intmk-kg.nq", format="nquads")
    press = rdflib.URIRef("https://w3id.org/intmk/graph/ms-ni-2025-068")
    located = (rdflib.URIRef("https://w3id.org/intmk/id/conference/20"), rdflib.URIRef("https://w3id.org/intmk/ontology#location"),
               rdflib.URIRef("https://w3id.org/intmk/id/place/goettingen"))
    assert (*located, press) in set(ds.quads())
    with urllib.request.urlopen(live_server.url + "dumps/intmk-kg.nt") as response:
        assert response.headers.get_content_type() == "application/n-triples"

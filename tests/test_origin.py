"""Absolute URLs in answers come from --public-url, never from the request's Host header.

Answers are cached for an hour, by clients and by the nginx of deploy/nginx.conf, and their ETags
do not depend on the Host: one request with a forged Host must not put its host into an answer that
later clients get (the security report of 2026-12-01, finding 1). Every route family that writes an
absolute URL is asked with a forged Host here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from intmk_kg.errors import InputError
from intmk_kg.web import create_app

FORGED = "attacker.example"
PUBLIC = "https://kg.example.org/intmk/"
ROOT = Path(__file__).resolve().parents[1]

# (path, Accept): every answer that writes an absolute URL of this server
ABSOLUTE = [
    ("reconcile", "application/json"),
    ("reconcile/draft", "application/json"),
    ("sparql", "text/turtle"),
    ("sparql", "text/html"),
    ("queries/?format=json", "application/json"),
    ("dumps/?format=json", "application/json"),
    ("doc/state/DE-BY", "text/html"),
]


@pytest.fixture(scope="module")
def public_app(release_dir):
    return create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "HOME": str(ROOT), "PUBLIC_URL": PUBLIC})


@pytest.mark.parametrize("path,accept", ABSOLUTE)
def test_a_forged_host_is_never_written_into_an_answer(client, path, accept):
    forged = client.get("/" + path, headers={"Host": FORGED, "Accept": accept})
    plain = client.get("/" + path, headers={"Accept": accept})
    assert forged.status_code == plain.status_code == 200
    assert FORGED not in forged.get_data(as_text=True)
    # the same bytes and the same ETag whatever the Host: a cache may keep one answer for all
    assert forged.get_data() == plain.get_data()
    assert forged.headers["ETag"] == plain.headers["ETag"]


@pytest.mark.parametrize("path,accept", ABSOLUTE)
def test_absolute_urls_start_with_the_public_url(public_app, path, accept):
    body = public_app.test_client().get("/" + path, headers={"Host": FORGED, "Accept": accept}).get_data(as_text=True)
    assert PUBLIC in body and FORGED not in body and "http://localhost" not in body


def test_the_reconciliation_manifest_sends_clients_to_the_public_url(public_app):
    manifest = json.loads(public_app.test_client().get("/reconcile", headers={"Host": FORGED}).get_data())
    assert manifest["view"]["url"] == PUBLIC + "reconcile/view?id={{id}}"
    assert manifest["preview"]["url"] == PUBLIC + "reconcile/preview?id={{id}}"
    assert {s["service_url"] for s in manifest["suggest"].values()} == {PUBLIC + "reconcile"}
    assert manifest["documentation"] == PUBLIC


def test_without_a_public_url_the_bound_address_is_used(release_dir):
    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "HOME": str(ROOT), "HOST": "0.0.0.0", "PORT": 9999})
    manifest = json.loads(app.test_client().get("/reconcile", headers={"Host": FORGED}).get_data())
    assert manifest["documentation"] == "http://localhost:9999/"


@pytest.mark.parametrize("bad", ["ftp://kg.example.org/", "kg.example.org", "https://kg.example.org/?a=1", "https:///x"])
def test_a_public_url_that_is_no_http_url_is_refused(release_dir, bad):
    with pytest.raises(InputError, match="--public-url"):
        create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "PUBLIC_URL": bad})


def test_trusted_hosts_refuse_other_hosts(release_dir):
    app = create_app({"TESTING": True, "RELEASE_DIR": str(release_dir), "HOME": str(ROOT),
                      "TRUSTED_HOSTS": "kg.example.org, localhost"})
    client = app.test_client()
    assert client.get("/reconcile", headers={"Host": "kg.example.org"}).status_code == 200
    refused = client.get("/reconcile", headers={"Host": FORGED})
    assert refused.status_code == 400 and "not trusted" in refused.get_data(as_text=True)


def test_a_served_answer_ignores_the_host(start_server):
    """The real server (the plain GET of /sparql goes beneath Flask there, web/http/fastpath.py)."""
    server = start_server("--public-url", PUBLIC)
    forged = server.request(path="sparql", headers={"Host": FORGED, "Accept": "text/turtle"})
    assert forged.status == 200 and FORGED not in forged.text and f"<{PUBLIC}sparql>" in forged.text
    manifest = server.request(path="reconcile", headers={"Host": FORGED, "Accept": "application/json"})
    assert FORGED not in manifest.text and json.loads(manifest.body)["documentation"] == PUBLIC

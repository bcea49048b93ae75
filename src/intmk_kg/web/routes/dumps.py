"""Downloads: /dumps/ lists the files of the release manifest, /dumps/<name> serves one of them.

Only names listed in the manifest are served, so no request can reach a path outside the
release. Gzip files are served as they are, `Content-Type: application/gzip` without
`Content-Encoding`: `curl -O` and browsers then save exactly the published bytes, whose SHA-256
the listing gives, and no client unpacks them behind the reader's back.

An uncompressed download travels gzip-encoded to a client that accepts it, as the gzip copy the
build wrote once (kind `encoded` in release.json), never compressed per request; a release built
before those copies existed sends the file as it is. Each variant has its own strong ETag, so
ranges and If-Range work in both. With ACCEL_REDIRECT the app still decides everything (which
file, 404, 503, variant, headers, 304) but leaves sending the bytes to nginx (X-Accel-Redirect),
so a slow reader holds an nginx connection, not an app thread (docs/deploy.md).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, g, render_template, request, send_file

from ... import formats
from ...readable import message
from .. import state
from ..http.conneg import HTML_OFFER, negotiate, page_language, preferred_language
from ..http.policy import CACHE_SECONDS
from ..pages import downloads

bp = Blueprint("dumps", __name__)

JSON = formats.JSON
ACCEL_DROPPED = ("Content-Length", "Content-Range")  # nginx sends its own for the file it reads


def _release():
    release = state.current().release
    if release is None:
        abort(404, description=message("error.no_dumps", preferred_language()))
    return release


@bp.get("/dumps/")
def listing():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    release = _release()
    if offer is JSON:
        response = current_app.json.response(downloads.json_body(release))
    else:
        response = Response(render_template("dumps.html", files=downloads.files(release), version=release.version,
                                            lang=page_language()), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/dumps/<path:name>")
def download(name: str):
    release = _release()
    entry = next((f for f in release.downloads if f["name"] == name), None)
    if entry is None and release.plain_of(name) is not None:
        return _plain(release, release.plain_of(name))
    if entry is None:
        abort(404, description=message("error.no_file", preferred_language(), name=name[:100]))
    path = release.file(entry["name"])
    if path.resolve().parent != release.path:
        abort(404, description=message("error.no_file", preferred_language(), name=name[:100]))
    _refuse_unless_intact(entry["name"])
    copy = _gzip_copy(release, entry)
    sent = copy if copy is not None and request.accept_encodings["gzip"] > 0 else entry
    gzipped = entry.get("encoding") == "gzip"
    response = send_file(
        release.file(sent["name"]),
        mimetype="application/gzip" if gzipped else entry["media_type"],
        download_name=entry["name"],
        conditional=True,
        etag=f"{release.version}-{entry['name']}" + ("-gzip" if sent is copy else ""),
        max_age=CACHE_SECONDS,
    )
    g.encoding_chosen = True  # the response policy compresses nothing here (web/http/policy.py)
    if copy is not None:
        response.vary.add("Accept-Encoding")
        if sent is copy and response.status_code != 304:
            response.headers["Content-Encoding"] = "gzip"
    prefix = current_app.config.get("ACCEL_REDIRECT")
    if prefix and response.status_code in (200, 206):
        return _accel(response, f"{prefix.rstrip('/')}/{quote(release.path.name)}/{quote(sent['name'])}")
    return response


def _plain(release, gz: dict) -> Response:
    """A gzip dump under its name without `.gz`, with its RDF media type, for clients that read a URL
    and cannot unpack application/gzip (rdflib, Comunica): the published gzip bytes as Content-Encoding
    gzip to a client that accepts it (nothing computed, and through X-Accel-Redirect with ACCEL_REDIRECT),
    else decompressed as it is sent. That last one is sent by the app even behind nginx, which buffers it
    in temporary files up to its proxy_max_temp_file_size (1 GB by default): a slow reader of a larger
    dump holds an app thread, and each such download costs the decompression's CPU (docs/deploy.md)."""
    _refuse_unless_intact(gz["name"])
    plain = gz["plain"]["name"]
    if request.accept_encodings["gzip"] > 0:
        response = send_file(release.file(gz["name"]), mimetype=gz["media_type"], download_name=plain, conditional=True,
                             etag=f"{release.version}-{plain}-gzip", max_age=CACHE_SECONDS)
        if response.status_code != 304:
            response.headers["Content-Encoding"] = "gzip"
        prefix = current_app.config.get("ACCEL_REDIRECT")
        if prefix and response.status_code in (200, 206):
            response = _accel(response, f"{prefix.rstrip('/')}/{quote(release.path.name)}/{quote(gz['name'])}")
    else:
        etag = f"{release.version}-{plain}"
        if request.if_none_match.contains(etag):
            response = Response(status=304)
        else:
            response = Response(_gunzipped(release.file(gz["name"])), mimetype=gz["media_type"],
                                headers={"Content-Disposition": f'attachment; filename="{plain}"'})
        response.set_etag(etag)
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    g.encoding_chosen = True
    response.vary.add("Accept-Encoding")
    return response


def _gunzipped(path) -> Iterator[bytes]:
    with gzip.open(path, "rb") as f:
        while block := f.read(1 << 16):
            yield block


def _gzip_copy(release, entry: dict) -> dict | None:
    """The release's gzip copy of an uncompressed download, unless it has none or the copy is damaged
    (only a lost shortcut: the file itself is then sent as it is)."""
    copy = release.encoded(entry["name"]) if entry.get("encoding") is None else None
    if copy is None or state.current().intact.problem(copy["name"]) is not None:
        return None
    return copy


def _refuse_unless_intact(name: str) -> None:
    """503 for a file that is not as the server found it at start (web/intact.py), logged once per process."""
    intact = state.current().intact
    problem = intact.problem(name)
    if problem is None:
        return
    if name not in intact.reported:
        intact.reported.add(name)
        current_app.logger.error("dumps: %s %s; answering 503 for it until a restart finds it intact",
                                 intact.release.file(name), problem)
    abort(503, description=f"The file {name} {problem} and is not sent, since its listed SHA-256 and ETag would "
                           "no longer hold; the other files and the SPARQL endpoint are not affected. Please try "
                           "again later.")


def _accel(sent: Response, uri: str) -> Response:
    """The same answer without its body: nginx sends the file named by X-Accel-Redirect (and the range asked)."""
    sent.close()
    response = Response(status=200)
    for key, value in sent.headers.items():
        if key not in ACCEL_DROPPED and key != "Content-Type":
            response.headers.add(key, value)
    response.headers["Content-Type"] = sent.headers["Content-Type"]
    response.headers["X-Accel-Redirect"] = uri
    return response

"""Downloads: /dumps/ lists the files of the release manifest, /dumps/<name> serves one of them.

Only names listed in the manifest are served, so no request can reach a path outside the
release. Gzip files are served as they are, `Content-Type: application/gzip` without
`Content-Encoding`: `curl -O` and browsers then save exactly the published bytes, whose SHA-256
the listing gives, and no client unpacks them behind the reader's back.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from .conneg import HTML_OFFER, Offer, negotiate
from .http import CACHE_SECONDS
from .origin import public_url

bp = Blueprint("dumps", __name__)

JSON = Offer("json", "application/json")


def _release():
    release = current_app.extensions["intmk"].release
    if release is None:
        abort(404, description="This server serves RDF files without a release; there are no dumps to download.")
    return release


@bp.get("/dumps/")
def listing():
    offer = negotiate(request, [HTML_OFFER, JSON], request.args.get("format"))
    release = _release()
    files = [{**f, "url": public_url("dumps/" + f["name"])} for f in release.downloads]
    if offer is JSON:
        response = current_app.json.response({
            "version": release.version, "license": release.manifest["license"], "files": files,
        })
    else:
        response = Response(render_template("dumps.html", files=files, version=release.version), mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/dumps/<path:name>")
def download(name: str):
    release = _release()
    entry = next((f for f in release.downloads if f["name"] == name), None)
    if entry is None:
        abort(404, description=f"{name[:100]!r} is not a file of this release; /dumps/ lists them.")
    path = release.file(entry["name"])
    if path.resolve().parent != release.path:
        abort(404, description=f"{name[:100]!r} is not a file of this release; /dumps/ lists them.")
    gzipped = entry.get("encoding") == "gzip"
    return send_file(
        path,
        mimetype="application/gzip" if gzipped else entry["media_type"],
        download_name=entry["name"],
        conditional=True,
        etag=f"{release.version}-{entry['name']}",
        max_age=CACHE_SECONDS,
    )

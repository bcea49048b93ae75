"""What /dumps/ lists: the release's downloads, each gzip dump followed by the uncompressed view
the server also answers under its name without `.gz`, each with its public URL. routes/dumps.py
negotiates, renders and sends the files."""

from __future__ import annotations

from ...release import Release
from ..http.origin import public_url


def files(release: Release) -> list[dict]:
    """The downloads, each gzip dump followed by its uncompressed view (`intmk-kg.nq` after `intmk-kg.nq.gz`)."""
    rows = []
    for f in release.downloads:
        rows.append(f)
        if "plain" in f:
            rows.append({**{k: v for k, v in f.items() if k != "plain"}, **f["plain"], "encoding": None,
                         "view_of": f["name"]})
    return [{**row, "url": public_url("dumps/" + row["name"])} for row in rows]


def json_body(release: Release) -> dict:
    return {"version": release.version, "license": release.manifest["license"], "files": files(release)}

"""The public origin of the absolute URLs in our answers, from configuration only.

Answers are cached for an hour by clients and by the nginx in front (docs/deploy.md), and their
ETags do not depend on the request's Host. A URL built from that header would let one request
with a forged Host put its host into the answer every later client gets (the security report of
2026-12-01, finding 1). So `PUBLIC_URL` names the origin; left empty it is the address `serve`
binds, which is right for a server used where it runs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from ...errors import InputError, Problem

WILDCARDS = {"0.0.0.0", "::", ""}


def configured(config) -> str:
    """PUBLIC_URL as the app uses it: scheme, host, optional path, one trailing slash."""
    url = str(config.get("PUBLIC_URL") or "").strip()
    if not url:
        host = str(config.get("HOST") or "")
        host = "localhost" if host in WILDCARDS else f"[{host}]" if ":" in host else host
        return f"http://{host}:{int(config.get('PORT') or 80)}/"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise InputError(Problem(f"--public-url must be an http(s) URL without query or fragment, not {url!r}"))
    return url.rstrip("/") + "/"


def public_url(path: str = "") -> str:
    """The absolute URL of `path` (relative to the app's root, no leading slash)."""
    return current_app.config["PUBLIC_ORIGIN"] + path.lstrip("/")

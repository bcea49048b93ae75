"""Our IRIs and this server's paths: a path on any host names the IRI under BASE_URL.

`https://w3id.org/intmk/id/state/DE-NI` is answered at `/id/state/DE-NI` wherever the server
runs, so pages link to local paths and the canonical IRI stays the identifier.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import abort, current_app, request

from ... import namespaces as ns
from ...readable import message


def base() -> str:
    return current_app.config["BASE_URL"]


def canonical(path: str) -> str:
    """The IRI a request path names."""
    return base() + path.lstrip("/")


def local(iri: str) -> str | None:
    """The server path of one of our IRIs (a fragment stays), or None for anybody else's."""
    b = base()
    return "/" + iri[len(b):] if iri.startswith(b) else None


def href(iri: str) -> str | None:
    """Where a page links for one of our IRIs: entities go straight to their page (no 303 per
    click), in the language the reader chose explicitly; None for anybody else's IRI."""
    path = local(iri)
    if path is None or not path.startswith("/id/"):
        return path
    lang = request.args.get("lang")
    return "/doc/" + path[len("/id/"):] + (f"?lang={lang}" if lang in ("de", "en") else "")


def web_link(iri: str) -> str | None:
    """An IRI a page may link to: http(s) only, so data holding javascript: or data: IRIs cannot
    plant a script in a link (the Content-Security-Policy would block it too; this is the first wall)."""
    return iri if iri.lower().startswith(("http://", "https://")) else None


def checked_iri(iri: str) -> ox.NamedNode:
    """A node for an IRI taken from a request path; an IRI no RDF could hold is simply not ours (404)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        from .conneg import preferred_language

        abort(404, description=message("error.no_resource", preferred_language(), iri=iri[:200]))


def curie(iri: str) -> str:
    """A short prefixed name for display, or the IRI itself when no prefix fits."""
    best = ""
    for prefix, namespace in ns.PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(ns.PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(ns.PREFIXES[best]):]}" if best else iri

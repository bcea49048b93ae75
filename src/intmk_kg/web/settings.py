"""Server settings as one declarative table: it drives the CLI flags, the config and the docs.

A test fails when a setting is missing from docs/, so the table and the documentation cannot
drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str  # Flask config key; the CLI flag is --name-in-lower-case-with-dashes
    default: object
    help: str
    type: type = str

    @property
    def flag(self) -> str:
        return "--" + self.name.lower().replace("_", "-")


SETTINGS: list[Setting] = [
    Setting("HOST", "127.0.0.1", "Address to bind. Anything but loopback is safe only behind nginx as in "
            "docs/deploy.md (slow clients, connection limits)."),
    Setting("PORT", 8080, "Port to bind.", int),
    Setting("WORKERS", 2, "WSGI worker processes (each holds the graph, shared copy-on-write).", int),
    Setting("TIMEOUT", 30.0, "Seconds a SPARQL query, or a reconciliation request, may run before it is stopped "
            "and answered with 503.", float),
    Setting("MAX_QUERY_BYTES", 100_000, "Largest accepted query text in bytes; larger gives 413.", int),
    Setting("MAX_RESULT_BYTES", 200_000_000, "Largest serialized query result in bytes; larger gives 503.", int),
    Setting("QUERY_MEMORY_MB", 2048, "Extra memory (MiB) a query process may allocate beyond the graph.", int),
    Setting("QUERY_PROCESSES", 2, "Isolated query processes per worker (a runaway query ends only its own).", int),
    Setting("ISOLATE", "heavy", "Which /sparql queries run in a query process: 'heavy' (all but a few triple patterns "
            "about one node, which run in the web worker) or 'all'."),
    Setting("CACHE_MB", 64, "Memory (MiB) per worker for answers to repeated /sparql queries; 0 turns the cache off.", int),
    Setting("BASE_URL", "https://w3id.org/intmk/", "Canonical base of our IRIs; pages are served on any host."),
    Setting("PUBLIC_URL", "", "Public address of this server, used in every absolute URL of an answer (reconciliation "
            "manifests, service description, listings); empty: http://HOST:PORT/. Never taken from the Host header."),
    Setting("TRUSTED_HOSTS", "", "Comma-separated Host names the server answers; other Hosts get 400. Empty: any."),
    Setting("CLIENT_TIMEOUT", 10.0, "Seconds a client may take to send one request (head and body) and to take each "
            "part of an answer; a slower one is disconnected.", float),
    Setting("CORS_ORIGIN", "*", "Access-Control-Allow-Origin on public routes."),
    Setting("ACCEL_REDIRECT", None, "URI prefix of an internal nginx location aliasing the folder of release folders "
            "(e.g. /_release/): /dumps/<name> then answers with X-Accel-Redirect and nginx sends the file. "
            "Unset: the app sends files itself."),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}

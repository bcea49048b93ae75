"""Server settings as one declarative table: it drives the CLI flags, the config and the docs.

docs/settings.md's table is written from it (`python -m intmk_kg.web.settings_doc --write docs/settings.md`),
and a test runs `--check`, so the table and the documentation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str  # Flask config key; the CLI flag is --name-in-lower-case-with-dashes
    default: object
    help: str  # the line of `serve --help`
    type: type = str
    doc: str = ""  # the longer text of docs/settings.md (Markdown), when the help line is not enough

    @property
    def flag(self) -> str:
        return "--" + self.name.lower().replace("_", "-")


SETTINGS: list[Setting] = [
    Setting("HOST", "127.0.0.1", "Address to bind. Anything but loopback is safe only behind nginx as in "
            "docs/deploy.md (slow clients, connection limits).",
        doc="Address to bind. Anything but loopback is safe only behind nginx as in "
            "[deploy.md](deploy.md#safe-to-expose) (it buffers slow clients and limits connections); `serve` warns "
            "when it binds elsewhere."),
    Setting("PORT", 8080, "Port to bind.", int),
    Setting("WORKERS", 2, "WSGI worker processes (each holds the graph, shared copy-on-write).", int,
        doc="WSGI worker processes (gunicorn, app preloaded: each holds the graph, shared copy-on-write)."),
    Setting("TIMEOUT", 30.0, "Seconds a SPARQL query, or a reconciliation request, may run before it is stopped "
            "and answered with 503.", float,
        doc="Seconds a SPARQL query may run before the request is answered 503: a query process is killed; a query "
            "of the light subset, which runs in the web worker and cannot be stopped there, is answered 503 by the "
            "watchdog on the client's connection and the worker retires (gunicorn starts a fresh one). Also the "
            "deadline of a reconciliation request (a whole batch), answered 503 JSON past it."),
    Setting("MAX_QUERY_BYTES", 100_000, "Largest accepted query text in bytes; larger gives 413.", int),
    Setting("MAX_RESULT_BYTES", 200_000_000, "Largest serialized query result in bytes; larger gives 503.", int),
    Setting("QUERY_MEMORY_MB", 2048, "Extra memory (MiB) a query process may allocate beyond the graph.", int,
        doc="Extra memory (MiB) a query process may allocate beyond the graph; past it the query fails with 503."),
    Setting("QUERY_PROCESSES", 2, "Isolated query processes per worker (a runaway query ends only its own).", int,
        doc="Isolated query processes per worker; a runaway query ends only its own process, which is replaced."),
    Setting("ISOLATE", "heavy", "Which /sparql queries run in a query process: 'heavy' (all but a few triple patterns "
            "about one node, which run in the web worker) or 'all'.",
        doc="Which /sparql queries run in a query process. `heavy`: all but the bounded subset (up to 8 triple "
            "patterns about one node, each with a constant subject or object, or a single pattern in SELECT and ASK; "
            "LIMIT, OFFSET up to 10,000; no FILTER, OPTIONAL, paths, aggregates or FROM; see docs/architecture.md), "
            "which runs in a thread of the web worker, two at a time, with answers up to 4 MiB (larger ones come from "
            "a query process); one of those that overruns the timeout is answered 503 and the worker is replaced once "
            "its other requests are served. `all`: every query in a query process (slower for light queries)."),
    Setting("CACHE_MB", 64, "Memory (MiB) per worker for answers to repeated /sparql queries; 0 turns the cache off.", int,
        doc="Memory (MiB) each worker keeps for answers to repeated `/sparql` queries (least recently used go first); "
            "`0` turns the cache off. See [deploy.md](deploy.md)."),
    Setting("BASE_URL", "https://w3id.org/intmk/", "Canonical base of our IRIs; pages are served on any host.",
        doc="Canonical base of our IRIs; the same paths are answered on any host."),
    Setting("PUBLIC_URL", "", "Public address of this server, used in every absolute URL of an answer (reconciliation "
            "manifests, service description, listings); empty: http://HOST:PORT/. Never taken from the Host header.",
        doc="Public address of this server (e.g. `https://intmk.example.org/`), the start of every absolute URL in an "
            "answer: reconciliation manifests, the service description, the editor page, `/queries/` and `/dumps/` as "
            "JSON, schema.org `url` of pages. Empty: `http://HOST:PORT/` (`localhost` for a wildcard address). Never "
            "taken from the request's `Host`, so a forged Host cannot reach a cached answer."),
    Setting("TRUSTED_HOSTS", "", "Comma-separated Host names the server answers; other Hosts get 400. Empty: any.",
        doc="Comma-separated Host names the server answers (Flask's `TRUSTED_HOSTS`; `.example.org` matches its "
            "subdomains); any other Host gets 400. Empty: any Host (no answer depends on it)."),
    Setting("CLIENT_TIMEOUT", 10.0, "Seconds a client may take to send one request (head and body) and to take each "
            "part of an answer; a slower one is disconnected.", float,
        doc="Seconds a client may take to send one request, head and body, from its first byte, and to take each part "
            "of an answer; a slower client is disconnected (a request thread is not held by a client that sends a "
            "byte a second)."),
    Setting("CORS_ORIGIN", "*", "Access-Control-Allow-Origin on public routes.",
        doc="`Access-Control-Allow-Origin` on public routes."),
    Setting("ACCEL_REDIRECT", None, "URI prefix of an internal nginx location aliasing the folder of release folders "
            "(e.g. /_release/): /dumps/<name> then answers with X-Accel-Redirect and nginx sends the file. "
            "Unset: the app sends files itself.",
        doc="URI prefix of an `internal` nginx location that aliases the folder holding the release folders "
            "(`dist/releases/`), e.g. `/_release/`. `/dumps/<name>` then still decides the file, status and headers "
            "but answers with `X-Accel-Redirect: /_release/<version>/<file>`, and nginx sends the bytes, so slow "
            "downloads hold no app thread. Unset: the app sends files itself (no nginx needed). Set it only behind a "
            "front end configured as in [deploy.md](deploy.md)."),
]

DEFAULTS = {s.name: s.default for s in SETTINGS}

TABLE_HEAD = "| flag | config key | default | what it does |"


def _default(value: object) -> str:
    if value is None:
        return "`None` (unset)"
    if value == "":
        return "(empty)"
    return f"`{value}`"


def doc_table() -> str:
    """The Markdown table of docs/settings.md, one row per setting."""
    rows = [TABLE_HEAD, "|---|---|---|---|"]
    rows += [f"| `{s.flag}` | `{s.name}` | {_default(s.default)} | {s.doc or s.help} |" for s in SETTINGS]
    return "\n".join(rows) + "\n"


def with_table(text: str) -> str:
    """`text` (a Markdown page) with its settings table replaced by doc_table(); the prose around it stays."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip("\n") == TABLE_HEAD), None)
    if start is None:
        raise ValueError(f"no line {TABLE_HEAD!r} starts the settings table")
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "".join(lines[:start]) + doc_table() + "".join(lines[end:])


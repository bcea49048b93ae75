"""The framework's ceiling for bench/http_compare.py: a bare Flask app on pyoxigraph under the same
gunicorn set-up as `intmk-kg serve` (same options: gthread workers, threads, preload), answering
GET /sparql?query=... from the same store. No guard, no query processes, no response policy: what
Flask, gunicorn and pyoxigraph cost on their own.

    .venv/bin/python bench/flask_ceiling.py --store STORE --port 8090 [--workers 2]
    .venv/bin/python bench/flask_ceiling.py --release-dir DIST --port 8090   # in memory, as serve loads it
"""

from __future__ import annotations

import argparse
import os
import threading

import pyoxigraph as ox
from flask import Flask, Response, request

from intmk_kg.release import load_store, open_release
from intmk_kg.server import Server, options

SOLUTIONS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON, "text/csv": ox.QueryResultsFormat.CSV}
GRAPHS = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES}


class PerProcess:
    """A read-only on-disk store opened once per process (a RocksDB handle must not cross a fork)."""

    def __init__(self, path: str):
        self.path, self.pid, self.store = path, None, None
        self.lock = threading.Lock()

    def get(self) -> ox.Store:
        with self.lock:
            if self.pid != os.getpid():
                self.store, self.pid = ox.Store.read_only(self.path), os.getpid()
            return self.store


def create(store) -> Flask:
    app = Flask(__name__)

    @app.get("/sparql")
    def sparql():
        result = store().query(request.args["query"])
        if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            media = request.accept_mimetypes.best_match(SOLUTIONS) or "application/sparql-results+json"
            return Response(result.serialize(format=SOLUTIONS[media]), mimetype=media)
        media = request.accept_mimetypes.best_match(GRAPHS) or "text/turtle"
        return Response(ox.serialize(result, format=GRAPHS[media]), mimetype=media)

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--store", help="on-disk store of `intmk-kg build --store`")
    source.add_argument("--release-dir", help="release folder, loaded into memory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if args.store:
        store = PerProcess(args.store).get
    else:
        loaded = load_store(open_release(args.release_dir))
        store = lambda: loaded  # noqa: E731
    config = {"HOST": "127.0.0.1", "PORT": args.port, "WORKERS": args.workers, "QUERY_PROCESSES": 2, "TIMEOUT": 30}
    settings = {k: v for k, v in options(config).items() if k not in ("post_fork", "when_ready")}
    Server(create(store), settings).run()


if __name__ == "__main__":
    main()

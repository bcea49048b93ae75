"""Run the web app under gunicorn, the production WSGI server, from `intmk-kg serve`.

The app (and with it the graph) is created once in the master process before gunicorn forks
its workers, so every worker shares the loaded store copy-on-write. Each worker is a threaded
worker (gthread) that starts its own pool of query processes right after it is forked, while
it still has a single thread; a SPARQL query waits in one thread while other threads serve
pages. Queries of the bounded subset run in the worker itself (web/lanes.py); one of them that
overruns its time limit retires the worker, and gunicorn replaces it.
"""

from __future__ import annotations

import os
import threading

from flask import Flask
from gunicorn.app.base import BaseApplication

from .web import create_app
from .web.executor import web_threads
from .web.lanes import on_retire

RETIRE_SECONDS = 3  # how long a retiring worker has to finish its other requests
HEARTBEAT_SLACK = 30  # seconds a worker may stay silent beyond the query timeout before gunicorn replaces it


class Server(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def options(config: dict) -> dict:
    host, port = config["HOST"], int(config["PORT"])
    processes = max(1, int(config["QUERY_PROCESSES"]))
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": max(1, int(config["WORKERS"])),
        "worker_class": "gthread",
        "threads": web_threads(processes),
        "timeout": int(float(config["TIMEOUT"])) + HEARTBEAT_SLACK,
        "graceful_timeout": 10,
        "preload_app": True,
        "limit_request_line": 8190,  # gunicorn's maximum; longer queries go by POST
        "proc_name": "intmk-kg",
        "post_fork": _start_query_processes,
        "when_ready": _announce,
    }


def run(config: dict) -> None:
    """Load the graph (InputError or ValidationFailed if it cannot be), then serve until stopped."""
    app = create_app(config)
    Server(app, options(config)).run()


def _start_query_processes(server, worker) -> None:
    """Before the worker accepts a client or starts a thread: its fork server (which must not keep
    the listening sockets) and, forked by that, its query processes."""
    on_retire(lambda: _retire(worker))
    pool = getattr(server.app.application.extensions["intmk"].service, "pool", None)
    if pool is not None:
        pool(closing=[sock.fileno() for sock in worker.sockets])


def _retire(worker) -> None:
    """A query stuck in this worker's engine: stop accepting, finish the other requests, exit.

    gunicorn's threaded worker leaves its loop within a second of `alive` turning false, then
    waits for its open requests, the stuck one included; so the process ends itself after
    RETIRE_SECONDS, and the arbiter starts a fresh worker in its place.
    """
    worker.alive = False
    timer = threading.Timer(RETIRE_SECONDS, os._exit, (0,))
    timer.daemon = True
    timer.start()


def _announce(server) -> None:
    state = server.app.application.extensions["intmk"]
    what = f"release {state.version}" if state.release is not None else f"RDF files (version {state.version})"
    for listener in server.LISTENERS:
        print(f"intmk-kg: serving {what} at {listener}/ (SPARQL endpoint: {listener}/sparql)", flush=True)

"""Run the web app under gunicorn, the production WSGI server, from `intmk-kg serve`.

The app (and with it the graph) is created once in the master process before gunicorn forks
its workers, so every worker shares the loaded store copy-on-write. Each worker is a threaded
worker (gthread, with a time limit on slow clients: worker.py) that starts its fork server and,
through it, its query processes right after it is forked, while it still has a single thread and
no client (web/query/isolation/spawner.py); a SPARQL query waits in one thread while other threads serve pages.
Queries of the bounded subset run in the worker itself (web/query/isolation/inline.py); one of them that overruns
its time limit retires the worker, and gunicorn replaces it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from logging import getLogger

from flask import Flask
from gunicorn.app.base import BaseApplication

from .web import create_app, state
from .web.query.isolation.processes import web_threads

log = getLogger(__name__)

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
        "worker_class": "intmk_kg.worker.Worker",  # gthread with a time limit on slow clients
        "threads": web_threads(processes),
        "timeout": int(float(config["TIMEOUT"])) + HEARTBEAT_SLACK,
        "graceful_timeout": 10,
        "preload_app": True,
        "limit_request_line": 8190,  # gunicorn's maximum; longer queries go by POST
        "proc_name": "intmk-kg",
        # gunicorn's control socket is one path per user ($HOME/.gunicorn/gunicorn.ctl): a second
        # `serve` (a replica) would take it over and stopping either would remove it; nothing of
        # ours uses it.
        "control_socket_disable": True,
        "post_fork": _start_query_processes,
        "when_ready": _announce,
    }


def run(config: dict) -> None:
    """Load the graph (InputError or ValidationFailed if it cannot be), then serve until stopped."""
    app = create_app(config)
    if str(config.get("HOST")) not in ("127.0.0.1", "::1", "localhost"):
        print("intmk-kg: warning: serving beyond this machine; expose it only behind nginx as in docs/deploy.md "
              "(it buffers slow clients and limits connections), and set --public-url and --trusted-hosts",
              file=sys.stderr, flush=True)
    Server(app, options(config)).run()


def _start_query_processes(server, worker) -> None:
    """Before the worker accepts a client or starts a thread: its fork server (which must not keep
    the listening sockets) and, forked by that, its query processes."""
    served = state.of(server.app.application)
    served.hooks.retire = lambda reason: _retire(worker, served, reason)
    pool = getattr(served.service, "pool", None)
    if pool is not None:
        pool(closing=[sock.fileno() for sock in worker.sockets])


RETIRE_POLL_SECONDS = 0.1  # how often a retiring worker looks whether its other requests are done
RETIRE_LINGER_SECONDS = 0.5  # then how long it waits before it exits, for the last connection's close


def _retire(worker, served: state.ServerState, reason: str) -> None:
    """A query stuck in this worker's engine: stop accepting, finish the other requests, exit.

    As on SIGTERM, gunicorn's threaded worker stops accepting at once and serves the connections
    it has (one kept alive gets its next request answered with Connection: close) for up to its
    graceful timeout; but then it would wait forever for the thread stuck in the engine. So the
    process ends itself once no connection but the stuck ones is open, or the graceful timeout
    has passed, and the arbiter starts a fresh worker in its place.
    """
    log.warning("retiring web worker %d: %s", os.getpid(), reason)
    if getattr(worker, "intmk_retiring", False):
        return
    worker.intmk_retiring = True
    worker.handle_exit(signal.SIGTERM, None)  # alive = False, and the accepting loop wakes up now
    threading.Thread(target=_exit_when_served, args=(worker, served), name="retire", daemon=True).start()


def _exit_when_served(worker, served: state.ServerState) -> None:
    deadline = time.monotonic() + worker.cfg.graceful_timeout
    overrunning = getattr(served.service, "overrunning", lambda: 0)  # the inline lane's queries past their limit
    while worker.nr_conns > overrunning() and time.monotonic() < deadline:
        time.sleep(RETIRE_POLL_SECONDS)
    time.sleep(RETIRE_LINGER_SECONDS)  # the last answer's connection is closed on gunicorn's thread
    os._exit(0)


def _announce(server) -> None:
    served = state.of(server.app.application)
    what = f"release {served.version}" if served.release is not None else f"RDF files (version {served.version})"
    for listener in server.LISTENERS:
        print(f"intmk-kg: serving {what} at {listener}/ (SPARQL endpoint: {listener}/sparql)", flush=True)

"""Where a public query runs, and how it is stopped.

- `subset.py`: which queries are light enough to run in the web worker's request thread;
- `inline.py`: the lane that runs them there, watched: past the time limit the watchdog answers the
  client 503 on its socket and the worker retires, since a thread inside the engine cannot be stopped;
- `processes.py`: every other query in a killable query process (time, memory and network limits),
  forked by each worker's fork server (`spawner.py`).

The isolation keeps no module state. What it needs of the server around it comes in as `Hooks`:
how to retire the worker (server.py ends it under gunicorn), the socket of the current request's
client (set by a WSGI middleware, http/client.py) and the bytes of the 503 to write there (the
response policy, http/policy.py). Without a hook nothing breaks: no socket means the request waits
for its query, and retiring is only logged.

Once pyoxigraph can cancel a running query (a deadline or a cancel token honoured inside the
engine), most of this collapses: an overrunning inline query would be stopped in its thread and
answered 503 by the route like any other timeout, so the watchdog's raw 503 on the socket, the
client-socket middleware, the retiring of a worker (and server.py's wait for stuck threads) would
go; the subset could widen to any query that needs no more memory than a worker may hold, and the
query processes would remain only as the memory and network limit of the heavy ones.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


def _log_only(reason: str) -> None:
    log.warning("web worker %d should retire: %s", os.getpid(), reason)


def _no_socket():
    return None


def _plain_503(message: str) -> bytes:
    body = f"503 Service Unavailable\n{message}\n".encode()
    return (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


@dataclass
class Hooks:
    """What the isolation asks of the server around it (see the module's docstring)."""

    retire: Callable[[str], None] = _log_only  # the worker should stop: a query is stuck in it, or no process can be made
    client_socket: Callable[[], object | None] = _no_socket  # the socket of this thread's request, if the server gives one
    overrun_answer: Callable[[str], bytes] = _plain_503  # the whole HTTP answer the watchdog writes on that socket

"""Whether the client of this request is still connected, for work that should stop when it leaves.

gunicorn puts the client's socket in the WSGI environ (our worker wraps it; its descriptor is
what counts). A peek that does not wait, on a duplicate of the descriptor so that the server's own
socket keeps its timeout, tells a closed connection (end of stream) from a client that is only
waiting (nothing to read). Other servers give no socket; their requests count as connected.

`ClientSocket`, a WSGI middleware outermost around the app, also keeps the socket of the request
each thread serves, for the inline lane's watchdog (query/isolation/inline.py), which answers a
client itself when the thread serving it is stuck in the engine.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable

from flask import request


def departure_check() -> Callable[[], bool] | None:
    """A function telling whether this request's client has closed its connection (None if unknown)."""
    try:
        descriptor = request.environ["gunicorn.socket"].fileno()
    except (KeyError, AttributeError, OSError):
        return None
    return lambda: has_left(descriptor)


def has_left(descriptor: int) -> bool:
    try:
        with socket.socket(fileno=os.dup(descriptor)) as peer:
            return peer.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False  # connected, nothing sent: it waits for the answer
    except OSError:
        return True  # reset, or closed under us


_current = threading.local()  # .socket: the client socket of the request this thread serves


class ClientSocket:
    """WSGI middleware: the client socket of each request (gunicorn's), for `current_socket`."""

    def __init__(self, inner):
        self.inner = inner

    def __call__(self, environ, start_response):
        _current.socket = environ.get("gunicorn.socket")
        return self.inner(environ, start_response)


def current_socket():
    """The client socket of the request this thread serves (None without gunicorn)."""
    return getattr(_current, "socket", None)

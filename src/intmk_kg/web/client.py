"""Whether the client of this request is still connected, for work that should stop when it leaves.

gunicorn puts the client's socket in the WSGI environ. A peek that does not wait tells a closed
connection (no bytes and end of stream) from a client that is only waiting (nothing to read yet);
other servers give no socket, and the request then counts as connected.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from flask import request


def departure_check() -> Callable[[], bool] | None:
    """A function telling whether this request's client has closed its connection (None if unknown)."""
    sock = request.environ.get("gunicorn.socket")
    if not isinstance(sock, socket.socket):
        return None
    return lambda: has_left(sock)


def has_left(sock: socket.socket) -> bool:
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False  # connected, nothing sent: it waits for the answer
    except OSError:
        return True  # reset or closed under us

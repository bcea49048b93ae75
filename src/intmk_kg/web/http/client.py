"""Whether the client of this request is still connected, for work that should stop when it leaves.

gunicorn puts the client's socket in the WSGI environ (our worker wraps it; its descriptor is
what counts). A peek that does not wait, on a duplicate of the descriptor so that the server's own
socket keeps its timeout, tells a closed connection (end of stream) from a client that is only
waiting (nothing to read). Other servers give no socket; their requests count as connected.
"""

from __future__ import annotations

import os
import socket
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

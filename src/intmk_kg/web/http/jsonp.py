"""JSON answers of the JSON APIs (reconciliation, QID lookups), as JSONP when a GET names a callback."""

from __future__ import annotations

import json
import re

from flask import Response, request

CALLBACK = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{0,63}(?:\.[A-Za-z_$][A-Za-z0-9_$]{0,63}){0,3}", re.ASCII)


def reply(payload: object, status: int = 200) -> Response:
    """JSON, or JSONP when a GET names a valid `callback`."""
    body = json.dumps(payload, ensure_ascii=False)
    callback = request.args.get("callback") if request.method == "GET" else None
    if callback is None:
        return Response(body, status, mimetype="application/json")
    if not CALLBACK.fullmatch(callback):
        error = {"error": "the JSONP 'callback' must be a JavaScript name such as 'cb' or 'ns.cb' (letters, digits, _ and $)"}
        return Response(json.dumps(error), 400, mimetype="application/json")
    return Response(f"/**/{callback}({body});", status, mimetype="application/javascript")

"""The observing middleware: a request id, the latency histogram, and one access log line per request.

Plain ASGI rather than Starlette's BaseHTTPMiddleware, which runs the app in a separate task and
streams the response through a queue: here the only per-request work is a clock read, a context
variable, one header and one histogram observation.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stockgate.http.logs import request_id
from stockgate.http.metrics import Metrics

log = logging.getLogger("stockgate.access")

# A client's own id is kept when it is a plain token of sane length (it ends up in logs and headers).
_SANE_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
HEADER = b"x-request-id"
# Our own ids: a random prefix per process and a counter (a uuid4 per request cost a system call).
_ID_PREFIX = secrets.token_hex(8).encode()
_sequence = itertools.count(1)


class Observe:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _request_id(scope)
        token = request_id.set(rid.decode())
        status = 500  # if the app fails before answering, the server answers 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (HEADER, rid)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            self.metrics.observe_request(route, method, status, elapsed)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "method": method,
                        "route": route,
                        "path": scope["path"][:200],
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                        "client": (scope.get("client") or ("",))[0],
                    },
                )
            request_id.reset(token)


def _request_id(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == HEADER:
            if _SANE_ID.fullmatch(value):
                return bytes(value)
            break
    return b"%s%016x" % (_ID_PREFIX, next(_sequence))  # 32 hex digits, as a uuid4 gave


def _route_template(scope: Scope) -> str:
    # The router leaves the matched route in the scope; the template keeps the label set bounded
    # (a raw path would give every order id its own time series).
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    return path.rstrip("/") or "/"

"""The one table from exceptions to ghost API responses (ghost API section 1, Errors)."""

from __future__ import annotations

import json
import logging
import re

from starlette.responses import PlainTextResponse, Response

from stockgate.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    IncrementalWindowExceeded,
    InvalidInput,
    LineUnavailable,
    NotFound,
    NothingAvailable,
    UnknownStockId,
)
from stockgate.domain.throttle import RateLimited, Throttled
from stockgate.services.unit_of_work import Busy
from stockgate.wire.negotiation import NotAcceptable, UnsupportedMediaType

log = logging.getLogger("stockgate.http")


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body larger than {limit} bytes")


# Order creation reports every problem with the body as 429, as the seed documents say.
_ORDER_BODY_ERRORS = (InvalidInput, UnknownStockId, NothingAvailable, UnsupportedMediaType)

_STATUS: list[tuple[type[Exception], int]] = [
    (AuthenticationFailed, 401),
    (LineUnavailable, 404),
    (NotFound, 404),
    (NotAcceptable, 406),
    (IncrementalWindowExceeded, 412),
    (BodyTooLarge, 413),
    (UnsupportedMediaType, 415),
    (NothingAvailable, 429),
    (Throttled, 429),
    (Conflict, 409),
    (InvalidInput, 400),
    (UnknownStockId, 400),
    (DomainError, 400),
    (Busy, 503),
]

# How long a client should wait before sending again a request the database was too busy for.
RETRY_AFTER_BUSY = "1"


# Messages may quote a value from the request; a huge hostile value is not sent back whole.
MAX_MESSAGE = 300


def status_for(error: Exception, *, order_creation: bool = False) -> int:
    """The HTTP status of an error; 500 for anything not in the table (a defect)."""
    if order_creation and isinstance(error, _ORDER_BODY_ERRORS):
        return 429
    for kind, status in _STATUS:
        if isinstance(error, kind):
            return status
    return 500


def error_response(error: Exception, *, order_creation: bool = False) -> Response:
    """A short text/plain message naming the problem; a defect gets a generic body and a log line."""
    status = status_for(error, order_creation=order_creation)
    if status == 500:
        log.exception("unhandled error", exc_info=error)
        return PlainTextResponse("internal error", status_code=500)
    message = str(error)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "..."
    return PlainTextResponse(message, status_code=status, headers=_headers(error, status))


def _headers(error: Exception, status: int) -> dict[str, str] | None:
    if status == 401:
        return {"WWW-Authenticate": 'Basic realm="stockgate"'}
    if isinstance(error, RateLimited):
        return {
            "Retry-After": str(error.retry_after),
            "X-RateLimit-Limit": str(error.limit),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(error.reset),
        }
    if isinstance(error, Throttled):
        return {"Retry-After": str(error.retry_after)}
    if status == 503:
        return {"Retry-After": RETRY_AFTER_BUSY}
    return None


# --- The admin API's variant: RFC 9457 problem details, statuses from the same table.

PROBLEM_TYPE = "application/problem+json"


def problem_response(error: Exception) -> Response:
    """`application/problem+json` with type, title, status, detail (and the error's structured fields).

    The type names the error class (`urn:stockgate:problem:invalid-transition`), so a client can branch
    on it without parsing the detail; a defect gets a generic body and a log line.
    """
    status = status_for(error)
    if status == 500:
        log.exception("unhandled error", exc_info=error)
        name, detail = "InternalError", "internal error"
    else:
        name, detail = type(error).__name__, str(error)
    slug = re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
    document: dict[str, object] = {
        "type": f"urn:stockgate:problem:{slug}",
        "title": slug.replace("-", " ").capitalize(),
        "status": status,
        "detail": detail,
    }
    field = getattr(error, "field", None)
    if isinstance(field, str):
        document["field"] = field
    current = getattr(error, "current", None)
    if isinstance(current, int):
        document["current_status"] = current
    problems = getattr(error, "problems", None)
    if isinstance(problems, list):
        document["problems"] = [str(p) for p in problems]
    headers = {"WWW-Authenticate": 'Bearer realm="stockgate-admin"'} if status == 401 else None
    return Response(json.dumps(document), status_code=status, media_type=PROBLEM_TYPE, headers=headers)

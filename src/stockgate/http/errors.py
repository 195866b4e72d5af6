"""The one table from exceptions to ghost API responses (ghost API section 1, Errors)."""

from __future__ import annotations

import logging

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
    RateLimited,
    UnknownStockId,
)
from stockgate.services.ports import Busy
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
    (RateLimited, 429),
    (Conflict, 409),
    (InvalidInput, 400),
    (UnknownStockId, 400),
    (DomainError, 400),
    (Busy, 503),
]

# How long a client should wait before sending again a request the database was too busy for.
RETRY_AFTER_BUSY = "1"


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
    headers = {"WWW-Authenticate": 'Basic realm="stockgate"'} if status == 401 else None
    if isinstance(error, RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
    if status == 503:
        headers = {"Retry-After": RETRY_AFTER_BUSY}
    return PlainTextResponse(str(error), status_code=status, headers=headers)

"""Every error the client raises.

The hierarchy mirrors the ghost API's status codes (ghost-api.md, section 1)::

    StockgateError                  anything this library raises
    ├── TransportError              no usable HTTP answer: connection refused, reset, timed out
    ├── DecodingError               an answer arrived but its body is not what the API promises
    ├── InvalidSignature            a webhook's signature is missing, wrong or too old (webhooks.py)
    └── ApiError                    the server answered with an error status (.status, .message)
        ├── BadRequest              400: invalid values on reserve or returns (.code for return rules)
        ├── AuthenticationError     401: wrong API key or password, or a disabled account
        ├── NotFound                404: no such order or return (or not yours); acquire line not servable
        ├── PreconditionFailed      412: catalog ``since`` older than the incremental window
        ├── OrderRejected           429 on order creation: the body was refused, nothing was ordered
        ├── RateLimited             429 elsewhere: too many requests (.retry_after in seconds)
        └── ServerError             5xx

Other error statuses (406, 413, 415, ...) raise ``ApiError`` itself.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "AuthenticationError",
    "BadRequest",
    "DecodingError",
    "NotFound",
    "OrderRejected",
    "PreconditionFailed",
    "RateLimited",
    "ServerError",
    "StockgateError",
    "TransportError",
    "error_for_status",
]


class StockgateError(Exception):
    """Base class of every error raised by stockgate_client."""


class TransportError(StockgateError):
    """The request got no HTTP answer (connection failure, reset or timeout)."""


class DecodingError(StockgateError):
    """The server answered, but the body could not be read as the API describes it."""


class ApiError(StockgateError):
    """The server answered with an error status."""

    def __init__(self, status: int, message: str, *, code: int | None = None) -> None:
        super().__init__(f"{status}: {message}" if message else str(status))
        self.status = status
        self.message = message
        self.code = code


class BadRequest(ApiError):
    """400: the request carried invalid values (also a broken return-request rule)."""


class AuthenticationError(ApiError):
    """401: the API key or password was refused."""


class NotFound(ApiError):
    """404: the order, return or stock line does not exist for this account."""


class PreconditionFailed(ApiError):
    """412: the catalog ``since`` is older than the server's incremental window."""


class OrderRejected(ApiError):
    """429 on order creation: the server refused the order body and ordered nothing."""


class RateLimited(ApiError):
    """429: too many requests; ``retry_after`` says how many seconds to wait, when the server said."""

    def __init__(self, status: int, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server failed."""


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: AuthenticationError,
    404: NotFound,
    412: PreconditionFailed,
}


def error_for_status(
    status: int,
    message: str,
    *,
    order_creation: bool = False,
    retry_after: float | None = None,
    code: int | None = None,
) -> ApiError:
    """Build the exception that stands for an error answer with this status."""
    if status == 429:
        # Order endpoints use 429 for a refused body as well as for rate limiting; only the
        # rate limiter sends Retry-After, so that header is what tells the two apart.
        if order_creation and retry_after is None:
            return OrderRejected(status, message)
        return RateLimited(status, message, retry_after=retry_after)
    if status >= 500:
        return ServerError(status, message)
    return _BY_STATUS.get(status, ApiError)(status, message, code=code)

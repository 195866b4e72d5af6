"""When a failed request may be sent again, and how long to wait first.

A request is *replayable* when sending it twice does no more than sending it once: every GET, a
reserve made only of ``set``/``ensure`` operations, a dropshipping order (the server answers a known
``key`` with the existing order). Any request is replayable if it never left the client (the
connection could not be opened). Rate limiting answers before anything is done, so a 429 with
Retry-After is retried whatever the request.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .errors import RateLimited, ServerError, StockgateError, TransportError

__all__ = ["Retries", "parse_retry_after"]


@dataclass(frozen=True)
class Retries:
    """Retry policy: how many retries, exponential back-off with full jitter, longest wait honoured."""

    total: int = 2
    backoff: float = 0.5
    max_backoff: float = 8.0
    # A Retry-After longer than this (a full catalog export limited to a few per hour) is not slept
    # through: the RateLimited error goes to the caller, who can plan around it.
    max_retry_after: float = 60.0

    def delay(self, attempt: int, error: StockgateError, *, replayable: bool) -> float | None:
        """Seconds to wait before retry number ``attempt`` (from 1), or None to give up and raise."""
        if attempt > self.total:
            return None
        if isinstance(error, RateLimited):
            if error.retry_after is None:
                return self._backoff(attempt)
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        if isinstance(error, TransportError | ServerError) and replayable:
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        # Full jitter spreads the retries of many clients hit by the same outage.
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), None if absent."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())

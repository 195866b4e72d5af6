"""Limits on how hard one client may push: the request rate per account and failed authentications.

Rate: a token bucket per account (ghost API section 1: burst 100, refilled at 50 per second by default,
configurable per account). Failed authentication: after a few failures a key or a client address is
locked out for a time that doubles with each further failure, up to a quarter of an hour, so a password
cannot be guessed faster than a handful of tries per quarter hour once the free attempts are spent.
"""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.domain.errors import DomainError

DEFAULT_BURST = 100
DEFAULT_PER_SECOND = 50.0
# Burst 0 means "no limit": for the supplier's own tools and benchmarks, set per account or globally.
UNLIMITED = 0
MAX_PER_SECOND = 1_000_000.0
MAX_BURST = 1_000_000

KEY_FREE_FAILURES = 5  # a shop mistyping its password a few times is not locked out
ADDRESS_FREE_FAILURES = 20  # one address may be a NAT in front of several shops
MAX_LOCKOUT_SECONDS = 15 * 60
# Failures older than this are forgotten: a counter does not follow a shop around for days.
FAILURE_MEMORY_SECONDS = 15 * 60


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A token bucket's shape: `burst` requests at once, then `per_second` on average."""

    burst: int = DEFAULT_BURST
    per_second: float = DEFAULT_PER_SECOND

    def __post_init__(self) -> None:
        if not 0 <= self.burst <= MAX_BURST:
            raise InvalidLimit(f"burst must be between 0 (no limit) and {MAX_BURST}")
        if self.burst and not (0.001 <= self.per_second <= MAX_PER_SECOND):
            raise InvalidLimit(f"the refill rate must be between 0.001 and {MAX_PER_SECOND:.0f} per second")

    @property
    def unlimited(self) -> bool:
        return self.burst == UNLIMITED

    @property
    def per_second_milli(self) -> int:
        """The refill in thousandths of a token per second: buckets count in whole numbers."""
        return round(self.per_second * 1000)

    @property
    def full_milli(self) -> int:
        return self.burst * 1000

    def level(self, tokens_milli: int, refreshed_ms: int, now_ms: int) -> int:
        """A bucket's content at `now_ms` (thousandths of a token), refilled since `refreshed_ms`.

        A clock that went backwards refills nothing; a day or more refills it completely.
        """
        elapsed = min(max(0, now_ms - refreshed_ms), 86_400_000)
        return min(self.full_milli, tokens_milli + elapsed * self.per_second_milli // 1000)

    def wait_ms(self, level_milli: int, wanted_milli: int = 1000) -> int:
        """Milliseconds until a bucket holding `level_milli` holds `wanted_milli`."""
        missing = max(0, wanted_milli - level_milli)
        return -(-missing * 1000 // self.per_second_milli)


def lease_size(level_milli: int, burst: int) -> int:
    """Whole tokens one server process takes at once from a shared bucket holding `level_milli`/1000.

    A process serves its lease without asking the database again. A quarter of what is left, at most a
    tenth of the burst: few round trips while the bucket is full, and one token at a time near empty,
    so the last tokens are never stranded in a process that does not need them. (The same rule runs
    inside the database's UPDATE; storage/throttle_repo.py mirrors it.)
    """
    if level_milli < 1000:
        return 0
    return min(max(1, level_milli // 4000), max(1, burst // 10))


def lockout_seconds(failures: int, free: int) -> int:
    """How long a subject with `failures` consecutive failures is refused (0: not locked out)."""
    if failures < free:
        return 0
    return int(min(MAX_LOCKOUT_SECONDS, 2 ** (failures - free + 1)))


class InvalidLimit(DomainError):
    """A rate limit that cannot be configured."""


class Throttled(DomainError):
    """The client must wait `retry_after` seconds before asking again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class RateLimited(Throttled):
    """The account's token bucket is empty."""

    def __init__(self, limit: int, retry_after: int, reset: int) -> None:
        super().__init__(
            f"rate limit of {limit} requests exceeded; retry in {max(1, retry_after)} s", retry_after
        )
        self.limit = limit
        self.reset = reset


class LockedOut(Throttled):
    """Too many failed authentications for this API key or client address; nothing was verified."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed authentications; retry in {max(1, retry_after)} s", retry_after)

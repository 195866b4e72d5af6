"""Rate limiting per account: one token bucket shared by every server process, kept in the database.

Asking the database on every request would turn every read into a write. Instead a process takes a
lease of a few tokens at once (domain.throttle.lease_size) and spends it locally. Only tokens taken
from the shared bucket are ever spent, so the limit holds however many processes serve the account; a
lease not spent within LEASE_SECONDS is dropped (those tokens are lost, never spent twice). An empty
bucket is remembered until its next token is due, so a client hammering it costs no database work.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from stockgate.domain.throttle import RateLimit, RateLimited, lease_size
from stockgate.services.accounts import find_account_row
from stockgate.services.unit_of_work import Database, Tx

LEASE_SECONDS = 1.0
# How long a process trusts "this account has no limit" before asking again (a new limit set by the
# supplier takes effect within this time).
UNLIMITED_SECONDS = 5.0
_PRUNE_AT = 10_000


@dataclass(frozen=True, slots=True)
class Admission:
    """A request let through, with what the rate-limit headers report."""

    limit: int
    remaining: int  # approximately: the shared bucket as last seen plus this process's lease
    reset: int  # seconds until the bucket is full again


@dataclass
class _Lease:
    limit: RateLimit
    remaining: int
    shared_milli: int  # the shared bucket after this lease was taken
    expires: float
    denied_until: float = 0.0


class RateLimiter:
    """The per-process front of the shared buckets (one per server process)."""

    def __init__(self, db: Database, default: RateLimit, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.default = default
        self.clock = clock
        self._leases: dict[int, _Lease] = {}
        self._mutex = threading.Lock()

    def admit(self, account_id: int) -> Admission | None:
        """Spend one token of the account's bucket; None when it has no limit, RateLimited when empty."""
        now = self.clock()
        with self._mutex:
            lease = self._leases.get(account_id)
            if lease is not None and now < lease.expires:
                if lease.limit.unlimited:
                    return None
                if lease.remaining or lease.denied_until:
                    return self._spend(lease, now)
        lease = self._take(account_id, now)
        with self._mutex:
            held = self._leases.get(account_id)
            if held is not None and now < held.expires and not held.denied_until and not lease.denied_until:
                lease.remaining += held.remaining  # a concurrent request of this process took one too
            if len(self._leases) >= _PRUNE_AT:
                self._leases = {k: v for k, v in self._leases.items() if v.expires > now}
            self._leases[account_id] = lease
            return self._spend(lease, now)

    def forget(self, account_id: int) -> None:
        """Drop this process's lease (after the account's limit changed)."""
        with self._mutex:
            self._leases.pop(account_id, None)

    def _spend(self, lease: _Lease, now: float) -> Admission | None:
        limit = lease.limit
        if limit.unlimited:
            return None
        if lease.denied_until > now:
            raise RateLimited(limit.burst, math.ceil(lease.denied_until - now), _reset(limit, lease))
        lease.remaining -= 1
        return Admission(limit.burst, lease.remaining + lease.shared_milli // 1000, _reset(limit, lease))

    def _take(self, account_id: int, now: float) -> _Lease:
        now_ms = int(now * 1000)

        def work(tx: Tx) -> _Lease:
            bucket = tx.rate_buckets.locked(account_id, self.default.full_milli, now_ms)
            limit = bucket.limit or self.default
            if limit.unlimited:
                return _Lease(limit, 0, 0, now + UNLIMITED_SECONDS)
            level = limit.level(bucket.tokens_milli, bucket.refreshed_ms, now_ms)
            granted = lease_size(level, limit.burst)
            left = level - granted * 1000
            tx.rate_buckets.save(account_id, left, max(bucket.refreshed_ms, now_ms))
            if not granted:
                until = now + limit.wait_ms(level) / 1000
                return _Lease(limit, 0, left, until, denied_until=until)
            return _Lease(limit, granted, left, now + LEASE_SECONDS)

        return self.db.write(work)


def _reset(limit: RateLimit, lease: _Lease) -> int:
    held = lease.shared_milli + lease.remaining * 1000
    return math.ceil(limit.wait_ms(held, limit.full_milli) / 1000)


def set_rate_limit(db: Database, *, email: str, limit: RateLimit | None) -> None:
    """Give an account its own limit (burst 0: none), or None to follow the server's default."""

    def work(tx: Tx) -> None:
        tx.rate_buckets.configure(find_account_row(tx, email).id, limit)

    db.write(work)


def rate_limit_of(db: Database, *, email: str) -> RateLimit | None:
    """The account's own limit, None when it follows the server's default."""
    return db.read(lambda tx: tx.rate_buckets.configured(find_account_row(tx, email).id))

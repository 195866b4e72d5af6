"""Back-office log-in rules: how long a session lives and when failed attempts lock an account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

SESSION_LIFETIME = timedelta(hours=12)  # a working day: staff log in each morning
# A session is extended on use, but at most once per this interval, so pages do not all write.
SESSION_REFRESH = timedelta(minutes=10)
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
MIN_ADMIN_PASSWORD = 10


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    failed_logins: int
    locked_until: datetime | None


def after_failure(failed_logins: int, now: datetime) -> FailureOutcome:
    """The counters after one more failed attempt: at the limit the account is locked for a while."""
    failed = failed_logins + 1
    if failed >= LOCK_AFTER_FAILURES:
        return FailureOutcome(0, now + LOCK_DURATION)
    return FailureOutcome(failed, None)


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def needs_refresh(expires_at: datetime, now: datetime) -> bool:
    """True when the session was last extended more than SESSION_REFRESH ago."""
    return expires_at - now < SESSION_LIFETIME - SESSION_REFRESH

"""Authenticating a shop by API key and password, with failed attempts throttled.

The usual request costs one read: the key's account and any lockout in force come back in one
statement, and a password verified before in this process is recognised without argon2. Any other
attempt is counted against the API key and the client address *before* its password is verified (so a
burst of concurrent guesses cannot slip past a lockout), and a success takes its count back. Once a key
or an address has used its free failures it is locked out for a time that doubles with each further
failure (domain.throttle); while locked out, nothing is verified, not even the right password, since
answering it would let guessing go on at full speed.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from stockgate.domain.errors import AuthenticationFailed
from stockgate.domain.throttle import (
    ADDRESS_FREE_FAILURES,
    FAILURE_MEMORY_SECONDS,
    KEY_FREE_FAILURES,
    LockedOut,
    lockout_seconds,
)
from stockgate.services.passwords import api_key_hash, dummy_hash, is_remembered, verify_password
from stockgate.services.ports import Credentials, Database, FailureCounter, Tx

log = logging.getLogger("stockgate.auth")
_attempts = itertools.count(1)
_FORGET_EVERY = 256  # attempts between sweeps of counters nobody has touched for a while
_FREE = {"key": KEY_FREE_FAILURES, "addr": ADDRESS_FREE_FAILURES}


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated account behind a request."""

    account_id: int
    reservation_id: int | None
    api_key_hash: str


def authenticate(
    db: Database, *, api_key: str, password: str, address: str = "", now: float | None = None
) -> Principal:
    """The account whose key and password these are; AuthenticationFailed or LockedOut otherwise."""
    key_hash = api_key_hash(api_key)
    now_ms = int((time.time() if now is None else now) * 1000)
    gate = db.read(lambda tx: tx.throttle.gate(key_hash, address))
    if gate.locked_until_ms > now_ms:
        raise LockedOut(math.ceil((gate.locked_until_ms - now_ms) / 1000))
    found = gate.credentials
    if found is not None and found.enabled and is_remembered(found.password_hash, password):
        return Principal(found.account_id, found.reservation_id, key_hash)

    subjects = [
        FailureCounter("addr", address[:64]),
        FailureCounter("key", key_hash, found.account_id if found else None),
    ]
    counted = db.write(lambda tx: _count_attempt(tx, subjects, now_ms))
    # An unknown key is verified against a dummy hash: it costs what a wrong password costs.
    verified = verify_password(found.password_hash if found else dummy_hash(), password)
    if found is None or not found.enabled or not verified:
        _report_failure(found, key_hash, address, counted)
        raise AuthenticationFailed
    db.write(lambda tx: _take_back(tx, counted))
    return Principal(found.account_id, found.reservation_id, key_hash)


def _count_attempt(tx: Tx, subjects: Sequence[FailureCounter], now_ms: int) -> list[FailureCounter]:
    if next(_attempts) % _FORGET_EVERY == 0:
        tx.throttle.forget_stale(now_ms - FAILURE_MEMORY_SECONDS * 1000)
    counters = tx.throttle.counters(subjects)
    locked_until = max(c.locked_until_ms for c in counters)
    if locked_until > now_ms:  # raised inside the transaction: nothing is counted
        raise LockedOut(math.ceil((locked_until - now_ms) / 1000))
    counted = []
    for counter in counters:
        recent = counter.failures if counter.last_failure_ms >= now_ms - FAILURE_MEMORY_SECONDS * 1000 else 0
        failures = recent + 1
        seconds = lockout_seconds(failures, _FREE[counter.scope])
        until = now_ms + seconds * 1000 if seconds else counter.locked_until_ms
        updated = replace(counter, failures=failures, last_failure_ms=now_ms, locked_until_ms=until)
        tx.throttle.save(updated)
        counted.append(updated)
    return counted


def _take_back(tx: Tx, counted: Sequence[FailureCounter]) -> None:
    """A success: remove this attempt's count, and the lockout it would have started."""
    for counter, mine in zip(tx.throttle.counters(counted), counted, strict=True):
        until = counter.locked_until_ms
        if until == mine.locked_until_ms and lockout_seconds(mine.failures, _FREE[mine.scope]):
            until = 0
        tx.throttle.save(replace(counter, failures=max(0, counter.failures - 1), locked_until_ms=until))


def _report_failure(
    found: Credentials | None, key_hash: str, address: str, counted: Sequence[FailureCounter]
) -> None:
    # Neither the key nor the password is ever logged: a prefix of the key's hash identifies it.
    reason = "unknown key" if found is None else "account disabled" if not found.enabled else "wrong password"
    subject = {"key_hash": key_hash[:12], "account_id": found.account_id if found else None}
    log.info("authentication failed", extra={"reason": reason, "client": address, **subject})
    for counter in counted:
        seconds = lockout_seconds(counter.failures, _FREE[counter.scope])
        if seconds:
            log.warning(
                "api key locked out" if counter.scope == "key" else "client address locked out",
                extra={
                    "client": address,
                    "failures": counter.failures,
                    "lockout_seconds": seconds,
                    **(subject if counter.scope == "key" else {}),
                },
            )

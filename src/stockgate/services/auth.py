"""Authenticating a shop by API key and password, with failed attempts throttled.

The usual request costs one read: the key's account and any lockout in force come back in one
statement, and a password verified before in this process is recognised without argon2. Any other
attempt waits for one of the process's few verification slots, then looks at the lockouts again
before verifying: guesses queued behind the one that starts a lockout are refused, not verified, so
a burst of concurrent guesses gets at most a slot's worth past the limit. Attempts arriving while the
same password is being verified for the same key (a shop's first burst) wait for that verification
and take its outcome instead of running argon2 again; they still take the slot and the second look,
so a shared failure is counted and refused exactly like a verified one. Once a key or an address has
used its free failures it is locked out for a time that doubles with each further failure
(domain.throttle); while locked out nothing is verified, not even the right password, since answering
it would let guessing go on at full speed. Successes never reset the count (an attacker holding one
password could wipe it): failures are forgotten after a quarter of an hour.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from stockgate.domain.errors import AuthenticationFailed
from stockgate.domain.throttle import (
    ADDRESS_FREE_FAILURES,
    FAILURE_MEMORY_SECONDS,
    KEY_FREE_FAILURES,
    LockedOut,
    lockout_seconds,
)
from stockgate.services.access_ports import FailureCounter
from stockgate.services.account_ports import Credentials
from stockgate.services.passwords import (
    Flight,
    api_key_hash,
    dummy_hash,
    is_remembered,
    password_flight,
    verification_slot,
    verify_password_in_slot,
)
from stockgate.services.unit_of_work import Database, Tx

log = logging.getLogger("stockgate.auth")
_failures_seen = itertools.count(1)
_FORGET_EVERY = 256  # failures between sweeps of counters nobody has touched for a while
_FREE = {"key": KEY_FREE_FAILURES, "addr": ADDRESS_FREE_FAILURES}


class Principal(NamedTuple):
    """The authenticated account behind a request (a NamedTuple: made on every ghost request)."""

    account_id: int
    reservation_id: int | None
    api_key_hash: str


def recognise(
    db: Database, *, api_key: str, password: str, address: str = "", now: float | None = None
) -> Principal | None:
    """The account when this very password was verified for this key before, in this process: one
    read and no argon2, so it may run where blocking for long is not allowed (the event loop). None
    when argon2 is needed (a first request, a wrong password): then `authenticate`, in a thread.
    LockedOut while a lockout holds."""
    now_ms = int((time.time() if now is None else now) * 1000)
    return _remembered(db, api_key_hash(api_key), address, now_ms, password)[0]


def authenticate(
    db: Database, *, api_key: str, password: str, address: str = "", now: float | None = None
) -> Principal:
    """The account whose key and password these are; AuthenticationFailed or LockedOut otherwise."""
    key_hash = api_key_hash(api_key)
    now_ms = int((time.time() if now is None else now) * 1000)
    principal, stored = _remembered(db, key_hash, address, now_ms, password)
    if principal is not None:
        return principal
    with password_flight(key_hash, stored, password) as flight:
        if flight.leads:
            return _verify(db, key_hash, address, now_ms, password, flight)
    # Another request verified this very password against this very hash while this one waited: a
    # success is remembered now; a failure is taken as this request's own (counted, no second argon2).
    principal, _ = _remembered(db, key_hash, address, now_ms, password)
    if principal is not None:
        return principal
    return _verify(db, key_hash, address, now_ms, password, flight)


def _remembered(
    db: Database, key_hash: str, address: str, now_ms: int, password: str
) -> tuple[Principal | None, str]:
    """The principal when this password was verified before, and the hash a verification would use."""
    found = _open_gate(db, key_hash, address, now_ms)
    if found is None:
        # An unknown key is verified against a dummy hash: it costs what a wrong password costs.
        return None, dummy_hash()
    if found.enabled and is_remembered(found.password_hash, password):
        return Principal(found.account_id, found.reservation_id, key_hash), found.password_hash
    return None, found.password_hash


def _verify(
    db: Database, key_hash: str, address: str, now_ms: int, password: str, flight: Flight
) -> Principal:
    with verification_slot():
        # While this request queued, another may have verified the same password or started a lockout.
        found = _open_gate(db, key_hash, address, now_ms)
        stored = found.password_hash if found else dummy_hash()
        if flight.outcome_for(stored) is False:
            accepted = False  # the request this one followed failed with the same password and hash
        else:
            verified = verify_password_in_slot(stored, password)
            accepted = found is not None and found.enabled and verified
        if flight.leads:
            flight.settle(stored, accepted)
        if found is not None and accepted:
            return Principal(found.account_id, found.reservation_id, key_hash)
        subjects = [
            FailureCounter("addr", address[:64]),
            FailureCounter("key", key_hash, found.account_id if found else None),
        ]
        counted = db.write(lambda tx: _count_failure(tx, subjects, now_ms))
    _report_failure(found, key_hash, address, counted)
    raise AuthenticationFailed


def _open_gate(db: Database, key_hash: str, address: str, now_ms: int) -> Credentials | None:
    """The key's credentials (None: no such key); LockedOut while a lockout of key or address holds."""
    found, locked_until_ms = db.glance(lambda tx: tx.throttle.gate(key_hash, address))
    if locked_until_ms > now_ms:
        raise LockedOut(math.ceil((locked_until_ms - now_ms) / 1000))
    return found


def _count_failure(tx: Tx, subjects: Sequence[FailureCounter], now_ms: int) -> list[FailureCounter]:
    if next(_failures_seen) % _FORGET_EVERY == 0:
        tx.throttle.forget_stale(now_ms - FAILURE_MEMORY_SECONDS * 1000)
    counted = []
    for counter in tx.throttle.counters(subjects):
        recent = counter.failures if counter.last_failure_ms >= now_ms - FAILURE_MEMORY_SECONDS * 1000 else 0
        failures = recent + 1
        seconds = lockout_seconds(failures, _FREE[counter.scope])
        until = max(counter.locked_until_ms, now_ms + seconds * 1000) if seconds else counter.locked_until_ms
        updated = replace(counter, failures=failures, last_failure_ms=now_ms, locked_until_ms=until)
        tx.throttle.save(updated)
        counted.append(updated)
    return counted


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

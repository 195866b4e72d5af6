"""Password hashing (argon2) and API keys.

Verifying argon2 costs tens of milliseconds on purpose; a shop sends the same credentials on every
request, so a successful verification is remembered for the exact (stored hash, password) pair. The
password enters the cache only as a keyed BLAKE2s MAC under a per-process random key (OpenSSL's HMAC
set itself up at 4% of an E4 request's instructions), and a changed password or rotated key changes
the stored hash, so nothing stale can be accepted.

Each verification also takes argon2's 64 MiB of memory: only a few run at once per process, so a flood
of wrong passwords queues instead of exhausting memory. An unknown API key is verified against a dummy
hash with the same parameters, so it costs exactly what a wrong password costs.

Requests arriving together with the same credentials (a shop's first burst after a restart) share one
verification: the first leads a `password_flight`, the others wait for its outcome instead of each
running argon2. Only a flight under way is shared, never a finished failure: the next identical attempt
is verified again, at full price.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_keyed_mac = hashlib.blake2s(key=secrets.token_bytes(32))
_key_digest = hashlib.sha256()
_verified: set[tuple[str, bytes]] = set()
_verified_lock = threading.Lock()
_CACHE_LIMIT = 100_000
VERIFY_SLOTS = max(2, os.cpu_count() or 2)
_slots = threading.BoundedSemaphore(VERIFY_SLOTS)
_counts_lock = threading.Lock()
_dummy_lock = threading.Lock()
_counts = {"argon2": 0, "following": 0}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token(stored_hash: str, password: str) -> tuple[str, bytes]:
    mac = _keyed_mac.copy()  # a copy of the keyed state: keying a new one each time cost 25% more
    mac.update(password.encode())
    return (stored_hash, mac.digest())


def is_remembered(stored_hash: str, password: str) -> bool:
    """True when this very password was verified against this very hash before (no argon2 needed)."""
    return _token(stored_hash, password) in _verified


def dummy_hash() -> str:
    """A hash no password matches, made like real ones: verifying against it costs the same time."""
    with _dummy_lock:  # made once: concurrent first calls must agree on it (flights are keyed by it)
        return _make_dummy_hash()


@functools.cache
def _make_dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(32))


@contextmanager
def verification_slot() -> Iterator[None]:
    """One of the few argon2 verifications this process runs at once (waits for a free one)."""
    with _slots:
        yield


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash` (argon2), remembering successes."""
    with verification_slot():
        return verify_password_in_slot(stored_hash, password)


def verify_password_in_slot(stored_hash: str, password: str) -> bool:
    """verify_password() for a caller already holding a verification_slot()."""
    token = _token(stored_hash, password)
    if token in _verified:
        return True
    _count("argon2", 1)
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    with _verified_lock:
        if len(_verified) >= _CACHE_LIMIT:
            _verified.clear()
        _verified.add(token)
    return True


@dataclass(eq=False)
class Flight:
    """One verification of a password against a stored hash, shared by the requests that arrive while
    it runs. The leader verifies and settles it; followers read `outcome_for` once it is done."""

    stored_hash: str
    leads: bool = True
    done: threading.Event = field(default_factory=threading.Event)
    _settled: tuple[str, bool] | None = None

    def settle(self, stored_hash: str, accepted: bool) -> None:
        """The leader's outcome, with the hash it actually verified against (it may have changed)."""
        self._settled = (stored_hash, accepted)

    def outcome_for(self, stored_hash: str) -> bool | None:
        """The leader's outcome against this hash; None when it verified another one or gave up."""
        if self._settled is None or self._settled[0] != stored_hash:
            return None
        return self._settled[1]

    def follower(self) -> Flight:
        """What a request that waited for this flight holds once it is done."""
        return Flight(self.stored_hash, leads=False, _settled=self._settled)


_flights: dict[tuple[str, str, bytes], Flight] = {}
_flights_lock = threading.Lock()


@contextmanager
def password_flight(subject: str, stored_hash: str, password: str) -> Iterator[Flight]:
    """Lead the verification of `password` against `stored_hash`, or wait for the one under way and
    follow it. `subject` is part of the key (the API key's hash): unknown keys, which all verify
    against the dummy hash, share flights only with the same key, like real accounts do."""
    key = (subject, *_token(stored_hash, password))
    with _flights_lock:
        leading = _flights.get(key)
        if leading is None:
            leading = _flights[key] = Flight(stored_hash)
            follows = False
        else:
            follows = True
    if follows:
        _count("following", 1)
        try:
            leading.done.wait()
        finally:
            _count("following", -1)
        yield leading.follower()
        return
    try:
        yield leading
    finally:
        with _flights_lock:
            del _flights[key]
        leading.done.set()


def _count(name: str, delta: int) -> None:
    with _counts_lock:
        _counts[name] += delta


def argon2_runs() -> int:
    """How many argon2 verifications this process has run (remembered or shared ones run none)."""
    return _counts["argon2"]


def flight_followers() -> int:
    """How many requests are waiting right now for another's verification of the same password."""
    return _counts["following"]


def new_api_key() -> str:
    """A fresh API key: a random UUID, the form Rewix uses."""
    return str(uuid.uuid4())


def api_key_hash(api_key: str) -> str:
    """What the database keeps of an API key (and looks it up by)."""
    digest = _key_digest.copy()  # copied: OpenSSL 3 looks the algorithm up again for each new one
    digest.update(api_key.strip().lower().encode())
    return digest.hexdigest()

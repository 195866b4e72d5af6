"""Password hashing (argon2) and API keys.

Verifying argon2 costs tens of milliseconds on purpose; a shop sends the same credentials on every
request, so a successful verification is remembered for the exact (stored hash, password) pair. The
password enters the cache only as an HMAC under a per-process random key, and a changed password or
rotated key changes the stored hash, so nothing stale can be accepted.

Each verification also takes argon2's 64 MiB of memory: only a few run at once per process, so a flood
of wrong passwords queues instead of exhausting memory. An unknown API key is verified against a dummy
hash with the same parameters, so it costs exactly what a wrong password costs.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_cache_key = secrets.token_bytes(32)
_verified: set[tuple[str, bytes]] = set()
_verified_lock = threading.Lock()
_CACHE_LIMIT = 100_000
VERIFY_SLOTS = max(2, os.cpu_count() or 2)
_slots = threading.BoundedSemaphore(VERIFY_SLOTS)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _token(stored_hash: str, password: str) -> tuple[str, bytes]:
    return (stored_hash, hmac.new(_cache_key, password.encode(), hashlib.sha256).digest())


def is_remembered(stored_hash: str, password: str) -> bool:
    """True when this very password was verified against this very hash before (no argon2 needed)."""
    return _token(stored_hash, password) in _verified


@functools.cache
def dummy_hash() -> str:
    """A hash no password matches, made like real ones: verifying against it costs the same time."""
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
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    with _verified_lock:
        if len(_verified) >= _CACHE_LIMIT:
            _verified.clear()
        _verified.add(token)
    return True


def new_api_key() -> str:
    """A fresh API key: a random UUID, the form Rewix uses."""
    return str(uuid.uuid4())


def api_key_hash(api_key: str) -> str:
    """What the database keeps of an API key (and looks it up by)."""
    return hashlib.sha256(api_key.strip().lower().encode()).hexdigest()

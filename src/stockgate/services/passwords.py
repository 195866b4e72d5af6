"""Password hashing (argon2) and API keys.

Verifying argon2 costs tens of milliseconds on purpose; a shop sends the same credentials on every
request, so a successful verification is remembered for the exact (stored hash, password) pair. The
password enters the cache only as an HMAC under a per-process random key, and a changed password or
rotated key changes the stored hash, so nothing stale can be accepted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import uuid

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_cache_key = secrets.token_bytes(32)
_verified: set[tuple[str, bytes]] = set()
_verified_lock = threading.Lock()
_CACHE_LIMIT = 100_000


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when `password` matches `stored_hash` (argon2), remembering successes."""
    token = (stored_hash, hmac.new(_cache_key, password.encode(), hashlib.sha256).digest())
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

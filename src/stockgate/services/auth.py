"""Authenticating a shop by API key and password."""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.domain.errors import AuthenticationFailed
from stockgate.services.passwords import api_key_hash, verify_password
from stockgate.services.ports import Database, Tx


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated account behind a request."""

    account_id: int
    reservation_id: int | None
    api_key_hash: str


def authenticate(db: Database, *, api_key: str, password: str) -> Principal:
    """The account whose key and password these are; AuthenticationFailed otherwise."""
    key_hash = api_key_hash(api_key)

    def work(tx: Tx) -> Principal:
        found = tx.accounts.credentials(key_hash)
        # The key was looked up by its hash, so the lookup time says nothing about the key itself.
        if found is None or not found.enabled or not verify_password(found.password_hash, password):
            raise AuthenticationFailed
        return Principal(found.account_id, found.reservation_id, key_hash)

    return db.read(work)

"""Who may run the supplier side remotely: admin API bearer tokens.

A token is shown once, at creation; the database keeps its SHA-256 (looked up by hash, so the lookup
time says nothing about the token) and a short hint for humans.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from stockgate.domain.errors import AuthenticationFailed, InvalidInput, NotFound
from stockgate.services.access_ports import AdminTokenRow
from stockgate.services.unit_of_work import Database

TOKEN_PREFIX = "sgadm_"  # noqa: S105 - a prefix, not a secret
MAX_TOKEN = 200


@dataclass(frozen=True, slots=True)
class NewAdminToken:
    name: str
    token: str  # shown once


@dataclass(frozen=True, slots=True)
class AdminPrincipal:
    """The token behind an admin API request; its name is the actor in the ledger."""

    token_id: int
    name: str

    @property
    def actor(self) -> str:
        return f"admin-token:{self.name}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def create_admin_token(db: Database, *, name: str) -> NewAdminToken:
    """A new bearer token for the admin API, named for the person or tool that will hold it."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("name", "a token name of 1 to 100 characters is required")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.write(lambda tx: tx.admin_tokens.create_token(name, token_hash(token), token[: len(TOKEN_PREFIX) + 4]))
    return NewAdminToken(name, token)


def list_admin_tokens(db: Database) -> list[AdminTokenRow]:
    return db.read(lambda tx: tx.admin_tokens.tokens())


def revoke_admin_token(db: Database, *, name: str) -> None:
    """The token stops working at once."""
    if not db.write(lambda tx: tx.admin_tokens.revoke_token(name.strip())):
        raise NotFound("admin token", name)


def authenticate_admin(db: Database, *, token: str) -> AdminPrincipal:
    """The live token's principal; AuthenticationFailed otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN:
        raise AuthenticationFailed
    found = db.read(lambda tx: tx.admin_tokens.token(token_hash(token)))
    if found is None:
        raise AuthenticationFailed
    return AdminPrincipal(found.id, found.name)

"""Back-office users: create, change, list (`stockgate admins ...`)."""

from __future__ import annotations

from typing import Any

from stockgate.domain.accounts import normalise_email
from stockgate.domain.admins import MIN_ADMIN_PASSWORD
from stockgate.domain.errors import Conflict, InvalidInput, NotFound
from stockgate.services.backoffice_ports import AdminRow
from stockgate.services.passwords import hash_password
from stockgate.services.unit_of_work import Database, Tx


def _hashed(password: str) -> str:
    if len(password) < MIN_ADMIN_PASSWORD:
        raise InvalidInput("password", f"password must have at least {MIN_ADMIN_PASSWORD} characters")
    return hash_password(password)


def create_admin(db: Database, *, email: str, password: str) -> AdminRow:
    """A new back-office user who logs in with `email` and `password`."""
    email = normalise_email(email)
    password_hash = _hashed(password)

    def work(tx: Tx) -> AdminRow:
        if tx.admins.by_email(email) is not None:
            raise Conflict(f"an admin with e-mail {email} already exists")
        tx.admins.create(email, password_hash)
        return _find(tx, email)

    return db.write(work)


def set_admin(
    db: Database, *, email: str, password: str | None = None, enabled: bool | None = None
) -> AdminRow:
    """Change an admin's password or enable/disable them; either ends their open sessions."""
    values: dict[str, Any] = {}
    if password is not None:
        values.update(password_hash=_hashed(password), failed_logins=0, locked_until=None)
    if enabled is not None:
        values["enabled"] = enabled

    def work(tx: Tx) -> AdminRow:
        admin = _find(tx, email)
        if values:
            tx.admins.update(admin.id, values)
            tx.admin_sessions.close_all(admin.id)
        return _find(tx, email)

    return db.write(work)


def list_admins(db: Database) -> list[AdminRow]:
    return db.read(lambda tx: tx.admins.listing())


def _find(tx: Tx, email: str) -> AdminRow:
    found = tx.admins.by_email(normalise_email(email))
    if found is None:
        raise NotFound("admin", email)
    return found

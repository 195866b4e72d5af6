"""Back-office users and their server-side sessions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict
from stockgate.services.backoffice_ports import ActiveSession, AdminRow
from stockgate.storage.backoffice_tables import admin_sessions, admins

_ADMIN_COLUMNS = [admins.c[name] for name in AdminRow.__dataclass_fields__]


class SqlAdmins:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def create(self, email: str, password_hash: str) -> int:
        statement = (
            insert(admins)
            .values(email=email, password_hash=password_hash, created_at=utc_now())
            .returning(admins.c.id)
        )
        try:
            with self._c.begin_nested():
                return int(self._c.execute(statement).scalar_one())
        except IntegrityError:  # a concurrent creation of the same e-mail won the race
            raise Conflict(f"an admin with e-mail {email} already exists") from None

    def by_email(self, email: str) -> AdminRow | None:
        row = self._c.execute(
            select(*_ADMIN_COLUMNS).where(func.lower(admins.c.email) == email.strip().lower())
        ).first()
        return None if row is None else AdminRow(*row)

    def update(self, admin_id: int, values: Mapping[str, Any]) -> None:
        self._c.execute(admins.update().where(admins.c.id == admin_id).values(**values))

    def listing(self) -> list[AdminRow]:
        return [AdminRow(*row) for row in self._c.execute(select(*_ADMIN_COLUMNS).order_by(admins.c.email))]


class SqlAdminSessions:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def open(self, token_hash: str, admin_id: int, csrf_token: str, expires_at: datetime) -> None:
        self._c.execute(
            insert(admin_sessions).values(
                token_hash=token_hash,
                admin_id=admin_id,
                csrf_token=csrf_token,
                created_at=utc_now(),
                expires_at=expires_at,
            )
        )

    def find(self, token_hash: str, now: datetime) -> ActiveSession | None:
        row = self._c.execute(
            select(
                admin_sessions.c.token_hash,
                admin_sessions.c.admin_id,
                admins.c.email,
                admin_sessions.c.csrf_token,
                admin_sessions.c.expires_at,
                admin_sessions.c.flash,
            )
            .join(admins, admins.c.id == admin_sessions.c.admin_id)
            .where(
                admin_sessions.c.token_hash == token_hash,
                admin_sessions.c.expires_at > now,
                admins.c.enabled.is_(True),
            )
        ).first()
        return None if row is None else ActiveSession(*row)

    def extend(self, token_hash: str, expires_at: datetime) -> None:
        self._c.execute(
            admin_sessions.update()
            .where(admin_sessions.c.token_hash == token_hash)
            .values(expires_at=expires_at)
        )

    def set_flash(self, token_hash: str, flash: str | None) -> None:
        self._c.execute(
            admin_sessions.update().where(admin_sessions.c.token_hash == token_hash).values(flash=flash)
        )

    def close(self, token_hash: str) -> None:
        self._c.execute(admin_sessions.delete().where(admin_sessions.c.token_hash == token_hash))

    def close_all(self, admin_id: int) -> None:
        self._c.execute(admin_sessions.delete().where(admin_sessions.c.admin_id == admin_id))

    def purge(self, now: datetime) -> None:
        self._c.execute(admin_sessions.delete().where(admin_sessions.c.expires_at <= now))

"""Admin API bearer tokens."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict
from stockgate.services.access_ports import AdminTokenRow
from stockgate.storage.supplier_tables import admin_tokens

_TOKEN = select(
    admin_tokens.c.id,
    admin_tokens.c.name,
    admin_tokens.c.token_hint,
    admin_tokens.c.created_at,
    admin_tokens.c.revoked_at,
)


class SqlAdminTokens:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def create_token(self, name: str, token_hash: str, hint: str) -> int:
        statement = (
            insert(admin_tokens)
            .values(name=name, token_hash=token_hash, token_hint=hint, created_at=utc_now())
            .returning(admin_tokens.c.id)
        )
        try:
            with self._c.begin_nested():
                return int(self._c.execute(statement).scalar_one())
        except IntegrityError:
            raise Conflict(f"an admin token named {name} already exists") from None

    def token(self, token_hash: str) -> AdminTokenRow | None:
        """The live token with this hash (a revoked one is no token)."""
        row = self._c.execute(
            _TOKEN.where(admin_tokens.c.token_hash == token_hash, admin_tokens.c.revoked_at.is_(None))
        ).first()
        return None if row is None else AdminTokenRow(*row)

    def tokens(self) -> list[AdminTokenRow]:
        return [AdminTokenRow(*row) for row in self._c.execute(_TOKEN.order_by(admin_tokens.c.id))]

    def revoke_token(self, name: str) -> bool:
        result = self._c.execute(
            admin_tokens.update()
            .where(admin_tokens.c.name == name, admin_tokens.c.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
        return bool(result.rowcount)

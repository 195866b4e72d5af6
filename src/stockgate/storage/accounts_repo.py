"""Dropshipper accounts."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, bindparam, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict, NotFound
from stockgate.services.account_ports import AccountRow, Credentials
from stockgate.storage.account_tables import accounts
from stockgate.storage.order_tables import reservation_lines
from stockgate.storage.prepared import Prepared

_ROW_COLUMNS = [accounts.c[name] for name in AccountRow.__dataclass_fields__]
# Hot statements are built once: building a statement costs more than running it (bench/README.md).
_CREDENTIALS = Prepared(
    select(accounts.c.id, accounts.c.password_hash, accounts.c.enabled, accounts.c.reservation_id).where(
        accounts.c.api_key_hash == bindparam("key_hash")
    )
)
_LOCK = Prepared(select(*_ROW_COLUMNS).where(accounts.c.id == bindparam("account_id")).with_for_update())
_ADD_CREDIT = Prepared(
    accounts.update()
    .where(accounts.c.id == bindparam("account_id"))
    .values(ecredit=accounts.c.ecredit + bindparam("delta", type_=accounts.c.ecredit.type))
    .returning(accounts.c.ecredit)
)


class SqlAccounts:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def credentials(self, api_key_hash: str) -> Credentials | None:
        row = _CREDENTIALS.first(self._c, {"key_hash": api_key_hash})
        return None if row is None else Credentials(int(row[0]), str(row[1]), bool(row[2]), row[3])

    def lock(self, account_id: int) -> AccountRow:
        row = _LOCK.first(self._c, {"account_id": account_id})
        if row is None:
            raise NotFound("account", account_id)
        return _account(row)

    def by_email(self, email: str) -> AccountRow | None:
        row = self._c.execute(
            select(*_ROW_COLUMNS).where(func.lower(accounts.c.email) == email.strip().lower())
        ).first()
        return None if row is None else _account(row)

    def create(self, values: Mapping[str, Any]) -> int:
        statement = insert(accounts).values(created_at=utc_now(), **values).returning(accounts.c.id)
        try:
            with self._c.begin_nested():
                return int(self._c.execute(statement).scalar_one())
        except IntegrityError:  # a concurrent creation of the same e-mail or key won the race
            raise Conflict(f"an account with e-mail {values.get('email')} already exists") from None

    def update(self, account_id: int, values: Mapping[str, Any]) -> None:
        self._c.execute(accounts.update().where(accounts.c.id == account_id).values(**values))

    def add_credit(self, account_id: int, delta: Decimal) -> Decimal:
        """Add `delta` to the balance; the CHECK constraint refuses a negative result."""
        row = _ADD_CREDIT.first(self._c, {"account_id": account_id, "delta": delta})
        if row is None:
            raise NotFound("account", account_id)
        return Decimal(row[0])

    def listing(self) -> list[tuple[AccountRow, int]]:
        """Every account with the number of units it holds locked."""
        rows = self._c.execute(select(*_ROW_COLUMNS, _HELD).order_by(accounts.c.id)).all()
        return [(_account(row), int(row[-1])) for row in rows]

    def by_id(self, account_id: int) -> AccountRow | None:
        row = self._c.execute(select(*_ROW_COLUMNS).where(accounts.c.id == account_id)).first()
        return None if row is None else _account(row)

    def page(self, *, after_id: int | None, limit: int) -> list[tuple[AccountRow, int]]:
        """Accounts in id order after `after_id`, with the units each holds locked."""
        query = select(*_ROW_COLUMNS, _HELD).order_by(accounts.c.id).limit(limit)
        if after_id is not None:
            query = query.where(accounts.c.id > after_id)
        return [(_account(row), int(row[-1])) for row in self._c.execute(query)]


_HELD = (
    select(func.coalesce(func.sum(reservation_lines.c.quantity), 0))
    .where(reservation_lines.c.account_id == accounts.c.id)
    .scalar_subquery()
)


def _account(row: Row[Any] | Any) -> AccountRow:
    return AccountRow(*row[: len(_ROW_COLUMNS)])

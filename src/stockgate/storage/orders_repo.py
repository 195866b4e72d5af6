"""Orders (and the reservation's own 5003 order row) and their lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.engine import Connection

from stockgate.services.order_ports import HistoryEntry, OrderDetail, OrderLine, OrderState, OrderStatusRow
from stockgate.storage.account_tables import accounts
from stockgate.storage.lengths import check_lengths
from stockgate.storage.order_tables import ledger, order_lines, orders
from stockgate.storage.prepared import Prepared

_STATUS_COLUMNS = (
    orders.c.id,
    orders.c.account_id,
    orders.c.key,
    orders.c.status,
    orders.c.substatus,
    orders.c.last_update,
    orders.c.tracking_code,
    orders.c.tracking_url,
    orders.c.tracking_carrier,
)

_STATE_COLUMNS = (
    orders.c.id,
    orders.c.account_id,
    orders.c.key,
    orders.c.status,
    orders.c.substatus,
    orders.c.total,
    orders.c.paid,
    orders.c.carrier_name,
    orders.c.tracking_code,
    orders.c.tracking_url,
    orders.c.tracking_carrier,
    orders.c.last_update,
)


_ID_BY_KEY = Prepared(
    select(orders.c.id).where(
        orders.c.account_id == bindparam("account_id"), orders.c.key == bindparam("key")
    )
)
_INSERT = Prepared(insert(orders).returning(orders.c.id))
_INSERT_LINES = Prepared(insert(order_lines))


class SqlOrders:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def id_by_key(self, account_id: int, key: str) -> int | None:
        found = _ID_BY_KEY.first(self._c, {"account_id": account_id, "key": key})
        return None if found is None else int(found[0])

    def insert(self, values: Mapping[str, Any]) -> int:
        check_lengths(orders, values)
        row = _INSERT.first(self._c, values)
        assert row is not None  # RETURNING answers the row inserted
        return int(row[0])

    def insert_lines(self, order_id: int, lines: Sequence[Mapping[str, Any]]) -> None:
        _INSERT_LINES.many(self._c, [{"order_id": order_id, **line} for line in lines])

    def status(
        self, account_id: int, *, order_id: int | None = None, key: str | None = None
    ) -> OrderStatusRow | None:
        query = select(*_STATUS_COLUMNS).where(orders.c.account_id == account_id)
        if order_id is not None:
            query = query.where(orders.c.id == order_id)
        if key is not None:
            query = query.where(orders.c.key == key)
        row = self._c.execute(query).first()
        return None if row is None else OrderStatusRow(*row)

    def detail(self, order_id: int) -> OrderDetail | None:
        row = self._c.execute(
            select(orders, accounts.c.email.label("account_email"))
            .join(accounts, accounts.c.id == orders.c.account_id)
            .where(orders.c.id == order_id, orders.c.kind != "reservation")
        ).first()
        if row is None:
            return None
        lines = self.lines(order_id)
        history = [
            HistoryEntry(
                r.at,
                r.actor,
                r.kind,
                r.reason,
                r.status,
                r.stock_id,
                r.on_hand_delta,
                r.locked_delta,
                r.credit_delta,
                r.return_id,
            )
            for r in self._c.execute(
                select(ledger).where(ledger.c.order_id == order_id).order_by(ledger.c.id)
            )
        ]
        return OrderDetail(dict(row._mapping), lines, history)

    def listing(
        self, *, status: int | None, account_id: int | None, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]:
        """Orders newest first, keyset-paginated by id (`after_id`: continue below that id)."""
        query = (
            select(
                orders.c.id,
                orders.c.key,
                orders.c.kind,
                orders.c.status,
                orders.c.substatus,
                orders.c.total,
                orders.c.paid,
                orders.c.created_at,
                orders.c.last_update,
                accounts.c.email.label("account_email"),
            )
            .join(accounts, accounts.c.id == orders.c.account_id)
            .where(orders.c.kind != "reservation")
            .order_by(orders.c.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(orders.c.status == status)
        if account_id is not None:
            query = query.where(orders.c.account_id == account_id)
        if after_id is not None:
            query = query.where(orders.c.id < after_id)
        return [dict(r._mapping) for r in self._c.execute(query)]

    def owner(self, order_id: int) -> int | None:
        """The account of an order (the reservation's own row is not an order)."""
        found = self._c.execute(
            select(orders.c.account_id).where(orders.c.id == order_id, orders.c.kind != "reservation")
        ).scalar()
        return None if found is None else int(found)

    def ids_by_key(self, key: str) -> list[int]:
        """Orders of any account with this client key (keys are unique per account only)."""
        found = self._c.execute(select(orders.c.id).where(orders.c.key == key).order_by(orders.c.id))
        return [int(i) for i in found.scalars()]

    def for_update(self, order_id: int) -> OrderState | None:
        row = self._c.execute(
            select(*_STATE_COLUMNS)
            .where(orders.c.id == order_id, orders.c.kind != "reservation")
            .with_for_update()
        ).first()
        return None if row is None else OrderState(*tuple(row))

    def change(self, order_id: int, values: Mapping[str, Any]) -> None:
        self._c.execute(orders.update().where(orders.c.id == order_id).values(**values))

    def lines(self, order_id: int) -> list[OrderLine]:
        return [
            OrderLine(int(r.stock_id), int(r.quantity), r.unit_price, int(r.from_lock))
            for r in self._c.execute(
                select(order_lines).where(order_lines.c.order_id == order_id).order_by(order_lines.c.stock_id)
            )
        ]

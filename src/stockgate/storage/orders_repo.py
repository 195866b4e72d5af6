"""Orders (and the reservation's own 5003 order row) and their lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from stockgate.services.ports import OrderStatusRow
from stockgate.storage.tables import order_lines, orders

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


class SqlOrders:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def id_by_key(self, account_id: int, key: str) -> int | None:
        found = self._c.execute(
            select(orders.c.id).where(orders.c.account_id == account_id, orders.c.key == key)
        ).scalar()
        return None if found is None else int(found)

    def insert(self, values: Mapping[str, Any]) -> int:
        return int(self._c.execute(insert(orders).values(**values).returning(orders.c.id)).scalar_one())

    def insert_lines(self, order_id: int, lines: Sequence[Mapping[str, Any]]) -> None:
        self._c.execute(insert(order_lines), [{"order_id": order_id, **line} for line in lines])

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

"""E7 / E8: an order's status, tracking and last update."""

from __future__ import annotations

from stockgate.domain.errors import NotFound
from stockgate.services.auth import Principal
from stockgate.services.order_ports import OrderStatusRow
from stockgate.services.unit_of_work import Database


def order_status(
    db: Database, *, principal: Principal, order_id: int | None = None, key: str | None = None
) -> OrderStatusRow:
    """The caller's order by server id or client key; another account's order is simply not found."""
    row = db.read(lambda tx: tx.orders.status(principal.account_id, order_id=order_id, key=key))
    if row is None:
        raise NotFound("order", order_id if key is None else key)
    return row

"""Supplier-side views of orders: the list and one order in full."""

from __future__ import annotations

from typing import Any

from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.services.accounts import find_account_row
from stockgate.services.order_ports import OrderDetail
from stockgate.services.unit_of_work import Database, Tx

MAX_PAGE = 500


def list_orders(
    db: Database,
    *,
    status: int | None = None,
    email: str | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Orders newest first, filtered by status and account, one page of at most `limit`."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"limit must be between 1 and {MAX_PAGE}")

    def work(tx: Tx) -> list[dict[str, Any]]:
        account_id = find_account_row(tx, email).id if email else None
        return tx.orders.listing(status=status, account_id=account_id, after_id=after_id, limit=limit)

    return db.read(work)


def show_order(db: Database, *, order_id: int) -> OrderDetail:
    """One order with its lines, recipient, totals, payment and history."""
    found = db.read(lambda tx: tx.orders.detail(order_id))
    if found is None:
        raise NotFound("order", order_id)
    return found

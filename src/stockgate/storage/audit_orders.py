"""Invariants of orders and returns behind `stockgate check` (each query returns only breaching rows).

- an order's status is the one its last status entry in the ledger records;
- an order's paid amount is what the ledger debited for it minus what it paid back, and a cancelled
  order holds none;
- refunds of its return lines never exceed what the order was debited;
- no model comes back more often than the order shipped it;
- a return line's status is its last ledger entry's, and its refund the ledger's credit for it.
"""

from __future__ import annotations

from sqlalchemy import Subquery, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.engine import Connection

from stockgate.storage.order_tables import ledger, order_lines, orders
from stockgate.storage.supplier_tables import return_lines
from stockgate.storage.types import Money

MONEY = Money()


def order_breaches(c: Connection) -> list[str]:
    return [*_order_status(c), *_order_money(c), *_return_counts(c), *_return_lines(c)]


def _last_status(kind: str, key: str) -> Subquery:
    """(key, status) of the last ledger entry of `kind` per key column."""
    column = ledger.c[key]
    last = (
        select(column.label("key"), func.max(ledger.c.id).label("last_id"))
        .where(ledger.c.kind == kind, column.is_not(None))
        .group_by(column)
        .subquery()
    )
    return (
        select(last.c.key, ledger.c.status.label("status"))
        .join(ledger, ledger.c.id == last.c.last_id)
        .subquery()
    )


def _order_status(c: Connection) -> list[str]:
    booked = _last_status("status", "order_id")
    rows = c.execute(
        select(orders.c.id, orders.c.status, booked.c.status)
        .outerjoin(booked, booked.c.key == orders.c.id)
        .where(
            orders.c.kind != "reservation",
            or_(booked.c.status.is_(None), booked.c.status != orders.c.status),
        )
        .order_by(orders.c.id)
    )
    return [f"order {oid}: status {status} but the ledger last says {said}" for oid, status, said in rows]


def _order_money(c: Connection) -> list[str]:
    money = (
        select(
            ledger.c.order_id,
            func.sum(ledger.c.credit_delta).label("net"),
            func.sum(case((ledger.c.credit_delta < 0, ledger.c.credit_delta), else_=0)).label("debited"),
        )
        .where(ledger.c.order_id.is_not(None), ledger.c.kind == "credit")
        .group_by(ledger.c.order_id)
        .subquery()
    )
    refunds = (
        select(return_lines.c.order_id, func.sum(return_lines.c.refund_amount).label("refunded"))
        .group_by(return_lines.c.order_id)
        .subquery()
    )
    # Sums of cents, read back as euros.
    net = type_coerce(func.coalesce(money.c.net, literal(0)), MONEY)
    debited = type_coerce(-func.coalesce(money.c.debited, literal(0)), MONEY)
    refunded = type_coerce(func.coalesce(refunds.c.refunded, literal(0)), MONEY)
    found = []
    for oid, status, paid, net_paid, debited_value, refunded_value in c.execute(
        select(orders.c.id, orders.c.status, orders.c.paid, net, debited, refunded)
        .outerjoin(money, money.c.order_id == orders.c.id)
        .outerjoin(refunds, refunds.c.order_id == orders.c.id)
        .where(
            orders.c.kind != "reservation",
            or_(orders.c.paid != -net, refunded > debited, and_(orders.c.status == 2000, orders.c.paid != 0)),
        )
        .order_by(orders.c.id)
    ):
        if paid != -net_paid:
            found.append(f"order {oid}: paid {paid} but the ledger says {-net_paid}")
        if refunded_value > debited_value:
            found.append(
                f"order {oid}: returns refunded {refunded_value}, more than its debit of {debited_value}"
            )
        if status == 2000 and paid:
            found.append(f"order {oid}: cancelled but still holds {paid} of e-credit")
    return found


def _return_counts(c: Connection) -> list[str]:
    returned = (
        select(return_lines.c.order_id, return_lines.c.stock_id, func.count().label("units"))
        .group_by(return_lines.c.order_id, return_lines.c.stock_id)
        .subquery()
    )
    shipped = func.coalesce(order_lines.c.quantity, 0)
    rows = c.execute(
        select(returned.c.order_id, returned.c.stock_id, returned.c.units, shipped)
        .outerjoin(
            order_lines,
            and_(
                order_lines.c.order_id == returned.c.order_id, order_lines.c.stock_id == returned.c.stock_id
            ),
        )
        .where(returned.c.units > shipped)
        .order_by(returned.c.order_id, returned.c.stock_id)
    )
    return [
        f"order {oid}: {units} units of stock_id {sid} in returns but {sent} shipped"
        for oid, sid, units, sent in rows
    ]


def _return_lines(c: Connection) -> list[str]:
    booked = _last_status("return", "return_id")
    credits = (
        select(ledger.c.return_id, func.sum(ledger.c.credit_delta).label("credited"))
        .where(ledger.c.return_id.is_not(None), ledger.c.kind == "credit")
        .group_by(ledger.c.return_id)
        .subquery()
    )
    credited = type_coerce(func.coalesce(credits.c.credited, literal(0)), MONEY)
    found = []
    for rid, status, said, amount, credited_value in c.execute(
        select(
            return_lines.c.id, return_lines.c.status, booked.c.status, return_lines.c.refund_amount, credited
        )
        .outerjoin(booked, booked.c.key == return_lines.c.id)
        .outerjoin(credits, credits.c.return_id == return_lines.c.id)
        .where(
            or_(
                booked.c.status.is_(None),
                booked.c.status != return_lines.c.status,
                return_lines.c.refund_amount != credited,
            )
        )
        .order_by(return_lines.c.id)
    ):
        if said != status:
            found.append(f"return line {rid}: status {status} but the ledger last says {said}")
        if amount != credited_value:
            found.append(f"return line {rid}: refunded {amount} but the ledger credited {credited_value}")
    return found

"""The warehouse workflow of an order: advance it (confirm, working on, ready, dispatch) or cancel it.

Each verb is one transaction that locks the account, then the order, then (cancelling) its models in
ascending stock_id, the same order every other writer uses. Every change is in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from stockgate.domain.confirmation import confirm
from stockgate.domain.dates import utc_now
from stockgate.domain.errors import NotFound
from stockgate.domain.fulfilment import (
    Tracking,
    cancelled_substatus,
    check_advance,
    check_cancel,
    leaves_booking,
    tracking,
)
from stockgate.domain.statuses import OrderStatus, status_label
from stockgate.services.account_ports import AccountRow
from stockgate.services.order_ports import OrderState
from stockgate.services.outbox import publish_order_change
from stockgate.services.stock_ports import LedgerEntry, StockChange
from stockgate.services.unit_of_work import Database, Tx

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class OrderMove:
    """An order after a step of the workflow."""

    order_id: int
    previous: int  # the status it left
    status: int
    substatus: int | None
    paid: Decimal  # e-credit the order now holds
    debited: Decimal  # taken from e-credit by this step
    refunded: Decimal  # paid back to e-credit by this step
    last_update: datetime


def advance_order(
    db: Database,
    *,
    order_id: int,
    to: int,
    tracking_code: str | None = None,
    tracking_url: str | None = None,
    carrier_name: str | None = None,
    actor: str,
    reason: str = "",
) -> OrderMove:
    """Move an order forward (5 -> 2 -> 3001 -> 3002 -> 3, skipping allowed); leaving 5 confirms it."""
    given = tracking(tracking_code, tracking_url, carrier_name)

    def work(tx: Tx) -> OrderMove:
        account, state = lock_order(tx, order_id)
        return advance_locked(tx, account, state, to, given, actor, reason)

    return db.write(work)


def cancel_order(
    db: Database, *, order_id: int, reason: str = "", reject: bool = False, actor: str
) -> OrderMove:
    """Cancel (or reject) an order not yet dispatched: units back on hand, its e-credit paid back."""

    def work(tx: Tx) -> OrderMove:
        account, state = lock_order(tx, order_id)
        check_cancel(order_id, state.status)
        lines = tx.orders.lines(order_id)
        stock = tx.stock.lines_for_update(account.id, [line.stock_id for line in lines])
        # The units return to on-hand, free for anyone; the account's lock is not given back.
        tx.stock.apply(
            account.id, [StockChange(x.stock_id, x.quantity, 0, stock[x.stock_id].mine) for x in lines]
        )
        what = "rejected" if reject else "cancelled"
        entries = [
            LedgerEntry(
                "stock",
                actor,
                f"order {what}",
                account_id=account.id,
                stock_id=x.stock_id,
                order_id=order_id,
                on_hand_delta=x.quantity,
            )
            for x in lines
        ]
        if state.paid:
            tx.accounts.add_credit(account.id, state.paid)
            entries.append(
                LedgerEntry(
                    "credit",
                    actor,
                    f"order {what}: e-credit paid back",
                    account_id=account.id,
                    order_id=order_id,
                    credit_delta=state.paid,
                )
            )
        substatus = cancelled_substatus(reject)
        now = utc_now()
        entries.append(_status_entry(account, state, OrderStatus.CANCELLED, actor, reason or f"order {what}"))
        tx.orders.change(
            order_id, {"status": OrderStatus.CANCELLED, "substatus": substatus, "paid": 0, "last_update": now}
        )
        tx.ledger.append(entries)
        publish_order_change(
            tx,
            account=account,
            order_id=order_id,
            previous_status=state.status,
            reason=reason or f"order {what}",
            rejected=reject,
        )
        return OrderMove(
            order_id, state.status, OrderStatus.CANCELLED, substatus, ZERO, ZERO, state.paid, now
        )

    return db.write(work)


def lock_order(tx: Tx, order_id: int) -> tuple[AccountRow, OrderState]:
    """Lock the order's account, then the order (the lock order of every writer)."""
    account_id = tx.orders.owner(order_id)
    if account_id is None:
        raise NotFound("order", order_id)
    account = tx.accounts.lock(account_id)
    state = tx.orders.for_update(order_id)
    if state is None:  # pragma: no cover - orders are never deleted
        raise NotFound("order", order_id)
    return account, state


def advance_locked(
    tx: Tx, account: AccountRow, state: OrderState, to: int, given: Tracking, actor: str, reason: str
) -> OrderMove:
    """One forward step on a locked order; shared with the status push."""
    check_advance(state.order_id, state.status, to, state.substatus, given)
    now = utc_now()
    values: dict[str, Any] = {"status": to, "last_update": now}
    entries = []
    substatus = state.substatus
    debit = ZERO
    if leaves_booking(state.status, to):
        decision = confirm(state.total, account.ecredit)
        substatus, debit = decision.substatus, decision.debit
        values["substatus"] = substatus
        if debit:
            values["paid"] = state.paid + debit
            tx.accounts.add_credit(account.id, -debit)
            entries.append(
                LedgerEntry(
                    "credit",
                    actor,
                    "order confirmed: paid with e-credit",
                    account_id=account.id,
                    order_id=state.order_id,
                    credit_delta=-debit,
                )
            )
    if given.given or to == OrderStatus.DISPATCHED:
        values.update(
            tracking_code=given.code or state.tracking_code,
            tracking_url=given.url or state.tracking_url,
            # Without a carrier name the assigned carrier is the one shops are told about.
            tracking_carrier=given.carrier_name or state.tracking_carrier or state.carrier_name,
        )
    entries.append(_status_entry(account, state, to, actor, reason))
    tx.orders.change(state.order_id, values)
    tx.ledger.append(entries)
    publish_order_change(tx, account=account, order_id=state.order_id, previous_status=state.status)
    return OrderMove(state.order_id, state.status, to, substatus, state.paid + debit, debit, ZERO, now)


def _status_entry(account: AccountRow, state: OrderState, to: int, actor: str, reason: str) -> LedgerEntry:
    return LedgerEntry(
        "status",
        actor,
        reason or f"{status_label(state.status)} -> {status_label(to)}",
        account_id=account.id,
        order_id=state.order_id,
        status=to,
    )

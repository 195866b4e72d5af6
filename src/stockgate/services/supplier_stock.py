"""Supplier-side stock: set on-hand quantities, see and release reservations."""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.domain.errors import InvalidInput
from stockgate.domain.webhook_payloads import released_data
from stockgate.domain.webhooks import RESERVATION_RELEASED
from stockgate.services.accounts import find_account_row
from stockgate.services.outbox import Notice, order_subject, publish, sold_out_notices
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Database, Tx

MAX_ON_HAND = 2**31 - 1  # the column is a 32-bit integer on PostgreSQL
RELEASED_BY_SUPPLIER = "released by the supplier"


def set_stock(db: Database, *, stock_id: int, quantity: int, actor: str, reason: str = "") -> int:
    """Set a model's on-hand quantity (never below what is locked). Answers the previous quantity."""
    if quantity < 0:
        raise InvalidInput("quantity", "quantity cannot be negative")
    if quantity > MAX_ON_HAND:
        raise InvalidInput("quantity", f"quantity cannot be above {MAX_ON_HAND}")

    def work(tx: Tx) -> int:
        before = tx.stock.set_on_hand(stock_id, quantity)
        if before != quantity:
            tx.ledger.append(
                [
                    LedgerEntry(
                        "stock",
                        actor,
                        reason or "stock set",
                        stock_id=stock_id,
                        on_hand_delta=quantity - before,
                    )
                ]
            )
        if quantity < before:  # only a decrease can empty a model
            locked = tx.stock.lines_for_update(0, [stock_id])[stock_id].locked
            publish(tx, sold_out_notices(tx, {stock_id: before - locked}, {stock_id: quantity - locked}))
        return before

    return db.write(work)


@dataclass(frozen=True, slots=True)
class Holding:
    email: str
    stock_id: int
    quantity: int


def list_reservations(db: Database, *, email: str | None = None) -> list[Holding]:
    """Who holds what locked, for every account or one."""

    def work(tx: Tx) -> list[Holding]:
        account_id = find_account_row(tx, email).id if email else None
        emails = {row.id: row.email for row, _held in tx.accounts.listing()}
        return [Holding(emails[a], s, q) for a, s, q in tx.stock.holdings(account_id)]

    return db.read(work)


def release_reservation(db: Database, *, email: str, stock_id: int | None = None, actor: str) -> int:
    """Release an account's locks (all, or one model). Answers the number of units released."""

    def work(tx: Tx) -> int:
        account = tx.accounts.lock(find_account_row(tx, email).id)
        released = tx.stock.release(account.id, stock_id)
        tx.ledger.append(
            [
                LedgerEntry(
                    "lock",
                    actor,
                    RELEASED_BY_SUPPLIER,
                    account_id=account.id,
                    stock_id=sid,
                    order_id=account.reservation_id,
                    locked_delta=-quantity,
                )
                for sid, quantity in released
            ]
        )
        if released:
            data = released_data(account.reservation_id, released, RELEASED_BY_SUPPLIER)
            subject = order_subject(account.reservation_id or 0)
            publish(tx, [Notice(account.id, RESERVATION_RELEASED, subject, data)], accounts=[account])
        return sum(q for _, q in released)

    return db.write(work)


@dataclass(frozen=True, slots=True)
class AccountHolding:
    account_id: int
    email: str
    stock_id: int
    quantity: int


def reservations_page(
    db: Database, *, email: str | None = None, after: tuple[int, int] | None = None, limit: int = 100
) -> list[AccountHolding]:
    """Locks in (account id, stock_id) order after `after`, for every account or one."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit", "limit must be between 1 and 1000")

    def work(tx: Tx) -> list[AccountHolding]:
        account_id = find_account_row(tx, email).id if email else None
        rows = tx.stock.holdings_page(account_id=account_id, after=after, limit=limit)
        return [AccountHolding(*row) for row in rows]

    return db.read(work)

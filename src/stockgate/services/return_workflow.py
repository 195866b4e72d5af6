"""The supplier's steps on a return line: authorise, receive, declare not received, refuse, refund, complete.

Each step is one transaction locking the account, the order, the return line and (restocking) the model,
in that order. Every status change, restock and refund is in the ledger with the line's id.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from stockgate.domain import returns as rules
from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict, InvalidInput, NotFound
from stockgate.domain.returns import PAYERS, default_payer
from stockgate.services.account_ports import AccountRow
from stockgate.services.order_ports import OrderState
from stockgate.services.outbox import publish_return_change
from stockgate.services.return_ports import ReturnLine
from stockgate.services.stock_ports import LedgerEntry, StockChange
from stockgate.services.unit_of_work import Database, Tx

MAX_PAGE = 500
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: the code is read off paper
_CODE_LENGTH = 12  # 60 random bits: the code is also what opens the manifest's link


def list_returns(
    db: Database,
    *,
    order_id: int | None = None,
    status: int | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> list[ReturnLine]:
    """Return lines oldest first (a work queue), filtered by order and status, one page."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("limit", f"limit must be between 1 and {MAX_PAGE}")
    return db.read(
        lambda tx: tx.returns.page(order_id=order_id, status=status, after_id=after_id, limit=limit)
    )


def get_return(db: Database, *, return_id: int) -> ReturnLine:
    found = db.read(lambda tx: tx.returns.get(return_id))
    if found is None:
        raise NotFound("return line", return_id)
    return found


def authorize_return(db: Database, *, return_id: int, paid_by: str | None = None, actor: str) -> ReturnLine:
    """Authorise a pending line; the shipping back is paid by `paid_by` (by default the supplier when the
    reason is its fault: damaged, wrong, defective, unordered, missing). Gives the line its request's
    return code, which opens the printable manifest."""
    if paid_by is not None and paid_by not in PAYERS:
        raise InvalidInput("paid_by", "paid_by must be supplier or customer")

    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        payer = paid_by or default_payer(line.reason_code)
        status = rules.authorise(line.id, line.status, paid_by_supplier=payer == "supplier")
        code = tx.returns.request_code(line.request_id) or _new_code(tx)
        return {"status": status, "paid_by": payer, "return_code": code, "authorised_at": utc_now()}

    return _run(db, return_id, actor, "authorised", step)


def receive_return(db: Database, *, return_id: int, ok: bool, actor: str) -> ReturnLine:
    """Record the unit's arrival; one received in good order goes back on hand (a ledger entry)."""

    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        status = rules.receive(line.id, line.status, ok=ok)
        values: dict[str, Any] = {"status": status, "received_at": utc_now()}
        if ok:
            stock = tx.stock.lines_for_update(account.id, [line.stock_id])
            if line.stock_id in stock:  # a model deleted from the catalog cannot be restocked
                tx.stock.apply(account.id, [StockChange(line.stock_id, 1, 0, stock[line.stock_id].mine)])
                tx.ledger.append(
                    [
                        LedgerEntry(
                            "stock",
                            actor,
                            "returned unit back on hand",
                            account_id=account.id,
                            stock_id=line.stock_id,
                            order_id=line.order_id,
                            on_hand_delta=1,
                            return_id=line.id,
                        )
                    ]
                )
                values["restocked"] = True
        return values

    return _run(db, return_id, actor, "received OK" if ok else "received not OK", step)


def mark_not_received(db: Database, *, return_id: int, actor: str) -> ReturnLine:
    """The parcel never arrived."""

    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        return {"status": rules.not_received(line.id, line.status)}

    return _run(db, return_id, actor, "not received", step)


def refuse_return(db: Database, *, return_id: int, actor: str) -> ReturnLine:
    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        return {"status": rules.refuse(line.id, line.status, line.refund_status == 1)}

    return _run(db, return_id, actor, "refused", step)


def refund_return(db: Database, *, return_id: int, actor: str) -> ReturnLine:
    """Pay the line's unit price back to e-credit, out of what the order paid with e-credit."""

    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        status = rules.refund(line.id, line.status, line.refund_status == 1)
        amount = line.unit_price
        if amount > order.paid:
            raise Conflict(
                f"order {order.order_id} holds {order.paid:.2f} paid with e-credit; a refund of {amount:.2f}"
                " would exceed it (credit the account by hand if it paid another way)"
            )
        tx.accounts.add_credit(account.id, amount)
        tx.orders.change(order.order_id, {"paid": order.paid - amount})
        tx.ledger.append(
            [
                LedgerEntry(
                    "credit",
                    actor,
                    "return refunded to e-credit",
                    account_id=account.id,
                    order_id=order.order_id,
                    credit_delta=amount,
                    return_id=line.id,
                )
            ]
        )
        return {"status": status, "refund_status": 1, "refund_amount": amount, "refunded_at": utc_now()}

    return _run(db, return_id, actor, "refunded", step)


def complete_return(db: Database, *, return_id: int, actor: str) -> ReturnLine:
    """Close a line that has arrived (or never will) without refunding it."""

    def step(tx: Tx, line: ReturnLine, account: AccountRow, order: OrderState) -> dict[str, Any]:
        return {"status": rules.complete(line.id, line.status)}

    return _run(db, return_id, actor, "completed", step)


Step = Callable[[Tx, ReturnLine, AccountRow, OrderState], dict[str, Any]]


def _run(db: Database, return_id: int, actor: str, what: str, step: Step) -> ReturnLine:
    def work(tx: Tx) -> ReturnLine:
        seen = tx.returns.get(return_id)
        if seen is None:
            raise NotFound("return line", return_id)
        account = tx.accounts.lock(seen.account_id)
        order = tx.orders.for_update(seen.order_id)
        line = tx.returns.get(return_id, for_update=True)
        assert order is not None
        assert line is not None
        values = step(tx, line, account, order)
        tx.returns.change(return_id, values)
        if values.get("status", line.status) != line.status:
            tx.ledger.append(
                [
                    LedgerEntry(
                        "return",
                        actor,
                        f"return {what}",
                        account_id=account.id,
                        order_id=line.order_id,
                        status=int(values["status"]),
                        return_id=line.id,
                    )
                ]
            )
        after = tx.returns.get(return_id)
        assert after is not None
        if (after.status, after.refund_status) != (line.status, line.refund_status):
            publish_return_change(tx, account=account, order_id=line.order_id, return_ids=[line.id])
        return after

    return db.write(work)


def _new_code(tx: Tx) -> str:
    while True:
        code = "R" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
        if tx.returns.manifest(code) is None:
            return code

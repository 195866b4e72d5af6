"""Returns as the shop sees them: E9 opens a request, E10/E11 list an order's return lines, E14 prints
the manifest of an authorised return (ghost API 4.8)."""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.domain.errors import NotFound, ReturnRefused
from stockgate.domain.returns import Refusal, ReturnRequest, check_request, units
from stockgate.domain.statuses import OrderStatus
from stockgate.services.auth import Principal
from stockgate.services.outbox import publish_return_change
from stockgate.services.return_ports import ManifestFacts, ReturnLine
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Database, Tx


@dataclass(frozen=True, slots=True)
class OrderReturns:
    order_id: int
    lines: list[ReturnLine]


def open_return(db: Database, *, principal: Principal, request: ReturnRequest, actor: str) -> list[int]:
    """Open a return request on the caller's dispatched order: one PENDING line per unit. Answers their ids.

    The order row is locked, so two requests for the same order cannot both take the last returnable unit.
    """

    def work(tx: Tx) -> list[int]:
        account = tx.accounts.lock(principal.account_id)
        if tx.orders.owner(request.order_id) != account.id:
            raise ReturnRefused(f"order {request.order_id} not found", Refusal.ORDER_NOT_FOUND)
        state = tx.orders.for_update(request.order_id)
        assert state is not None
        lines = tx.orders.lines(request.order_id)
        check_request(
            request,
            state.status,
            {x.stock_id: x.quantity for x in lines},
            tx.returns.requested(request.order_id),
        )
        ids = tx.returns.open_request(
            request.order_id,
            account.id,
            units(request.items),
            {x.stock_id: x.unit_price for x in lines},
        )
        tx.ledger.append(
            [
                LedgerEntry(
                    "return",
                    actor,
                    "return requested",
                    account_id=account.id,
                    order_id=request.order_id,
                    status=0,
                    return_id=return_id,
                )
                for return_id in ids
            ]
        )
        publish_return_change(tx, account=account, order_id=request.order_id, return_ids=ids)
        return ids

    return db.write(work)


def returns_of_order(
    db: Database, *, principal: Principal, order_id: int | None = None, key: str | None = None
) -> OrderReturns:
    """The return lines of the caller's order, by server id (E11) or client key (E10)."""

    def work(tx: Tx) -> OrderReturns:
        found = tx.orders.status(principal.account_id, order_id=order_id, key=key)
        if found is None or found.status == OrderStatus.GROWING:
            raise NotFound("order", order_id if key is None else key)
        return OrderReturns(found.order_id, tx.returns.for_order(found.order_id))

    return db.read(work)


def return_manifest(db: Database, *, return_code: str) -> ManifestFacts:
    """What the printed manifest of an authorised return shows; the code itself is the credential."""
    code = return_code.strip().upper()
    found = db.read(lambda tx: tx.returns.manifest(code)) if code else None
    if found is None:
        raise NotFound("return", return_code)
    return found

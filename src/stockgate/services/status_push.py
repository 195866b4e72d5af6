"""The Rewix supplier-side status push (supplier.md section 3): warehouse tools report substatus and tracking.

A push that carries a tracking code or url means the parcel has left: an order not yet dispatched is
dispatched through the ordinary workflow rules (a booked one is confirmed on the way, a cancelled one
refuses). On a dispatched order the push corrects the tracking. A substatus blocks (5) or unblocks an
order still in the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict, InvalidInput, NotFound
from stockgate.domain.fulfilment import Tracking, pushed_substatus, tracking
from stockgate.domain.statuses import OrderStatus
from stockgate.domain.webhooks import ORDER_UPDATED
from stockgate.services.account_ports import AccountRow
from stockgate.services.fulfilment import ZERO, OrderMove, advance_locked, lock_order
from stockgate.services.outbox import publish_order_change
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Database, Tx


@dataclass(frozen=True, slots=True)
class StatusPush:
    order_id: int | None = None
    ext_ref: str | None = None
    substatus: int | None = None
    tracking_code: str | None = None
    tracking_url: str | None = None
    carrier_name: str | None = None


def push_order_status(db: Database, *, push: StatusPush, actor: str) -> OrderMove:
    """Apply one status push; the order is named by orderId, or by extRef when that is unambiguous."""
    given = tracking(push.tracking_code, push.tracking_url, push.carrier_name)
    if push.substatus is None and not given.given:
        raise InvalidInput("substatus", "the push carries neither a substatus nor tracking")

    def work(tx: Tx) -> OrderMove:
        order_id = _order_id(tx, push)
        account, state = lock_order(tx, order_id)
        if push.ext_ref is not None and state.key != push.ext_ref:
            raise NotFound("order", f"{order_id} with extRef {push.ext_ref}")
        # Repeating the substatus the order already has is no change (tools resend what they know).
        if push.substatus is not None and push.substatus != state.substatus:
            substatus = pushed_substatus(order_id, state.status, push.substatus, state.paid, state.total)
            tx.orders.change(order_id, {"substatus": substatus, "last_update": utc_now()})
            tx.ledger.append(
                [
                    LedgerEntry(
                        "substatus",
                        actor,
                        f"substatus {substatus} pushed",
                        account_id=account.id,
                        order_id=order_id,
                        status=state.status,
                    )
                ]
            )
            state = replace(state, substatus=substatus)
            publish_order_change(
                tx, account=account, order_id=order_id, event_type=ORDER_UPDATED, changed=["substatus"]
            )
        if given.code or given.url:
            if state.status != OrderStatus.DISPATCHED:
                return advance_locked(tx, account, state, OrderStatus.DISPATCHED, given, actor, "status push")
            return _correct_tracking(tx, state.order_id, account, given, actor)
        if given.given:  # only a carrier name: kept for the dispatch to come
            tx.orders.change(order_id, {"tracking_carrier": given.carrier_name})
        return _unchanged(tx, order_id)

    return db.write(work)


def _order_id(tx: Tx, push: StatusPush) -> int:
    if push.order_id is not None:
        return push.order_id
    if push.ext_ref is None:
        raise InvalidInput("orderId", "orderId or extRef is required")
    found = tx.orders.ids_by_key(push.ext_ref)
    if not found:
        raise NotFound("order", push.ext_ref)
    if len(found) > 1:
        raise Conflict(f"extRef {push.ext_ref} names {len(found)} orders of different accounts: send orderId")
    return found[0]


def _correct_tracking(tx: Tx, order_id: int, account: AccountRow, given: Tracking, actor: str) -> OrderMove:
    values: dict[str, object] = {
        "tracking_code": given.code,
        "tracking_url": given.url,
        "last_update": utc_now(),
    }
    if given.carrier_name:
        values["tracking_carrier"] = given.carrier_name
    tx.orders.change(order_id, values)
    tx.ledger.append(
        [
            LedgerEntry(
                "tracking",
                actor,
                f"tracking corrected: {given.code or ''} {given.url or ''}".strip(),
                account_id=account.id,
                order_id=order_id,
            )
        ]
    )
    publish_order_change(
        tx, account=account, order_id=order_id, event_type=ORDER_UPDATED, changed=["tracking"]
    )
    return _unchanged(tx, order_id)


def _unchanged(tx: Tx, order_id: int) -> OrderMove:
    state = tx.orders.for_update(order_id)
    assert state is not None
    return OrderMove(
        order_id,
        state.status,
        state.status,
        state.substatus,
        state.paid,
        ZERO,
        ZERO,
        state.last_update,
    )

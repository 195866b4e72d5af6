"""Writing webhook events into the outbox, inside the transaction of the change they report.

Use cases call these functions from their own `work(tx)`: the event rows commit or roll back with the
change, so a shop is never told about something that did not happen and never misses what did. An
event is only written when some enabled endpoint of the account subscribes to its type.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import NotFound
from stockgate.domain.webhook_payloads import (
    EVENT_ID_PREFIX,
    OrderSnapshot,
    ReturnSnapshot,
    envelope,
    order_data,
    return_data,
    sold_out_data,
)
from stockgate.domain.webhooks import (
    MODEL_SOLD_OUT,
    RETURN_STATUS_CHANGED,
    order_event_type,
    split_events,
    subscribes,
)
from stockgate.services.account_ports import AccountRow
from stockgate.services.order_ports import OrderStatusRow
from stockgate.services.unit_of_work import Tx
from stockgate.services.webhook_ports import OutboxEvent, Subscription


@dataclass(frozen=True, slots=True)
class Notice:
    """An event to publish. `endpoint_ids` set: only to those endpoints (opt-in events, pings)."""

    account_id: int
    type: str
    subject: str  # events of one subject reach each endpoint in the order they were published
    data: Mapping[str, Any]
    endpoint_ids: tuple[int, ...] | None = None


def new_event_id() -> str:
    return EVENT_ID_PREFIX + secrets.token_hex(16)


def order_subject(order_id: int) -> str:
    return f"order:{order_id}"


def wants(account: AccountRow, event_type: str) -> bool:
    """Whether some enabled endpoint of the (locked) account subscribes to the type."""
    return event_type in split_events(account.webhook_events)


def publish(
    tx: Tx, notices: Iterable[Notice], *, accounts: Iterable[AccountRow] = (), now: datetime | None = None
) -> list[str]:
    """Write each notice to the outbox for the endpoints that want it; answers the event ids written.

    `accounts`: rows locked by the caller; their `webhook_events` spare the endpoint lookup (one query)
    for the notices nobody wants, which is every notice of most accounts.
    """
    now = now or utc_now()
    known = {account.id: account for account in accounts}
    subscriptions: dict[int, list[Subscription]] = {}
    written = []
    for notice in notices:
        if notice.endpoint_ids is not None:
            targets: Sequence[int] = notice.endpoint_ids
        elif notice.account_id in known and not wants(known[notice.account_id], notice.type):
            continue
        else:
            if notice.account_id not in subscriptions:
                subscriptions[notice.account_id] = tx.webhooks.subscriptions(notice.account_id)
            targets = [
                s.endpoint_id for s in subscriptions[notice.account_id] if subscribes(s.events, notice.type)
            ]
        if not targets:
            continue
        event_id = new_event_id()
        body = envelope(event_id, notice.type, now, notice.data)
        tx.webhooks.enqueue(
            OutboxEvent(event_id, notice.account_id, notice.type, notice.subject, body, now), targets
        )
        written.append(event_id)
    return written


def snapshot(row: OrderStatusRow) -> OrderSnapshot:
    return OrderSnapshot(
        row.order_id,
        row.key,
        row.status,
        row.substatus,
        row.last_update,
        row.tracking_code,
        row.tracking_url,
        row.tracking_carrier,
    )


def order_notice(
    tx: Tx, *, account_id: int, order_id: int, event_type: str | None = None, **extra: Any
) -> Notice | None:
    """The event of an order as it stands now in this transaction (after the change).

    `event_type` defaults to the event of the order's current status; None when shops are not told
    about that status. Call it after updating the order, so the data is what E7/E8 will answer.
    """
    row = tx.orders.status(account_id, order_id=order_id)
    if row is None:
        raise NotFound("order", order_id)
    event_type = event_type or order_event_type(row.status)
    if event_type is None:
        return None
    return Notice(account_id, event_type, order_subject(order_id), order_data(snapshot(row), **extra))


def publish_order_change(
    tx: Tx, *, account: AccountRow, order_id: int, event_type: str | None = None, **extra: Any
) -> list[str]:
    """Publish the event of an order's change (for the order workflow's use cases), after the change.

    `account` is the order's account row as the transaction locked it.
    """
    if not account.webhook_events:  # most accounts: no order read, no endpoint lookup
        return []
    notice = order_notice(tx, account_id=account.id, order_id=order_id, event_type=event_type, **extra)
    return publish(tx, [notice], accounts=[account]) if notice else []


def sold_out_notices(tx: Tx, before: Mapping[int, int], after: Mapping[int, int]) -> list[Notice]:
    """`model.sold_out` for models whose free quantity went from above zero to zero.

    Told to the endpoints that opted in, of accounts that hold a lock on the model or have ordered it.
    """
    emptied = sorted(sid for sid, free in after.items() if free <= 0 < before.get(sid, 0))
    if not emptied:
        return []
    grouped: dict[tuple[int, int], tuple[list[int], int]] = {}
    for watch in tx.webhooks.sold_out_watches(emptied):
        endpoints, _locked = grouped.setdefault((watch.account_id, watch.stock_id), ([], watch.locked))
        endpoints.append(watch.endpoint_id)
    return [
        Notice(
            account_id,
            MODEL_SOLD_OUT,
            f"model:{stock_id}",
            sold_out_data(stock_id, locked),
            tuple(endpoints),
        )
        for (account_id, stock_id), (endpoints, locked) in grouped.items()
    ]


def publish_return_change(
    tx: Tx, *, account: AccountRow, order_id: int, return_ids: Sequence[int]
) -> list[str]:
    """Publish `return.status_changed` for return lines of one order, as they stand after the change."""
    if not return_ids or not wants(account, RETURN_STATUS_CHANGED):
        return []
    wanted = set(return_ids)
    lines = [line for line in tx.returns.for_order(order_id) if line.id in wanted]
    snapshots = [
        ReturnSnapshot(
            line.id,
            line.stock_id,
            line.reason_code,
            line.status,
            line.refund_status,
            line.notes,
            line.request_ext_ref,
            line.return_code,
        )
        for line in lines
    ]
    key = lines[0].order_key if lines else None
    data = return_data(order_id, key, snapshots)
    notice = Notice(account.id, RETURN_STATUS_CHANGED, order_subject(order_id), data)
    return publish(tx, [notice], accounts=[account])

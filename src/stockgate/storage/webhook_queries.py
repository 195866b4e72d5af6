"""The statements the webhook repository builds on: endpoints with their counts, due deliveries (in
order per subject), delivery listings and their filters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, true

from stockgate.domain.webhooks import split_events
from stockgate.services.webhook_ports import DeliveryFilter, Endpoint
from stockgate.storage.account_tables import accounts
from stockgate.storage.webhook_tables import webhook_deliveries, webhook_endpoints, webhook_events

d = webhook_deliveries
e = webhook_endpoints
ev = webhook_events
_earlier = webhook_deliveries.alias("earlier")
SECRET_HINT = 10


def _counted(state: str) -> Any:
    return (
        select(func.count())
        .select_from(d)
        .where(d.c.endpoint_id == e.c.id, d.c.state == state)
        .scalar_subquery()
    )


ENDPOINT_QUERY = select(
    e.c.id,
    e.c.account_id,
    accounts.c.email,
    e.c.url,
    e.c.events,
    e.c.enabled,
    e.c.description,
    e.c.secret,
    e.c.created_at,
    _counted("pending"),
    _counted("failed"),
).join(accounts, accounts.c.id == e.c.account_id)


def endpoint_of(row: Any) -> Endpoint:
    return Endpoint(
        id=int(row[0]),
        account_id=int(row[1]),
        account_email=str(row[2]),
        url=str(row[3]),
        events=split_events(row[4]),
        enabled=bool(row[5]),
        description=str(row[6]),
        secret_hint=str(row[7])[:SECRET_HINT],
        created_at=row[8],
        pending=int(row[9]),
        failed=int(row[10]),
    )


def due(now: datetime) -> Select[Any]:
    blocked = exists().where(
        _earlier.c.endpoint_id == d.c.endpoint_id,
        _earlier.c.subject == d.c.subject,
        _earlier.c.id < d.c.id,
        _earlier.c.state == "pending",
    )
    return (
        select(d.c.id)
        .join(e, e.c.id == d.c.endpoint_id)
        .where(
            d.c.state == "pending",
            d.c.next_attempt_at <= now,
            or_(d.c.lease_until.is_(None), d.c.lease_until <= now),
            e.c.enabled == true(),
            ~blocked,
        )
        .order_by(d.c.next_attempt_at, d.c.id)
    )


DELIVERIES = (
    select(
        d.c.id,
        ev.c.event_id,
        ev.c.type,
        d.c.subject,
        d.c.endpoint_id,
        accounts.c.email,
        e.c.url,
        d.c.state,
        d.c.attempts,
        d.c.created_at,
        d.c.next_attempt_at,
        d.c.first_attempt_at,
        d.c.last_attempt_at,
        d.c.delivered_at,
        d.c.last_status,
        d.c.last_error,
    )
    .join(ev, ev.c.id == d.c.event_id)
    .join(e, e.c.id == d.c.endpoint_id)
    .join(accounts, accounts.c.id == e.c.account_id)
)


def conditions(where: DeliveryFilter) -> list[Any]:
    conditions: list[Any] = []
    if where.state is not None:
        conditions.append(d.c.state == where.state)
    if where.endpoint_id is not None:
        conditions.append(d.c.endpoint_id == where.endpoint_id)
    if where.account_id is not None:
        conditions.append(d.c.endpoint_id.in_(select(e.c.id).where(e.c.account_id == where.account_id)))
    if where.ids is not None:
        conditions.append(d.c.id.in_(where.ids))
    if where.event_id is not None:
        conditions.append(d.c.event_id.in_(select(ev.c.id).where(ev.c.event_id == where.event_id)))
    return conditions

"""Webhook endpoints, the outbox and its deliveries.

Claiming: a worker takes due deliveries by setting a lease (lease_until, lease_token) in one write
transaction. PostgreSQL rows are picked with FOR UPDATE SKIP LOCKED, so concurrent workers take
different rows without waiting on each other; SQLite's BEGIN IMMEDIATE lets one writer in at a time,
which gives the same exclusion. A delivery waits while an earlier delivery of the same subject (an
order) to the same endpoint is still pending, so receivers see one order's events in order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, insert, literal, or_, select, true
from sqlalchemy.engine import Connection

from stockgate.domain.webhooks import MODEL_SOLD_OUT, split_events
from stockgate.services.webhook_ports import (
    Backlog,
    Delivery,
    DeliveryFilter,
    DueDelivery,
    Endpoint,
    OutboxEvent,
    SoldOutWatch,
    Subscription,
)
from stockgate.storage import webhook_counts
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import order_lines, orders, reservation_lines
from stockgate.storage.webhook_queries import (
    DELIVERIES,
    ENDPOINT_QUERY,
    conditions,
    d,
    due,
    e,
    endpoint_of,
    ev,
)

MAX_ERROR = 500


class SqlWebhooks:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- endpoints ------------------------------------------------------------------------------------

    def add_endpoint(self, values: Mapping[str, Any]) -> int:
        return int(self._c.execute(insert(e).values(**values).returning(e.c.id)).scalar_one())

    def endpoint(self, endpoint_id: int) -> Endpoint | None:
        row = self._c.execute(ENDPOINT_QUERY.where(e.c.id == endpoint_id)).first()
        return None if row is None else endpoint_of(row)

    def endpoints(
        self, account_id: int | None, after_id: int | None = None, limit: int = 1000
    ) -> list[Endpoint]:
        query = ENDPOINT_QUERY.order_by(e.c.id).limit(limit)
        if account_id is not None:
            query = query.where(e.c.account_id == account_id)
        if after_id is not None:
            query = query.where(e.c.id > after_id)
        return [endpoint_of(row) for row in self._c.execute(query)]

    def update_endpoint(self, endpoint_id: int, values: Mapping[str, Any]) -> None:
        self._c.execute(e.update().where(e.c.id == endpoint_id).values(**values))

    def remove_endpoint(self, endpoint_id: int) -> None:
        # Explicit rather than relying on ON DELETE CASCADE, which SQLite honours only per connection.
        self._c.execute(d.delete().where(d.c.endpoint_id == endpoint_id))
        self._c.execute(e.delete().where(e.c.id == endpoint_id))

    def subscriptions(self, account_id: int) -> list[Subscription]:
        rows = self._c.execute(
            select(e.c.id, e.c.events)
            .where(e.c.account_id == account_id, e.c.enabled == true())
            .order_by(e.c.id)
        )
        return [Subscription(int(row[0]), split_events(row[1])) for row in rows]

    def sold_out_watches(self, stock_ids: Sequence[int]) -> list[SoldOutWatch]:
        ordered = exists().where(
            order_lines.c.stock_id == models.c.id,
            orders.c.id == order_lines.c.order_id,
            orders.c.account_id == e.c.account_id,
        )
        query = (
            select(e.c.id, e.c.account_id, models.c.id, func.coalesce(reservation_lines.c.quantity, 0))
            .select_from(e)
            .join(models, models.c.id.in_(sorted(set(stock_ids))))
            .outerjoin(
                reservation_lines,
                and_(
                    reservation_lines.c.account_id == e.c.account_id,
                    reservation_lines.c.stock_id == models.c.id,
                ),
            )
            .where(
                e.c.enabled == true(),
                (literal(",") + e.c.events + literal(",")).like(f"%,{MODEL_SOLD_OUT},%"),
                or_(reservation_lines.c.quantity.is_not(None), ordered),
            )
            .order_by(e.c.account_id, models.c.id, e.c.id)
        )
        return [SoldOutWatch(int(a), int(b), int(c), int(q)) for a, b, c, q in self._c.execute(query)]

    # --- the outbox -----------------------------------------------------------------------------------

    def enqueue(self, event: OutboxEvent, endpoint_ids: Sequence[int]) -> None:
        if not endpoint_ids:
            return
        body = json.dumps(event.body, ensure_ascii=False, separators=(",", ":"))
        row_id = self._c.execute(
            insert(ev)
            .values(
                event_id=event.event_id,
                account_id=event.account_id,
                type=event.type,
                subject=event.subject,
                body=body,
                created_at=event.created_at,
            )
            .returning(ev.c.id)
        ).scalar_one()
        self._c.execute(
            insert(d),
            [
                {
                    "event_id": row_id,
                    "endpoint_id": endpoint_id,
                    "subject": event.subject,
                    "state": "pending",
                    "attempts": 0,
                    "next_attempt_at": event.created_at,
                    "created_at": event.created_at,
                }
                for endpoint_id in endpoint_ids
            ],
        )

    # --- delivering -----------------------------------------------------------------------------------

    def any_due(self, now: datetime) -> bool:
        return self._c.execute(due(now).limit(1)).first() is not None

    def claim(self, now: datetime, limit: int, lease_until: datetime, token: str) -> list[DueDelivery]:
        query = due(now).limit(limit)
        if self._c.dialect.name == "postgresql":
            query = query.with_for_update(of=d, skip_locked=True)
        ids = list(self._c.execute(query).scalars())
        if not ids:
            return []
        self._c.execute(d.update().where(d.c.id.in_(ids)).values(lease_until=lease_until, lease_token=token))
        rows = self._c.execute(
            select(
                d.c.id,
                d.c.endpoint_id,
                e.c.url,
                e.c.secret,
                ev.c.event_id,
                ev.c.type,
                ev.c.body,
                d.c.attempts,
                d.c.first_attempt_at,
            )
            .join(e, e.c.id == d.c.endpoint_id)
            .join(ev, ev.c.id == d.c.event_id)
            .where(d.c.id.in_(ids))
            .order_by(d.c.id)
        )
        return [
            DueDelivery(
                id=int(r[0]),
                lease_token=token,
                endpoint_id=int(r[1]),
                url=str(r[2]),
                secret=str(r[3]),
                event_id=str(r[4]),
                event_type=str(r[5]),
                body=str(r[6]).encode("utf-8"),
                attempts=int(r[7]),
                first_attempt_at=r[8],
            )
            for r in rows
        ]

    def _finish(self, delivery_id: int, token: str, values: Mapping[str, Any]) -> bool:
        result = self._c.execute(
            d.update()
            .where(d.c.id == delivery_id, d.c.lease_token == token, d.c.state == "pending")
            .values(lease_until=None, lease_token=None, attempts=d.c.attempts + 1, **values)
        )
        return result.rowcount == 1

    def record_delivered(self, delivery_id: int, token: str, now: datetime, status: int) -> bool:
        return self._finish(
            delivery_id,
            token,
            {
                "state": "delivered",
                "delivered_at": now,
                "last_attempt_at": now,
                "first_attempt_at": func.coalesce(d.c.first_attempt_at, now),
                "last_status": status,
                "last_error": None,
            },
        )

    def record_failure(
        self,
        delivery_id: int,
        token: str,
        now: datetime,
        *,
        status: int | None,
        error: str,
        retry_at: datetime | None,
    ) -> bool:
        values: dict[str, Any] = {
            "last_attempt_at": now,
            "first_attempt_at": func.coalesce(d.c.first_attempt_at, now),
            "last_status": status,
            "last_error": error[:MAX_ERROR],
        }
        if retry_at is None:
            values["state"] = "failed"
        else:
            values["next_attempt_at"] = retry_at
        return self._finish(delivery_id, token, values)

    # --- looking and retrying -------------------------------------------------------------------------

    def deliveries(self, where: DeliveryFilter) -> list[Delivery]:
        query = DELIVERIES.where(*conditions(where)).order_by(d.c.id.desc()).limit(where.limit)
        if where.before_id is not None:
            query = query.where(d.c.id < where.before_id)
        return [Delivery(*row) for row in self._c.execute(query).all()]  # type: ignore[call-arg]

    def redeliver(self, where: DeliveryFilter, now: datetime) -> int:
        chosen = conditions(where)
        # A leased row is being attempted right now: leave it to its worker.
        chosen.append(or_(d.c.lease_until.is_(None), d.c.lease_until <= now))
        result = self._c.execute(
            d.update()
            .where(*chosen)
            .values(
                state="pending",
                next_attempt_at=now,
                first_attempt_at=None,
                lease_until=None,
                lease_token=None,
            )
        )
        return int(result.rowcount)

    def prune(self, delivered_before: datetime) -> int:
        """Delete deliveries delivered before the instant, then events left without deliveries."""
        gone = self._c.execute(
            d.delete().where(d.c.state == "delivered", d.c.delivered_at < delivered_before)
        ).rowcount
        self._c.execute(ev.delete().where(~exists().where(d.c.event_id == ev.c.id)))
        return int(gone)

    # --- metrics --------------------------------------------------------------------------------------

    def tally(self, names: Sequence[str]) -> None:
        webhook_counts.tally(self._c, names)

    def tallies(self) -> dict[str, int]:
        return webhook_counts.tallies(self._c)

    def backlog(self) -> Backlog:
        return webhook_counts.backlog(self._c)

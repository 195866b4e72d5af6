"""Return requests and their lines (one per returned unit)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.engine import Connection

from stockgate.domain.dates import utc_now
from stockgate.domain.returns import ReturnItem
from stockgate.services.return_ports import ManifestFacts, ManifestLine, ReturnLine
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_tables import models, products
from stockgate.storage.order_tables import orders
from stockgate.storage.supplier_tables import return_lines, return_requests

_LINE = select(
    return_lines.c.id,
    return_lines.c.request_id,
    return_lines.c.order_id,
    orders.c.key,
    return_lines.c.account_id,
    return_lines.c.stock_id,
    return_lines.c.unit_price,
    return_lines.c.reason_code,
    return_lines.c.notes,
    return_lines.c.request_ext_ref,
    return_lines.c.status,
    return_lines.c.refund_status,
    return_lines.c.refund_amount,
    return_lines.c.paid_by,
    return_lines.c.return_code,
    return_lines.c.restocked,
    return_lines.c.created_at,
    return_lines.c.updated_at,
).join(orders, orders.c.id == return_lines.c.order_id)


class SqlReturns:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def requested(self, order_id: int) -> dict[int, int]:
        """Units of each model of the order already in a return request."""
        rows = self._c.execute(
            select(return_lines.c.stock_id, func.count())
            .where(return_lines.c.order_id == order_id)
            .group_by(return_lines.c.stock_id)
        )
        return {int(sid): int(n) for sid, n in rows}

    def open_request(
        self, order_id: int, account_id: int, units: Sequence[ReturnItem], prices: Mapping[int, Decimal]
    ) -> list[int]:
        now = utc_now()
        request_id = self._c.execute(
            insert(return_requests)
            .values(order_id=order_id, account_id=account_id, created_at=now)
            .returning(return_requests.c.id)
        ).scalar_one()
        rows = [
            {
                "request_id": request_id,
                "order_id": order_id,
                "account_id": account_id,
                "stock_id": unit.stock_id,
                "unit_price": prices[unit.stock_id],
                "reason_code": unit.reason_code,
                "notes": unit.notes,
                "request_ext_ref": unit.request_ext_ref,
                "created_at": now,
                "updated_at": now,
            }
            for unit in units
        ]
        # One executemany, then the ids read back in insertion order (RETURNING over an executemany is
        # not portable to both engines); the request is new, so its lines are exactly these.
        self._c.execute(insert(return_lines), rows)
        found = self._c.execute(
            select(return_lines.c.id)
            .where(return_lines.c.request_id == request_id)
            .order_by(return_lines.c.id)
        )
        return [int(i) for i in found.scalars()]

    def for_order(self, order_id: int) -> list[ReturnLine]:
        rows = self._c.execute(_LINE.where(return_lines.c.order_id == order_id).order_by(return_lines.c.id))
        return [_line(r) for r in rows]

    def get(self, return_id: int, *, for_update: bool = False) -> ReturnLine | None:
        query = _LINE.where(return_lines.c.id == return_id)
        if for_update:
            query = query.with_for_update(of=return_lines)
        row = self._c.execute(query).first()
        return None if row is None else _line(row)

    def change(self, return_id: int, values: Mapping[str, Any]) -> None:
        self._c.execute(
            return_lines.update().where(return_lines.c.id == return_id).values(updated_at=utc_now(), **values)
        )

    def request_code(self, request_id: int) -> str | None:
        """The return code already given to a line of this request, if any."""
        found = self._c.execute(
            select(return_lines.c.return_code)
            .where(return_lines.c.request_id == request_id, return_lines.c.return_code.is_not(None))
            .limit(1)
        ).scalar()
        return None if found is None else str(found)

    def manifest(self, return_code: str) -> ManifestFacts | None:
        rows = self._c.execute(
            select(
                return_lines.c.id,
                return_lines.c.stock_id,
                func.coalesce(products.c.name, ""),
                func.coalesce(models.c.code, ""),
                func.coalesce(models.c.size, ""),
                func.coalesce(models.c.color, ""),
                return_lines.c.reason_code,
                return_lines.c.notes,
                return_lines.c.order_id,
                orders.c.key,
                accounts.c.name,
                accounts.c.email,
                return_lines.c.paid_by,
                return_lines.c.authorised_at,
            )
            .join(orders, orders.c.id == return_lines.c.order_id)
            .join(accounts, accounts.c.id == return_lines.c.account_id)
            .outerjoin(models, models.c.id == return_lines.c.stock_id)
            .outerjoin(products, products.c.id == models.c.product_id)
            .where(return_lines.c.return_code == return_code)
            .order_by(return_lines.c.id)
        ).all()
        if not rows:
            return None
        first = rows[0]
        return ManifestFacts(
            return_code=return_code,
            order_id=int(first[8]),
            order_key=first[9],
            account_name=str(first[10]),
            account_email=str(first[11]),
            paid_by=first[12],
            authorised_at=first[13],
            lines=[ManifestLine(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], int(r[6]), r[7]) for r in rows],
        )

    def page(
        self, *, order_id: int | None, status: int | None, after_id: int | None, limit: int
    ) -> list[ReturnLine]:
        """Return lines in id order (oldest first, as a work queue), one page after `after_id`."""
        query = _LINE.order_by(return_lines.c.id).limit(limit)
        if order_id is not None:
            query = query.where(return_lines.c.order_id == order_id)
        if status is not None:
            query = query.where(return_lines.c.status == status)
        if after_id is not None:
            query = query.where(return_lines.c.id > after_id)
        return [_line(r) for r in self._c.execute(query)]


def _line(row: Row[Any] | Any) -> ReturnLine:
    values = list(row)
    values[15] = bool(values[15])
    return ReturnLine(*values)

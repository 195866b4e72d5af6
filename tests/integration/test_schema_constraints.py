"""The schema's CHECK constraints: the backstop that refuses an impossible number even if a bug above
the storage layer computed one, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Table, select
from sqlalchemy.exc import IntegrityError

from stockgate.bootstrap import Runtime
from stockgate.domain.dates import utc_now
from stockgate.services.supplier_stock import set_stock
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import orders, reservation_lines
from tests.conftest import Shop


def refused(runtime: Runtime, table: Table, where: Any, **values: Any) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)check"), runtime.engine.begin() as c:
        c.execute(table.update().where(where).values(**values))


def test_stock_numbers_cannot_leave_their_bounds(runtime: Runtime, catalog: list[int]) -> None:
    sid = catalog[0]
    set_stock(runtime.db, stock_id=sid, quantity=5, actor="test")
    refused(runtime, models, models.c.id == sid, on_hand=-1)
    refused(runtime, models, models.c.id == sid, locked=-1)
    refused(runtime, models, models.c.id == sid, locked=6)  # more locked than on hand
    with runtime.engine.connect() as c:
        row = c.execute(select(models.c.on_hand, models.c.locked).where(models.c.id == sid)).one()
    assert tuple(row) == (5, 0)  # every refused statement changed nothing


def test_credit_locks_and_order_money_cannot_go_wrong(
    runtime: Runtime, catalog: list[int], shop: Shop
) -> None:
    refused(runtime, accounts, accounts.c.id == shop.account_id, ecredit=-1)
    with runtime.engine.begin() as c:
        c.execute(
            reservation_lines.insert().values(account_id=shop.account_id, stock_id=catalog[0], quantity=1)
        )
    refused(runtime, reservation_lines, reservation_lines.c.account_id == shop.account_id, quantity=0)
    with runtime.engine.begin() as c:
        c.execute(reservation_lines.delete())
        order_id = c.execute(
            orders.insert()
            .values(account_id=shop.account_id, kind="acquire", status=5, total=10, paid=0, **_times())
            .returning(orders.c.id)
        ).scalar_one()
    refused(runtime, orders, orders.c.id == order_id, paid=11)  # paid more than the total


def _times() -> dict[str, Any]:
    now = utc_now()
    return {"created_at": now, "last_update": now}

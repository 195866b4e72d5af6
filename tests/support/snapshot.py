"""What "nothing changed" means in a test: every row a request could touch, read straight from the tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from stockgate.bootstrap import Runtime
from stockgate.services.check import check_invariants
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import ledger, order_lines, orders, reservation_lines


def business_state(runtime: Runtime) -> dict[str, Any]:
    """Stock, locks, orders, credit and the ledger's length (the audit tables are left out on purpose)."""
    with runtime.engine.connect() as c:
        return {
            "models": c.execute(
                select(models.c.id, models.c.on_hand, models.c.locked).order_by(models.c.id)
            ).all(),
            "locks": c.execute(select(reservation_lines).order_by(*reservation_lines.primary_key)).all(),
            "orders": c.execute(
                select(orders.c.id, orders.c.status, orders.c.key).order_by(orders.c.id)
            ).all(),
            "order_lines": c.execute(select(order_lines).order_by(*order_lines.primary_key)).all(),
            "accounts": c.execute(
                select(accounts.c.id, accounts.c.ecredit, accounts.c.reservation_id).order_by(accounts.c.id)
            ).all(),
            "ledger": c.execute(select(func.count()).select_from(ledger)).scalar_one(),
        }


def assert_unchanged(runtime: Runtime, before: dict[str, Any]) -> None:
    assert business_state(runtime) == before
    assert check_invariants(runtime.db) == []

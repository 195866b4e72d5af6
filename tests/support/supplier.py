"""Helpers of the supplier-side tests: stocked models, orders placed through the real services, figures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from stockgate.bootstrap import Runtime
from stockgate.domain.orders import Address, DropshipOrderRequest, Recipient
from stockgate.domain.stock import make_operation
from stockgate.services.accounts import find_account
from stockgate.services.auth import Principal
from stockgate.services.check import check_invariants
from stockgate.services.dropship import place_dropship_orders
from stockgate.services.fulfilment import advance_order
from stockgate.services.reservations import reserve
from stockgate.services.supplier_orders import show_order
from stockgate.services.supplier_stock import list_reservations
from stockgate.services.unit_of_work import Database


def order_request(
    key: str,
    lines: dict[int, int],
    *,
    auto_confirm: bool = True,
    carrier_id: int | None = 20,
    country: str = "IT",
) -> DropshipOrderRequest:
    address = Address(street_name="Roma", zip="10100", city="Torino", countrycode=country)
    return DropshipOrderRequest(
        key=key,
        date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        recipient=Recipient(recipient="ACME", address=address),
        lines=lines,
        carrier_id=carrier_id,
        auto_confirm=auto_confirm,
    )


def place(runtime: Runtime, principal: Principal, key: str, lines: dict[int, int], **options: object) -> int:
    """One dropshipping order through the E6 service; answers its id."""
    placed = place_dropship_orders(
        runtime.db,
        principal=principal,
        requests=[order_request(key, lines, **options)],  # type: ignore[arg-type]
        actor="test",
    )
    return placed.order_ids[-1]


def dispatched(runtime: Runtime, principal: Principal, key: str, lines: dict[int, int]) -> int:
    """An order placed (paid from e-credit) and dispatched, so that returns can be opened on it."""
    order_id = place(runtime, principal, key, lines)
    advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T", actor="t")
    return order_id


def lock(db: Database, principal: Principal, lines: list[tuple[int, int]]) -> None:
    """Lock units of models in the account's reservation (E3 `lock`)."""
    reserve(db, principal=principal, operations=[make_operation("lock", lines)], actor="test")


def on_hand(runtime: Runtime, stock_id: int) -> int:
    """A model's on-hand quantity, read through the catalog's own view of it."""
    from sqlalchemy import select

    from stockgate.storage.catalog_tables import models

    with runtime.engine.connect() as connection:
        return int(connection.execute(select(models.c.on_hand).where(models.c.id == stock_id)).scalar_one())


def ecredit(runtime: Runtime, email: str) -> Decimal:
    return find_account(runtime.db, email=email).ecredit


def order_fields(runtime: Runtime, order_id: int) -> dict[str, object]:
    return show_order(runtime.db, order_id=order_id).fields


def assert_books_balance(runtime: Runtime) -> None:
    assert check_invariants(runtime.db) == []


def locks(runtime: Runtime, email: str) -> dict[int, int]:
    return {h.stock_id: h.quantity for h in list_reservations(runtime.db, email=email)}

"""Admin API: on-hand stock and reservations."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import AdminCall, admin_routes, integer, page, text
from stockgate.services.supplier_stock import release_reservation, reservations_page, set_stock


def put_stock(call: AdminCall) -> Any:
    stock_id = call.path_id("stock_id", "stock_id")
    body = call.json()
    quantity = integer(body, "quantity", required=True)
    assert quantity is not None
    reason = text(body, "reason") or ""
    before = set_stock(call.ctx.db, stock_id=stock_id, quantity=quantity, actor=call.actor, reason=reason)
    return {"stock_id": stock_id, "on_hand": quantity, "previous": before}


def reservations(call: AdminCall) -> Any:
    limit = call.limit()
    after = call.cursor(2)
    found = reservations_page(
        call.ctx.db,
        email=call.query.get("account") or None,
        after=(after[0], after[1]) if after else None,
        limit=limit + 1,
    )
    return page(
        found,
        limit,
        lambda h: (h.account_id, h.stock_id),
        lambda h: {
            "account_id": h.account_id,
            "email": h.email,
            "stock_id": h.stock_id,
            "quantity": h.quantity,
        },
    )


def release(call: AdminCall) -> Any:
    body = call.json()
    email = text(body, "account", required=True) or ""
    stock_id = integer(body, "stock_id")
    if stock_id is not None and stock_id <= 0:
        raise InvalidInput("stock_id", "stock_id must be positive")
    units = release_reservation(call.ctx.db, email=email, stock_id=stock_id, actor=call.actor)
    return {"account": email, "released": units}


def routes() -> list[BaseRoute]:
    return [
        *admin_routes("/stock/{stock_id}", put_stock, methods=["PUT"]),
        *admin_routes("/reservations", reservations, methods=["GET"]),
        *admin_routes("/reservations/release", release, methods=["POST"]),
    ]

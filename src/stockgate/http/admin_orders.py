"""Admin API: orders and their transitions, return lines and the supplier's steps on them."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import AdminCall, admin_routes, flag, integer, page, text
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.return_workflow import (
    authorize_return,
    complete_return,
    get_return,
    list_returns,
    mark_not_received,
    receive_return,
    refund_return,
    refuse_return,
)
from stockgate.services.supplier_orders import list_orders, show_order
from stockgate.wire.supplier_documents import move_document, order_document, order_row, return_document


def orders(call: AdminCall) -> Any:
    """Newest first; the cursor continues below the last order shown."""
    limit = call.limit()
    after = call.cursor()
    found = list_orders(
        call.ctx.db,
        status=call.query_int("status"),
        email=call.query.get("account") or None,
        after_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(found, limit, lambda o: (int(o["id"]),), order_row)


def order(call: AdminCall) -> Any:
    return order_document(show_order(call.ctx.db, order_id=call.path_id("order_id", "order")))


def advance(call: AdminCall) -> Any:
    order_id = call.path_id("order_id", "order")
    body = call.json()
    to = integer(body, "to", required=True)
    assert to is not None
    moved = advance_order(
        call.ctx.db,
        order_id=order_id,
        to=to,
        tracking_code=text(body, "tracking_code"),
        tracking_url=text(body, "tracking_url"),
        carrier_name=text(body, "carrier_name"),
        actor=call.actor,
        reason=text(body, "reason") or "",
    )
    return move_document(moved)


def cancel(call: AdminCall) -> Any:
    order_id = call.path_id("order_id", "order")
    body = call.json()
    moved = cancel_order(
        call.ctx.db,
        order_id=order_id,
        reason=text(body, "reason") or "",
        reject=bool(flag(body, "reject")),
        actor=call.actor,
    )
    return move_document(moved)


def returns(call: AdminCall) -> Any:
    """Oldest first, as a work queue; filter by `order` and `status`."""
    limit = call.limit()
    after = call.cursor()
    found = list_returns(
        call.ctx.db,
        order_id=call.query_int("order", most=2**62),
        status=call.query_int("status"),
        after_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(found, limit, lambda line: (line.id,), return_document)


def one_return(call: AdminCall) -> Any:
    return return_document(get_return(call.ctx.db, return_id=_return_id(call)))


def authorize(call: AdminCall) -> Any:
    paid_by = text(call.json(), "paid_by")
    return return_document(
        authorize_return(call.ctx.db, return_id=_return_id(call), paid_by=paid_by, actor=call.actor)
    )


def receive(call: AdminCall) -> Any:
    ok = flag(call.json(), "ok")
    if ok is None:
        raise InvalidInput("ok", "ok is required: true (received in good order) or false")
    return return_document(receive_return(call.ctx.db, return_id=_return_id(call), ok=ok, actor=call.actor))


def not_received(call: AdminCall) -> Any:
    return return_document(mark_not_received(call.ctx.db, return_id=_return_id(call), actor=call.actor))


def refuse(call: AdminCall) -> Any:
    return return_document(refuse_return(call.ctx.db, return_id=_return_id(call), actor=call.actor))


def refund(call: AdminCall) -> Any:
    return return_document(refund_return(call.ctx.db, return_id=_return_id(call), actor=call.actor))


def complete(call: AdminCall) -> Any:
    return return_document(complete_return(call.ctx.db, return_id=_return_id(call), actor=call.actor))


def _return_id(call: AdminCall) -> int:
    return call.path_id("return_id", "return line")


def routes() -> list[BaseRoute]:
    return [
        *admin_routes("/orders", orders, methods=["GET"]),
        *admin_routes("/orders/{order_id}", order, methods=["GET"]),
        *admin_routes("/orders/{order_id}/advance", advance, methods=["POST"]),
        *admin_routes("/orders/{order_id}/cancel", cancel, methods=["POST"]),
        *admin_routes("/returns", returns, methods=["GET"]),
        *admin_routes("/returns/{return_id}", one_return, methods=["GET"]),
        *admin_routes("/returns/{return_id}/authorize", authorize, methods=["POST"]),
        *admin_routes("/returns/{return_id}/receive", receive, methods=["POST"]),
        *admin_routes("/returns/{return_id}/not-received", not_received, methods=["POST"]),
        *admin_routes("/returns/{return_id}/refuse", refuse, methods=["POST"]),
        *admin_routes("/returns/{return_id}/refund", refund, methods=["POST"]),
        *admin_routes("/returns/{return_id}/complete", complete, methods=["POST"]),
    ]

"""Orders: the filtered list and one order with its lines, recipient, payment, history and actions."""

from __future__ import annotations

from decimal import Decimal

from starlette.responses import Response

from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.domain.fulfilment import CANCELLABLE, FLOW
from stockgate.domain.statuses import OrderStatus, status_label
from stockgate.http.backoffice.forms import day_start, optional_int, required_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import order_page, search_orders
from stockgate.services.fulfilment import advance_order, cancel_order


def listing(call: AdminCall) -> Response:
    q = call.query
    zone = call.renderer.zone
    filters = {name: q.get(name, "").strip() for name in ("status", "account", "key", "from", "to")}
    error = ""
    page = None
    try:
        page = search_orders(
            call.db,
            window=call.window(),
            status=optional_int(filters["status"], "status"),
            email=filters["account"] or None,
            key=filters["key"] or None,
            created_from=day_start(filters["from"], "from", zone),
            created_to=day_start(filters["to"], "to", zone, following=True),
        )
    except (InvalidInput, NotFound) as problem:  # a bad date, an unknown account e-mail
        error = problem.message
    previous, following = call.pages(page) if page else (None, None)
    return call.render(
        "orders.html",
        title="Orders",
        page=page,
        filters=filters,
        error=error,
        previous=previous,
        following=following,
    )


# The buttons of the forward steps short of dispatch, which needs a form of its own.
STEP_LABELS = {
    OrderStatus.TO_DISPATCH: "Confirm",
    OrderStatus.WORKING_ON: "Working on it",
    OrderStatus.READY: "Ready for the carrier",
}


def next_steps(status: int) -> list[tuple[int, str]]:
    """The forward moves an order in `status` may make (steps may be skipped, never reversed)."""
    if status not in FLOW:
        return []
    later = FLOW[FLOW.index(OrderStatus(status)) + 1 :]
    return [(int(s), STEP_LABELS[s]) for s in later if s in STEP_LABELS]


def detail(call: AdminCall) -> Response:
    found = order_page(call.db, order_id=call.path_id())
    order = found.order
    f = order.fields
    subtotal = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
    return call.render(
        "order.html",
        title=f"Order {f['id']}",
        order=f,
        lines=order.lines,
        models=found.models,
        history=order.history,
        subtotal=subtotal,
        steps=next_steps(f["status"]),
        can_dispatch=f["status"] in FLOW and f["status"] != OrderStatus.DISPATCHED,
        can_cancel=f["status"] in CANCELLABLE,
    )


def advance(call: AdminCall) -> Response:
    order_id = call.path_id()
    move = advance_order(
        call.db,
        order_id=order_id,
        to=required_int(call.field("to"), "to"),
        tracking_code=call.field("tracking_code") or None,
        tracking_url=call.field("tracking_url") or None,
        carrier_name=call.field("carrier_name") or None,
        actor=call.actor,
        reason=call.field("reason"),
    )
    text = f"Order {order_id}: {status_label(move.previous)} → {status_label(move.status)}."
    if move.debited:
        text += f" {move.debited:,.2f} taken from e-credit."
    return call.done(f"/admin/orders/{order_id}", text)


def cancel(call: AdminCall) -> Response:
    order_id = call.path_id()
    reject = call.field("reject") == "1"
    move = cancel_order(
        call.db, order_id=order_id, reason=call.field("reason"), reject=reject, actor=call.actor
    )
    text = f"Order {order_id} {'rejected' if reject else 'cancelled'}; its units are back in stock."
    if move.refunded:
        text += f" {move.refunded:,.2f} paid back to e-credit."
    return call.done(f"/admin/orders/{order_id}", text)

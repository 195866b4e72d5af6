"""Orders: the filtered list and one order with its lines, recipient, payment, history and actions."""

from __future__ import annotations

from decimal import Decimal

from starlette.responses import Response

from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.http.backoffice.forms import day_start, optional_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import search_orders
from stockgate.services.supplier_orders import show_order


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


def detail(call: AdminCall) -> Response:
    order = show_order(call.db, order_id=call.path_id())
    f = order.fields
    subtotal = sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))
    return call.render(
        "order.html",
        title=f"Order {f['id']}",
        order=f,
        lines=order.lines,
        history=order.history,
        subtotal=subtotal,
    )

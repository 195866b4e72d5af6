"""Ghost API endpoints E2-E8: each parses its call, runs one use case, renders the answer."""

from __future__ import annotations

from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute

from stockgate.domain.errors import NotFound
from stockgate.http.ghost_call import GhostCall, ghost_routes
from stockgate.services.acquire import acquire
from stockgate.services.catalog_queries import carriers_for
from stockgate.services.dropship import place_dropship_orders
from stockgate.services.order_status import order_status
from stockgate.services.reservations import reservation_status, reserve
from stockgate.services.tally import Tally
from stockgate.wire.carriers import render_carriers
from stockgate.wire.orders import read_acquire, read_dropship_orders, render_order_status
from stockgate.wire.reservations import read_operations, render_reservation


def _actor(call: GhostCall) -> str:
    return f"account:{call.principal.account_id}"


def carriers(call: GhostCall) -> Response:
    found = carriers_for(call.ctx.db, principal=call.principal)
    return call.respond(render_carriers(found, call.format))


def reserve_stock(call: GhostCall) -> Response:
    fmt = call.format
    operations = read_operations(call.document())
    tally = Tally()
    result = reserve(
        call.ctx.db, principal=call.principal, operations=operations, actor=_actor(call), tally=tally
    )
    call.count("reserve", tally)
    return call.respond(render_reservation(result.order_id, result.models, fmt))


def reservation(call: GhostCall) -> Response:
    result = reservation_status(call.ctx.db, principal=call.principal)
    return call.respond(render_reservation(result.order_id, result.models, call.format))


def dropship(call: GhostCall) -> Response:
    fmt = call.format
    path_id = call.path_params["id"].strip()
    if path_id != "0" and path_id != str(call.principal.reservation_id or 0):
        raise NotFound("reservation", path_id)
    requests = read_dropship_orders(call.document())
    tally = Tally()
    placed = place_dropship_orders(
        call.ctx.db, principal=call.principal, requests=requests, actor=_actor(call), tally=tally
    )
    call.count("dropship", tally)
    return call.respond(render_reservation(placed.order_ids[-1], placed.models, fmt, placed.order_ids))


def acquire_order(call: GhostCall) -> Response:
    request = read_acquire(call.document())
    tally = Tally()
    order_id = acquire(
        call.ctx.db, principal=call.principal, request=request, actor=_actor(call), tally=tally
    )
    call.count("acquire", tally)
    return PlainTextResponse(str(order_id))  # a bare number, whatever the Accept header says


def status_by_id(call: GhostCall) -> Response:
    raw = call.path_params["order_id"].strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # str.isdigit() also takes "²"
        raise NotFound("order", raw)
    row = order_status(call.ctx.db, principal=call.principal, order_id=int(raw))
    return call.respond(render_order_status(row, call.format))


def status_by_key(call: GhostCall) -> Response:
    row = order_status(call.ctx.db, principal=call.principal, key=call.path_params["key"].strip())
    return call.respond(render_order_status(row, call.format))


def routes() -> list[BaseRoute]:
    # In the order shops call them most (each route tried before the right one costs a regex match):
    # the reservation's status and the orders' statuses are polled, reserves come with every cart,
    # orders with every checkout; the carriers are read now and then.
    return [
        *ghost_routes("/restful/ghost/orders/dropshipping/locked", reservation, methods=["GET"]),
        *ghost_routes("/restful/ghost/orders/sold", reserve_stock, methods=["POST"]),
        *ghost_routes("/restful/ghost/clientorders/serverkey/{order_id}", status_by_id, methods=["GET"]),
        *ghost_routes("/restful/ghost/clientorders/clientkey/{key}", status_by_key, methods=["GET"]),
        *ghost_routes(
            "/restful/ghost/orders/{id}/dropshipping", dropship, methods=["POST"], order_creation=True
        ),
        *ghost_routes(
            "/restful/ghost/supplierorder/acquire", acquire_order, methods=["POST"], order_creation=True
        ),
        *ghost_routes("/restful/export/carriers", carriers, methods=["GET"]),
    ]

"""Reservations: who holds what locked, and releasing it."""

from __future__ import annotations

from starlette.responses import Response

from stockgate.http.backoffice.forms import optional_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import account_summary, browse_reservations, held_lines
from stockgate.services.supplier_stock import release_reservation


def overview(call: AdminCall) -> Response:
    page = browse_reservations(call.db, window=call.window())
    previous, following = call.pages(page)
    return call.render(
        "reservations.html", title="Reservations", page=page, previous=previous, following=following
    )


def of_account(call: AdminCall) -> Response:
    summary = account_summary(call.db, account_id=call.path_id())
    page = held_lines(call.db, account_id=summary.id, window=call.window(100))
    previous, following = call.pages(page)
    return call.render(
        "reservation.html",
        title=f"Reservation of {summary.email}",
        summary=summary,
        page=page,
        previous=previous,
        following=following,
    )


def release(call: AdminCall) -> Response:
    summary = account_summary(call.db, account_id=call.path_id())
    stock_id = optional_int(call.field("stock_id"), "stock_id")
    units = release_reservation(call.db, email=summary.email, stock_id=stock_id, actor=call.actor)
    what = f"stock_id {stock_id}" if stock_id is not None else "every model"
    return call.done(
        call.back(f"/admin/reservations/{summary.id}"),
        f"Released {units} unit(s) of {what} held by {summary.email}.",
    )

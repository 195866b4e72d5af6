"""Carriers: the list and adding or replacing one."""

from __future__ import annotations

from starlette.responses import Response

from stockgate.http.backoffice.forms import checkbox, optional_decimal, required_amount, required_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.carriers import add_carrier, list_carriers


def listing(call: AdminCall) -> Response:
    return call.render("carriers.html", title="Carriers", carriers=list_carriers(call.db))


def save(call: AdminCall) -> Response:
    carrier = add_carrier(
        call.db,
        carrier_id=required_int(call.field("id"), "id", minimum=1),
        name=call.field("name"),
        cost=required_amount(call.field("cost"), "cost"),
        default=checkbox(call.field("default")),
        countries=call.field("countries"),
        max_weight=optional_decimal(call.field("max_weight"), "max weight", 3),
    )
    return call.done("/admin/carriers", f"Carrier {carrier.id} {carrier.name} saved.")

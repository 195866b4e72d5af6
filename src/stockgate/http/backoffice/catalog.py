"""The catalog: search by stock_id, product id, barcode, code or name; edit a model's stock."""

from __future__ import annotations

from starlette.responses import Response

from stockgate.domain.errors import InvalidInput
from stockgate.http.backoffice.forms import optional_int, required_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import search_catalog
from stockgate.services.supplier_stock import set_stock

PRODUCTS_PER_PAGE = 25


def search(call: AdminCall) -> Response:
    text = call.query.get("q", "").strip()
    error = ""
    page = None
    raw_free = call.query.get("max_free", "").strip()
    try:
        max_free = optional_int(raw_free, "max free", minimum=0)
        page = search_catalog(call.db, window=call.window(PRODUCTS_PER_PAGE), text=text, max_free=max_free)
    except InvalidInput as problem:
        error = problem.message
    previous, following = call.pages(page) if page else (None, None)
    return call.render(
        "catalog.html",
        title="Catalog",
        page=page,
        q=text,
        max_free=raw_free,
        error=error,
        previous=previous,
        following=following,
    )


def edit_stock(call: AdminCall) -> Response:
    stock_id = required_int(call.field("stock_id"), "stock_id")
    quantity = required_int(call.field("quantity"), "quantity", minimum=0)
    before = set_stock(
        call.db, stock_id=stock_id, quantity=quantity, actor=call.actor, reason=call.field("reason")
    )
    return call.done(call.back("/admin/catalog"), f"stock_id {stock_id}: on hand {before} → {quantity}.")

"""The dashboard: what needs doing today, and what is running low."""

from __future__ import annotations

from starlette.responses import Response

from stockgate.http.backoffice.forms import optional_amount, optional_int
from stockgate.http.backoffice.pages import AdminCall
from stockgate.services.backoffice_queries import dashboard, day_bounds

LOW_STOCK_AT = 3
LOW_CREDIT_BELOW = "50.00"


def show(call: AdminCall) -> Response:
    low_stock_at = optional_int(call.query.get("low_stock"), "low_stock", minimum=1) or LOW_STOCK_AT
    low_credit = optional_amount(call.query.get("low_credit") or LOW_CREDIT_BELOW, "low_credit")
    assert low_credit is not None
    today = call.renderer.now().date()
    figures = dashboard(
        call.db,
        day=day_bounds(today, call.renderer.zone),
        low_stock_at=low_stock_at,
        low_credit_below=low_credit,
    )
    return call.render(
        "dashboard.html",
        title="Dashboard",
        figures=figures,
        today=today,
        low_stock_at=low_stock_at,
        low_credit=low_credit,
    )

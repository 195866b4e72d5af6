"""Templates and the filters they use: money, instants in the supplier's time zone, status names."""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from stockgate.domain.statuses import OrderStatus, Substatus, status_label

# The statuses an order can be filtered by, in the order the warehouse meets them.
ORDER_STATUSES = [
    OrderStatus.BOOKED,
    OrderStatus.TO_DISPATCH,
    OrderStatus.WORKING_ON,
    OrderStatus.READY,
    OrderStatus.DISPATCHED,
    OrderStatus.CANCELLED,
]
_STATUS_TONES = {
    OrderStatus.BOOKED: "wait",
    OrderStatus.TO_DISPATCH: "todo",
    OrderStatus.WORKING_ON: "todo",
    OrderStatus.READY: "todo",
    OrderStatus.DISPATCHED: "done",
    OrderStatus.CANCELLED: "off",
}
_SUBSTATUS_LABELS = {
    Substatus.PAID_WITH_ECREDIT: "paid with e-credit",
    Substatus.PAYMENT_DUE: "confirmed, payment due",
    Substatus.REJECTED: "rejected by supplier",
    Substatus.CANCELLED_REFUNDED: "cancelled and refunded",
    Substatus.NOT_ALLOWED_TO_DISPATCH: "not allowed to dispatch",
}


def money(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:,.2f}"


def web_link(url: str | None) -> bool:
    """True for http(s) URLs: anything else (javascript:, data:) is shown as text, never linked."""
    return bool(url) and str(url).lower().startswith(("https://", "http://"))


def substatus_label(code: int | None) -> str:
    if code is None:
        return ""
    try:
        return _SUBSTATUS_LABELS[Substatus(code)]
    except ValueError:
        return str(code)


def status_tone(code: int) -> str:
    try:
        return _STATUS_TONES.get(OrderStatus(code), "other")
    except ValueError:
        return "other"


def _asset_version(name: str) -> str:
    # Part of the asset's URL, so browsers fetch a changed stylesheet at once yet cache it otherwise.
    data = resources.files("stockgate.http.backoffice").joinpath("static", name).read_bytes()
    return hashlib.sha256(data).hexdigest()[:12]


class Renderer:
    """Renders the back-office templates for one time zone."""

    def __init__(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.env = Environment(
            loader=PackageLoader("stockgate.http.backoffice", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            money=money,
            when=self.when,
            status_label=status_label,
            status_tone=status_tone,
            substatus_label=substatus_label,
            web_link=web_link,
        )
        self.env.globals.update(
            ORDER_STATUSES=ORDER_STATUSES,
            css_version=_asset_version("admin.css"),
            js_version=_asset_version("admin.js"),
            zone_name=zone,
        )

    def when(self, moment: datetime | None, form: str = "%Y-%m-%d %H:%M") -> str:
        return "" if moment is None else moment.astimezone(self.zone).strftime(form)

    def now(self) -> datetime:
        return datetime.now(self.zone)

    def render(self, name: str, context: dict[str, Any]) -> str:
        return self.env.get_template(name).render(context)

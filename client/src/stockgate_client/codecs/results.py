"""Build typed results from the mappings that both wire formats are first brought into.

The JSON codec hands over parsed objects as they are; the XML codec turns attributes and child
elements into the same keys, so field typing and defaults live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..dates import parse_instant
from ..models import Carrier, Locale, OrderStatus, Reservation, ReservedModel, ReturnLine, TagValue
from .values import boolean, integer, money, opt_integer, text

__all__ = [
    "Outcome",
    "build_carrier",
    "build_locale",
    "build_order_status",
    "build_outcome",
    "build_reservation",
    "build_return_line",
    "build_tag_value",
]

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Outcome:
    """The ``{status, code, message}`` answer of a return request."""

    ok: bool
    code: int | None
    message: str


def build_carrier(raw: Mapping[str, Any]) -> Carrier:
    """A Carrier from ``{id, name, cost}``."""
    return Carrier(
        id=integer(raw["id"]), name=text(raw.get("name")) or "", cost=money(raw.get("cost")) or _ZERO
    )


def build_reservation(order_id: object, models: Iterable[Mapping[str, Any]]) -> Reservation:
    """A Reservation from its order_id and ``{stock_id, locked, available}`` models."""
    return Reservation(
        order_id=opt_integer(order_id) or 0,
        models=tuple(
            ReservedModel(
                stock_id=integer(m["stock_id"]),
                locked=opt_integer(m.get("locked")) or 0,
                available=opt_integer(m.get("available")) or 0,
            )
            for m in models
        ),
    )


def build_order_status(raw: Mapping[str, Any]) -> OrderStatus:
    """An OrderStatus from the E7/E8 fields; last_update falls back to parsedDate."""
    when = raw.get("last_update")
    if text(when) is None:
        when = raw.get("parsedDate")
    return OrderStatus(
        order_id=integer(raw["order_id"]),
        ext_ref=text(raw.get("ext_ref")),
        status=integer(raw["status"]),
        substatus=opt_integer(raw.get("substatus")),
        last_update=parse_instant(when),
        tracking_code=text(raw.get("tracking_code")),
        tracking_url=text(raw.get("tracking_url")),
        carrier_name=text(raw.get("carrier_name")),
    )


def build_return_line(raw: Mapping[str, Any]) -> ReturnLine:
    """A ReturnLine from the E10/E11 ``returnedGoodRequestItem`` fields."""
    return ReturnLine(
        stock_id=integer(raw["stockModelId"]),
        quantity=opt_integer(raw.get("quantity")) or 1,
        reason=opt_integer(raw.get("reasonCode")) or 0,
        status=opt_integer(raw.get("status")) or 0,
        refund_status=opt_integer(raw.get("refundStatus")) or 0,
        notes=text(raw.get("notes")),
        ext_ref=text(raw.get("requestExtRef")),
        return_code=text(raw.get("returnCode")),
        pdf_link=text(raw.get("pdfLink")),
    )


def build_outcome(raw: Mapping[str, Any]) -> Outcome:
    """An Outcome from ``{status, code, message}``."""
    return Outcome(
        ok=boolean(raw.get("status"), default=True),
        code=opt_integer(raw.get("code")),
        message=text(raw.get("message")) or "",
    )


def build_locale(raw: Mapping[str, Any]) -> Locale:
    """A Locale from a ``{key, value}`` pair (``en_US``, ``English``)."""
    return Locale(text(raw.get("key")) or "", text(raw.get("value")) or "")


def build_tag_value(raw: Mapping[str, Any]) -> TagValue:
    """A TagValue from a ``{key, value}`` pair (``brand``, ``Acme``)."""
    return TagValue(text(raw.get("key")) or "", text(raw.get("value")) or "")

"""Read dropshipping orders from a JSON file in the shape the ghost API documents (seed 000)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .codecs.values import boolean, integer, opt_integer, text
from .dates import parse_ghost_date
from .models import Address, DropshipOrder, Line, Phone, Recipient

__all__ = ["read_orders"]


def _required(mapping: Mapping[str, Any], key: str, where: str) -> str:
    value = text(mapping.get(key))
    if value is None:
        raise ValueError(f"{where}: {key} is required")
    return value


def _order(raw: Mapping[str, Any]) -> DropshipOrder:
    key = _required(raw, "key", "order")
    where = f"order {key}"
    details = raw.get("recipient_details") or {}
    address = details.get("address") or {}
    phone = details.get("phone")
    date = text(raw.get("date"))
    return DropshipOrder(
        key=key,
        # A file written by hand may leave the date out: the order is then dated now.
        date=parse_ghost_date(date) if date else datetime.now(UTC).replace(microsecond=0),
        recipient=Recipient(
            name=_required(details, "recipient", where),
            address=Address(
                street_name=_required(address, "street_name", where),
                zip=_required(address, "zip", where),
                city=_required(address, "city", where),
                countrycode=_required(address, "countrycode", where),
                street_type=text(address.get("street_type")),
                address_number=text(address.get("address_number")),
                province=text(address.get("province")),
            ),
            careof=text(details.get("careof")),
            cfpiva=text(details.get("cfpiva")),
            customer_key=text(details.get("customer_key")),
            notes=text(details.get("notes")),
            phone=Phone(text(phone.get("prefix")), text(phone.get("number"))) if phone else None,
        ),
        items=tuple(Line(integer(i["stock_id"]), integer(i["quantity"])) for i in raw.get("item_list") or ()),
        carrier_id=opt_integer(raw.get("carrierId")),
        auto_confirm=None if raw.get("autoConfirm") is None else boolean(raw.get("autoConfirm")),
    )


def read_orders(content: str) -> list[DropshipOrder]:
    """Orders from ``{"order_list": [...]}``, a list of orders or a single order object."""
    document = json.loads(content)
    if isinstance(document, Mapping) and "order_list" in document:
        document = document["order_list"]
    orders = document if isinstance(document, list) else [document]
    try:
        return [_order(raw) for raw in orders]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a dropshipping order file: {exc!r}") from None

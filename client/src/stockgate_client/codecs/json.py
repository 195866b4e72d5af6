"""The JSON wire format."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..dates import format_ghost_date, parse_instant
from ..models import (
    Carrier,
    DropshipOrder,
    Line,
    Locale,
    Operation,
    OrderStatus,
    PlacedOrders,
    Recipient,
    Reservation,
    ReturnItem,
    Returns,
    TagValue,
)
from ..products import Product
from .json_stream import JsonItemStream
from .products import build_product
from .results import (
    Outcome,
    build_carrier,
    build_locale,
    build_order_status,
    build_outcome,
    build_reservation,
    build_return_line,
    build_tag_value,
)
from .values import integer, opt_integer

__all__ = ["JsonCatalogReader", "JsonCodec"]


def _load(body: bytes) -> Any:
    # Decimal for every fractional number, so money never passes through a float.
    return json.loads(body, parse_float=Decimal)


def _dump(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _lines(lines: Sequence[Line]) -> list[dict[str, int]]:
    return [{"stock_id": line.stock_id, "quantity": line.quantity} for line in lines]


def _without_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def _recipient(recipient: Recipient) -> dict[str, Any]:
    address = recipient.address
    phone = recipient.phone
    details = {
        "recipient": recipient.name,
        "careof": recipient.careof,
        "cfpiva": recipient.cfpiva,
        "customer_key": recipient.customer_key,
        "notes": recipient.notes,
        "address": _without_none(
            {
                "street_type": address.street_type,
                "street_name": address.street_name,
                "address_number": address.address_number,
                "zip": address.zip,
                "city": address.city,
                "province": address.province,
                "countrycode": address.countrycode,
            }
        ),
        "phone": None if phone is None else _without_none({"prefix": phone.prefix, "number": phone.number}),
    }
    return _without_none(details)


def _order(order: DropshipOrder) -> dict[str, Any]:
    return _without_none(
        {
            "key": order.key,
            "date": format_ghost_date(order.date),
            "carrierId": order.carrier_id,
            "autoConfirm": order.auto_confirm,
            "recipient_details": _recipient(order.recipient),
            "item_list": _lines(order.items),
        }
    )


class JsonCodec:
    """Encode requests and decode answers as ``application/json``."""

    name = "json"
    media_type = "application/json"

    def encode_reserve(self, operations: Sequence[Operation]) -> bytes:
        """The E3 body: ``{"operations": [{"type", "models": [...]}]}``."""
        return _dump({"operations": [{"type": op.type, "models": _lines(op.lines)} for op in operations]})

    def encode_orders(self, orders: Sequence[DropshipOrder]) -> bytes:
        """The E6 body: ``{"order_list": [...]}``."""
        return _dump({"order_list": [_order(order) for order in orders]})

    def encode_acquire(
        self, lines: Sequence[Line], carrier_id: int | None, auto_confirm: bool | None
    ) -> bytes:
        """The E5 body: ``{"products": [...], "carrierId", "autoConfirm"}``."""
        return _dump(
            _without_none({"products": _lines(lines), "carrierId": carrier_id, "autoConfirm": auto_confirm})
        )

    def encode_return(self, order_id: int, items: Sequence[ReturnItem]) -> bytes:
        """The E9 body: ``{"orderId", "items": [...]}``."""
        return _dump(
            {
                "orderId": order_id,
                "items": [
                    _without_none(
                        {
                            "stockModelId": item.stock_id,
                            "quantity": item.quantity,
                            "reasonCode": int(item.reason),
                            "notes": item.notes,
                            "requestExtRef": item.ext_ref,
                        }
                    )
                    for item in items
                ],
            }
        )

    def decode_carriers(self, body: bytes) -> list[Carrier]:
        """The E2 answer: a list of carriers."""
        return [build_carrier(raw) for raw in _load(body)]

    def decode_reservation(self, body: bytes) -> Reservation:
        """The E3/E4 answer."""
        document = _load(body)
        return build_reservation(document.get("order_id"), document.get("models") or ())

    def decode_placed(self, body: bytes) -> PlacedOrders:
        """The E6 answer; ``order_ids`` is there when several orders were placed."""
        document = _load(body)
        reservation = self.decode_reservation(body)
        ids = document.get("order_ids") or [document["order_id"]]
        return PlacedOrders(tuple(integer(i) for i in ids), reservation)

    def decode_order_statuses(self, body: bytes) -> list[OrderStatus]:
        """The E7/E8 answer: ``{"orders": [...]}``."""
        return [build_order_status(raw) for raw in _load(body).get("orders") or ()]

    def decode_outcome(self, body: bytes) -> Outcome:
        """The E9 answer: ``{"status", "code", "message"}``."""
        return build_outcome(_load(body))

    def decode_returns(self, body: bytes) -> Returns:
        """The E10/E11 answer: ``{"orderId", "items": [...]}``."""
        document = _load(body)
        return Returns(
            order_id=opt_integer(document.get("orderId")) or 0,
            lines=tuple(build_return_line(raw) for raw in document.get("items") or ()),
        )

    def decode_locales(self, body: bytes) -> list[Locale]:
        """The E12 answer: ``[{"key", "value"}]``."""
        return [build_locale(raw) for raw in _load(body)]

    def decode_tags(self, body: bytes) -> list[TagValue]:
        """The E13 answer: ``[{"key", "value"}]``."""
        return [build_tag_value(raw) for raw in _load(body)]

    def catalog_reader(self) -> JsonCatalogReader:
        """A push parser for one JSON export."""
        return JsonCatalogReader()


class JsonCatalogReader:
    """Reads ``{"pageItems": [...], "totalItems", "lastUpdate"}`` one product at a time."""

    def __init__(self) -> None:
        self._stream = JsonItemStream("pageItems")

    @property
    def total(self) -> int | None:
        """``totalItems``, once it has been read (it may follow the items)."""
        return opt_integer(self._stream.members.get("totalItems"))

    @property
    def last_update(self) -> datetime | None:
        """``lastUpdate``, once it has been read."""
        raw = self._stream.members.get("lastUpdate")
        return None if raw in (None, "") else parse_instant(raw)

    def feed(self, chunk: bytes) -> list[Product]:
        """Take the next bytes; return the products they complete."""
        return [build_product(item) for item in self._stream.feed(chunk)]

    def close(self) -> list[Product]:
        """End of body: return the last products, or raise if the document was cut short."""
        return [build_product(item) for item in self._stream.feed(b"", final=True)]

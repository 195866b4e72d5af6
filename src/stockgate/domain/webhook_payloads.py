"""What a webhook says: the envelope and the data of each event type, as plain JSON-ready values.

The `order` object of order events is exactly the order object E7/E8 answer in JSON (ghost API 4.7),
so a shop parses pushed and polled statuses with the same code and can compare them field by field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from stockgate.domain.dates import format_order_date
from stockgate.domain.statuses import OrderStatus, status_label

EVENT_ID_PREFIX = "evt_"


@dataclass(frozen=True, slots=True)
class OrderSnapshot:
    """An order as E7/E8 show it, at the moment of the event."""

    order_id: int
    key: str | None
    status: int
    substatus: int | None
    last_update: datetime
    tracking_code: str | None
    tracking_url: str | None
    tracking_carrier: str | None


def envelope(event_id: str, event_type: str, created_at: datetime, data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body of every webhook: id (for de-duplication), type, creation time, data."""
    return {
        "id": event_id,
        "type": event_type,
        "created_at": created_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "data": dict(data),
    }


def order_object(order: OrderSnapshot) -> dict[str, Any]:
    """The E7/E8 JSON order object; tracking stays null until the order is dispatched."""
    dispatched = order.status == OrderStatus.DISPATCHED
    return {
        "order_id": order.order_id,
        "ext_ref": order.key,
        "status": order.status,
        "substatus": order.substatus,
        "last_update": format_order_date(order.last_update),
        "parsedDate": int(order.last_update.timestamp() * 1000),
        "tracking_code": order.tracking_code if dispatched else None,
        "tracking_url": order.tracking_url if dispatched else None,
        "carrier_name": order.tracking_carrier if dispatched else None,
    }


def order_data(order: OrderSnapshot, **extra: Any) -> dict[str, Any]:
    """Data of an order event: the E8 order object, the status name, and what the event adds."""
    return {"order": order_object(order), "status_name": status_label(order.status), **extra}


@dataclass(frozen=True, slots=True)
class ReturnSnapshot:
    """A return line (one unit) as E10/E11 show it, at the moment of the event."""

    id: int
    stock_id: int
    reason_code: int
    status: int
    refund_status: int
    notes: str | None
    request_ext_ref: str | None
    return_code: str | None


RETURN_STATUS_NAMES = {
    0: "PENDING",
    1: "AUTHORIZED",
    2: "AUTHORIZED",
    3: "RECEIVED OK",
    4: "RECEIVED NOT OK",
    5: "NOT RECEIVED",
    7: "REFUSED",
    9: "COMPLETED",
}


def return_data(order_id: int, key: str | None, lines: Sequence[ReturnSnapshot]) -> dict[str, Any]:
    """Data of `return.status_changed`: the changed lines in the E10/E11 JSON item shape, plus the line
    id and, instead of the absolute `pdfLink` (which depends on the address a shop calls), its path."""
    return {
        "orderId": order_id,
        "ext_ref": key,
        "items": [
            {
                "id": line.id,
                "stockModelId": line.stock_id,
                "quantity": 1,
                "reasonCode": line.reason_code,
                "status": line.status,
                "status_name": RETURN_STATUS_NAMES.get(line.status, str(line.status)),
                "refundStatus": line.refund_status,
                "notes": line.notes,
                "requestExtRef": line.request_ext_ref,
                "returnCode": line.return_code,
                "pdfPath": f"/restful/returnedgoods/print/{line.return_code}.pdf"
                if line.return_code
                else None,
            }
            for line in lines
        ],
    }


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def created_extra(total: Decimal, lines: Sequence[tuple[int, int, Decimal]]) -> dict[str, Any]:
    """What `order.created` adds: the total and the lines as ordered (stock_id, quantity, unit price)."""
    return {
        "total": money(total),
        "lines": [
            {"stock_id": sid, "quantity": quantity, "unit_price": money(price)}
            for sid, quantity, price in lines
        ],
    }


def released_data(
    reservation_id: int | None, released: Sequence[tuple[int, int]], reason: str
) -> dict[str, Any]:
    return {
        "reservation_id": reservation_id or 0,
        "released": [{"stock_id": sid, "quantity": quantity} for sid, quantity in released],
        "reason": reason,
    }


def sold_out_data(stock_id: int, locked_by_you: int) -> dict[str, Any]:
    return {"stock_id": stock_id, "available": 0, "locked_by_you": locked_by_you}

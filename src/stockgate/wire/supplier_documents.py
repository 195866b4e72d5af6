"""The supplier side's JSON documents, shared by `stockgate ... --json` and the admin API.

Money is a decimal string ("29.80"), ids and quantities integers (supplier.md section 2).
"""

from __future__ import annotations

from typing import Any

from stockgate.domain.carriers import Carrier
from stockgate.domain.returns import REASON_CODES, ReturnStatus
from stockgate.domain.statuses import status_label
from stockgate.services.account_ports import AccountRow
from stockgate.services.fulfilment import OrderMove
from stockgate.services.order_ports import OrderDetail
from stockgate.services.return_ports import ReturnLine

# The recipient's fields, named as in the order table; the admin API's schema lists the same ones.
RECIPIENT_FIELDS = (
    "recipient",
    "careof",
    "cfpiva",
    "customer_key",
    "notes",
    "street_type",
    "street_name",
    "address_number",
    "zip",
    "city",
    "province",
    "countrycode",
    "phone_prefix",
    "phone_number",
)


def account_document(account: AccountRow, held: int | None = None) -> dict[str, object]:
    document: dict[str, object] = {
        "id": account.id,
        "email": account.email,
        "name": account.name,
        "ecredit": account.ecredit,
        "auto_confirm": account.auto_confirm,
        "enabled": account.enabled,
        "api_key_hint": account.api_key_hint,
        "reservation_id": account.reservation_id,
    }
    if held is not None:
        document["reserved_units"] = held
    return document


def carrier_document(c: Carrier) -> dict[str, object]:
    return {
        "id": c.id,
        "name": c.name,
        "cost": c.cost,
        "countries": sorted(c.countries),
        "max_weight": None if c.max_weight is None else str(c.max_weight),
        "default": c.is_default,
    }


def order_row(o: dict[str, Any]) -> dict[str, Any]:
    """One order of a list (`orders list --json`)."""
    return {
        "order_id": o["id"],
        "key": o["key"],
        "kind": o["kind"],
        "status": o["status"],
        "substatus": o["substatus"],
        "account": o["account_email"],
        "total": o["total"],
        "paid": o["paid"],
        "created_at": o["created_at"],
    }


def order_document(order: OrderDetail) -> dict[str, Any]:
    """The `orders show --json` shape scripts rely on (supplier.md section 2)."""
    f = order.fields
    return {
        "order_id": f["id"],
        "key": f["key"],
        "kind": f["kind"],
        "account": f["account_email"],
        "status": f["status"],
        "status_name": status_label(f["status"]),
        "substatus": f["substatus"],
        "carrier_id": f["carrier_id"],
        "carrier_name": f["carrier_name"],
        "carrier_cost": f["carrier_cost"],
        "total": f["total"],
        "paid": f["paid"],
        "order_date": f["order_date"],
        "created_at": f["created_at"],
        "last_update": f["last_update"],
        "recipient": {name: f[name] for name in RECIPIENT_FIELDS},
        "tracking": {"code": f["tracking_code"], "url": f["tracking_url"], "carrier": f["tracking_carrier"]},
        "lines": [
            {
                "stock_id": line.stock_id,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "from_lock": line.from_lock,
            }
            for line in order.lines
        ],
        "history": [
            {
                "at": h.at,
                "actor": h.actor,
                "kind": h.kind,
                "reason": h.reason,
                "status": h.status,
                "stock_id": h.stock_id,
                "on_hand_delta": h.on_hand_delta,
                "locked_delta": h.locked_delta,
                "credit_delta": h.credit_delta,
                "return_id": h.return_id,
            }
            for h in order.history
        ],
    }


def move_document(move: OrderMove) -> dict[str, Any]:
    """An order after a workflow step."""
    return {
        "order_id": move.order_id,
        "previous_status": move.previous,
        "status": move.status,
        "status_name": status_label(move.status),
        "substatus": move.substatus,
        "paid": move.paid,
        "debited": move.debited,
        "refunded": move.refunded,
        "last_update": move.last_update,
    }


def return_document(line: ReturnLine) -> dict[str, Any]:
    """One return line (`returns list --json`); `id` is what the return actions take."""
    return {
        "id": line.id,
        "order_id": line.order_id,
        "order_key": line.order_key,
        "account_id": line.account_id,
        "stock_id": line.stock_id,
        "status": line.status,
        "status_name": _return_label(line.status),
        "refund_status": line.refund_status,
        "refund_amount": line.refund_amount,
        "unit_price": line.unit_price,
        "reason_code": line.reason_code,
        "reason": REASON_CODES.get(line.reason_code, ""),
        "notes": line.notes,
        "request_ext_ref": line.request_ext_ref,
        "paid_by": line.paid_by,
        "return_code": line.return_code,
        "restocked": line.restocked,
        "request_id": line.request_id,
        "created_at": line.created_at,
        "updated_at": line.updated_at,
    }


def _return_label(code: int) -> str:
    try:
        return ReturnStatus(code).label
    except ValueError:
        return str(code)

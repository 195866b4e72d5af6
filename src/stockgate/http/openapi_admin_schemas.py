"""Schemas of the admin API's documents (see openapi_admin.py). Response schemas are exact (no unknown
keys) so tests can check real answers against them; money is a decimal string such as "29.80"."""

from __future__ import annotations

from stockgate.domain.returns import REASON_CODES, ReturnStatus
from stockgate.http.openapi import Schema, ref
from stockgate.wire.supplier_documents import RECIPIENT_FIELDS

MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "examples": ["29.80"]}
AMOUNT_IN: Schema = {
    "anyOf": [{"type": "string", "pattern": r"^\s*-?\d+(\.\d{1,2})?\s*$"}, {"type": "number"}]
}
INSTANT: Schema = {"type": "string", "format": "date-time"}
INT: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1}
TEXT: Schema = {"type": "string"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def exact(properties: dict[str, Schema], optional: tuple[str, ...] = ()) -> Schema:
    """An object with exactly these keys (all required but the optional ones)."""
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def loose(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    return {"type": "object", "properties": properties, "required": list(required)}


def page_of(item: str) -> Schema:
    return exact({"items": {"type": "array", "items": ref(item)}, "next_cursor": nullable(TEXT)})


ACCOUNT = exact(
    {
        "id": ID,
        "email": TEXT,
        "name": TEXT,
        "ecredit": MONEY,
        "auto_confirm": {"type": "boolean"},
        "enabled": {"type": "boolean"},
        "api_key_hint": TEXT,
        "reservation_id": nullable(ID),
        "reserved_units": {"type": "integer", "minimum": 0},
    },
    optional=("reserved_units",),
)
CARRIER = exact(
    {
        "id": ID,
        "name": TEXT,
        "cost": MONEY,
        "countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "max_weight": nullable({"type": "string", "pattern": r"^\d+\.\d{3}$"}),
        "default": {"type": "boolean"},
    }
)
ORDER_SUMMARY = exact(
    {
        "order_id": ID,
        "key": nullable(TEXT),
        "kind": {"type": "string", "enum": ["dropship", "acquire"]},
        "status": INT,
        "substatus": nullable(INT),
        "account": TEXT,
        "total": MONEY,
        "paid": MONEY,
        "created_at": INSTANT,
    }
)
ORDER = exact(
    {
        "order_id": ID,
        "key": nullable(TEXT),
        "kind": TEXT,
        "account": TEXT,
        "status": INT,
        "status_name": TEXT,
        "substatus": nullable(INT),
        "carrier_id": nullable(INT),
        "carrier_name": nullable(TEXT),
        "carrier_cost": nullable(MONEY),
        "total": MONEY,
        "paid": MONEY,
        "order_date": nullable(INSTANT),
        "created_at": INSTANT,
        "last_update": INSTANT,
        "recipient": exact({name: nullable(TEXT) for name in RECIPIENT_FIELDS}),
        "tracking": exact({"code": nullable(TEXT), "url": nullable(TEXT), "carrier": nullable(TEXT)}),
        "lines": {
            "type": "array",
            "items": exact({"stock_id": ID, "quantity": ID, "unit_price": MONEY, "from_lock": INT}),
        },
        "history": {
            "type": "array",
            "items": exact(
                {
                    "at": INSTANT,
                    "actor": TEXT,
                    "kind": TEXT,
                    "reason": TEXT,
                    "status": nullable(INT),
                    "stock_id": nullable(ID),
                    "on_hand_delta": INT,
                    "locked_delta": INT,
                    "credit_delta": MONEY,
                    "return_id": nullable(ID),
                }
            ),
        },
    }
)
ORDER_MOVE = exact(
    {
        "order_id": ID,
        "previous_status": INT,
        "status": INT,
        "status_name": TEXT,
        "substatus": nullable(INT),
        "paid": MONEY,
        "debited": MONEY,
        "refunded": MONEY,
        "last_update": INSTANT,
    }
)
RETURN_LINE = exact(
    {
        "id": ID,
        "order_id": ID,
        "order_key": nullable(TEXT),
        "account_id": ID,
        "stock_id": ID,
        "status": {"type": "integer", "enum": [int(s) for s in ReturnStatus]},
        "status_name": TEXT,
        "refund_status": {"type": "integer", "enum": [0, 1]},
        "refund_amount": MONEY,
        "unit_price": MONEY,
        "reason_code": {"type": "integer", "enum": sorted(REASON_CODES)},
        "reason": TEXT,
        "notes": nullable(TEXT),
        "request_ext_ref": nullable(TEXT),
        "paid_by": nullable({"type": "string", "enum": ["supplier", "customer"]}),
        "return_code": nullable(TEXT),
        "restocked": {"type": "boolean"},
        "request_id": ID,
        "created_at": INSTANT,
        "updated_at": INSTANT,
    }
)
PROBLEM_SCHEMA = loose(
    {
        "type": {"type": "string", "format": "uri"},
        "title": TEXT,
        "status": INT,
        "detail": TEXT,
        "field": {"type": "string", "description": "The offending input, when one is to blame."},
        "current_status": {"type": "integer", "description": "Where the order or return line is now."},
        "problems": {
            "type": "array",
            "items": TEXT,
            "description": "A refused strict catalog import: the first broken items, with their lines.",
        },
    },
    ("type", "title", "status", "detail"),
)
OUTCOME = exact({"status": {"type": "boolean"}, "code": INT, "message": TEXT})

SCHEMAS: dict[str, Schema] = {
    "Problem": PROBLEM_SCHEMA,
    "Account": ACCOUNT,
    "AccountPage": page_of("Account"),
    "NewAccount": exact({"id": ID, "email": TEXT, "api_key": TEXT}),
    "Balance": exact({"email": TEXT, "ecredit": MONEY}),
    "NewKey": exact({"email": TEXT, "api_key": TEXT}),
    "Carrier": CARRIER,
    "CarrierPage": page_of("Carrier"),
    "StockSet": exact({"stock_id": ID, "on_hand": INT, "previous": INT}),
    "Holding": exact({"account_id": ID, "email": TEXT, "stock_id": ID, "quantity": ID}),
    "HoldingPage": page_of("Holding"),
    "Released": exact({"account": TEXT, "released": INT}),
    "OrderSummary": ORDER_SUMMARY,
    "OrderPage": page_of("OrderSummary"),
    "Order": ORDER,
    "OrderMove": ORDER_MOVE,
    "ReturnLine": RETURN_LINE,
    "ReturnLinePage": page_of("ReturnLine"),
    "PushOutcome": OUTCOME,
    "ImportCounts": exact(
        {
            "created": INT,
            "updated": INT,
            "unchanged": INT,
            "skipped": INT,
            "errors": {"type": "array", "items": TEXT, "description": "Skipped items: `line N: why`."},
        }
    ),
}

"""Ghost API returns (E9-E11, E14; ghost-api.md 4.8) in the OpenAPI document: a section that joins the
ghost section (both formats: JSON shapes, and XML through OpenAPI's `xml` keyword)."""

from __future__ import annotations

from typing import Any

from stockgate.domain.returns import REASON_CODES, ReturnStatus
from stockgate.http.openapi_admin_schemas import ID, JSON, TEXT, Schema, exact, loose, nullable, ref

XML = "application/xml"
BASIC: list[dict[str, list[str]]] = [{"basic": []}]
LENIENT_INT: Schema = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^\s*-?\d+\s*$"}]}


def _attribute(schema: Schema) -> Schema:
    return {**schema, "xml": {"attribute": True}}


_ITEM_IN = {
    "stockModelId": LENIENT_INT,
    "quantity": LENIENT_INT,
    "reasonCode": LENIENT_INT,
    "notes": TEXT,
    "requestExtRef": TEXT,
}
REQUEST_JSON = loose(
    {"orderId": LENIENT_INT, "items": {"type": "array", "items": loose(_ITEM_IN, ("stockModelId",))}},
    ("orderId", "items"),
)
REQUEST_XML = {
    **loose(
        {
            "orderId": _attribute(LENIENT_INT),
            "returnedGoodRequestItem": {
                "type": "array",
                "xml": {"wrapped": False},
                "items": loose({k: _attribute(v) for k, v in _ITEM_IN.items()}, ("stockModelId",)),
            },
        },
        ("orderId",),
    ),
    "xml": {"name": "returnedGoodRequest"},
}
_ITEM_OUT = {
    "stockModelId": ID,
    "quantity": {"type": "integer", "const": 1},
    "reasonCode": {"type": "integer", "enum": sorted(REASON_CODES)},
    "status": {"type": "integer", "enum": [int(s) for s in ReturnStatus]},
    "refundStatus": {"type": "integer", "enum": [0, 1]},
    "notes": nullable(TEXT),
    "requestExtRef": nullable(TEXT),
    "returnCode": nullable(TEXT),
    "pdfLink": nullable({"type": "string", "format": "uri"}),
}
RETURNS_JSON = exact({"orderId": ID, "items": {"type": "array", "items": exact(_ITEM_OUT)}})
RETURNS_XML = {
    "type": "object",
    "xml": {"name": "returnedGoodRequest"},
    "properties": {
        "orderId": _attribute(ID),
        "returnedGoodRequestItem": {
            "type": "array",
            "xml": {"wrapped": False},
            "items": {"type": "object", "properties": {k: _attribute(v) for k, v in _ITEM_OUT.items()}},
        },
    },
}
OUTCOME_XML = {
    "type": "object",
    "xml": {"name": "response"},
    "properties": {
        "status": _attribute({"type": "string", "enum": ["true", "false"]}),
        "code": _attribute({"type": "integer"}),
        "message": _attribute(TEXT),
    },
}
SCHEMAS: dict[str, Schema] = {
    "ReturnOutcome": exact({"status": {"type": "boolean"}, "code": {"type": "integer"}, "message": TEXT}),
    "OrderReturns": RETURNS_JSON,
}


def _both(json_schema: Schema, xml_schema: Schema) -> Schema:
    return {JSON: {"schema": json_schema}, XML: {"schema": xml_schema}, "text/xml": {"schema": xml_schema}}


def _text(description: str) -> Schema:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


def returns_section() -> dict[str, Any]:
    outcome = _both(ref("ReturnOutcome"), OUTCOME_XML)
    order_returns = {
        "security": BASIC,
        "responses": {
            "200": {
                "description": "The order's return lines",
                "content": _both(ref("OrderReturns"), RETURNS_XML),
            },
            "401": _text("Authentication failed."),
            "404": _text("No such order of yours."),
            "406": _text("The Accept header allows neither XML nor JSON."),
        },
    }
    return {
        "paths": {
            "/restful/ghost/returnedgoods/request/new": {
                "post": {
                    "summary": "E9: open a return request (one return line per unit) on a dispatched order",
                    "security": BASIC,
                    "requestBody": {"required": True, "content": _both(REQUEST_JSON, REQUEST_XML)},
                    "responses": {
                        "200": {"description": "Opened: status true, code 0", "content": outcome},
                        "400": {
                            "description": "Refused (code 2 not dispatched, 3 not in the order,"
                            " 4 too many units, 5 bad reason code, 6 malformed)",
                            "content": outcome,
                        },
                        "401": _text("Authentication failed."),
                        "404": {"description": "No such order of yours (code 1)", "content": outcome},
                    },
                }
            },
            "/restful/ghost/returnedgoods/clientkey/{key}": {
                "get": {
                    "summary": "E10: return lines of an order by client key",
                    "parameters": [{"name": "key", "in": "path", "required": True, "schema": TEXT}],
                    **order_returns,
                }
            },
            "/restful/ghost/returnedgoods/serverkey/{order_id}": {
                "get": {
                    "summary": "E11: return lines of an order by order id",
                    "parameters": [{"name": "order_id", "in": "path", "required": True, "schema": ID}],
                    **order_returns,
                }
            },
            "/restful/returnedgoods/print/{returnCode}.pdf": {
                "get": {
                    "summary": "E14: printable manifest of an authorised return (the code is the credential)",
                    "security": [],
                    "parameters": [{"name": "returnCode", "in": "path", "required": True, "schema": TEXT}],
                    "responses": {
                        "200": {
                            "description": "A PDF",
                            "content": {
                                "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                            },
                        },
                        "404": _text("No authorised return has this code."),
                    },
                }
            },
        },
        "schemas": SCHEMAS,
    }

"""Ghost API returns (E9-E11, E14; ghost-api.md 4.8) in the OpenAPI document: a section that joins the
ghost section (both formats: JSON shapes, and XML through OpenAPI's `xml` keyword)."""

from __future__ import annotations

from typing import Any

from stockgate.domain.returns import REASON_CODES, ReturnStatus
from stockgate.http.openapi import (
    JSON,
    XML,
    Schema,
    attribute,
    body,
    error_responses,
    lenient_int,
    ok,
    operation,
    ref,
    text,
)
from stockgate.http.openapi_admin_schemas import ID, TEXT, exact, loose, nullable

# Quantities and reason codes below the minimum are answered in the refusal shape, not rejected unread.
LENIENT_INT = lenient_int(0)

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
            "orderId": attribute(LENIENT_INT),
            "returnedGoodRequestItem": {
                "type": "array",
                "xml": {"wrapped": False},
                "items": loose({k: attribute(v) for k, v in _ITEM_IN.items()}, ("stockModelId",)),
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
        "orderId": attribute(ID),
        "returnedGoodRequestItem": {
            "type": "array",
            "xml": {"wrapped": False},
            "items": {"type": "object", "properties": {k: attribute(v) for k, v in _ITEM_OUT.items()}},
        },
    },
}
OUTCOME_XML = {
    "type": "object",
    "xml": {"name": "response"},
    "properties": {
        "status": attribute({"type": "string", "enum": ["true", "false"]}),
        "code": attribute({"type": "integer"}),
        "message": attribute(TEXT),
    },
}
SCHEMAS: dict[str, Schema] = {
    "ReturnOutcome": exact({"status": {"type": "boolean"}, "code": {"type": "integer"}, "message": TEXT}),
    "OrderReturns": RETURNS_JSON,
}


def _outcome(description: str) -> Schema:
    return {
        "description": description,
        "content": {
            JSON: {"schema": ref("ReturnOutcome")},
            XML: {"schema": OUTCOME_XML},
            "text/xml": {"schema": OUTCOME_XML},
        },
    }


def returns_section() -> dict[str, Any]:
    def order_returns(summary: str, parameter: Schema) -> Schema:
        return operation(
            summary,
            {
                "200": ok("The order's return lines", ref("OrderReturns"), RETURNS_XML),
                **error_responses("401", "404", "406", "429"),
            },
            parameters=[parameter],
        )

    opened = ok("Opened: status true, code 0", ref("ReturnOutcome"), OUTCOME_XML)
    return {
        "paths": {
            "/restful/ghost/returnedgoods/request/new": {
                "post": operation(
                    "E9: open a return request (one return line per unit) on a dispatched order",
                    {
                        "200": opened,
                        "400": _outcome(
                            "Refused (code 2 not dispatched, 3 not in the order, 4 too many units,"
                            " 5 bad reason code, 6 malformed)"
                        ),
                        "404": _outcome("No such order of yours (code 1)"),
                        **error_responses("401", "406", "413", "415", "429"),
                    },
                    requestBody=body(REQUEST_JSON, REQUEST_XML),
                )
            },
            "/restful/ghost/returnedgoods/clientkey/{key}": {
                "get": order_returns(
                    "E10: return lines of an order by client key",
                    {"name": "key", "in": "path", "required": True, "schema": TEXT},
                )
            },
            "/restful/ghost/returnedgoods/serverkey/{order_id}": {
                "get": order_returns(
                    "E11: return lines of an order by order id",
                    {"name": "order_id", "in": "path", "required": True, "schema": ID},
                )
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
                        "404": text("No authorised return has this code."),
                    },
                }
            },
        },
        "schemas": SCHEMAS,
    }

"""The admin API (and the Rewix status push) in the OpenAPI 3.1 document served at /openapi.json.

`admin_section()` answers {"paths", "schemas", "securitySchemes"}: the same sections the ghost API's
part of the document is assembled from, so the two join into one document.
"""

from __future__ import annotations

from typing import Any

from stockgate.http.openapi import JSON, Schema, ref
from stockgate.http.openapi_admin_schemas import AMOUNT_IN, ID, INT, SCHEMAS, TEXT, loose

PROBLEM = "application/problem+json"
SECURITY: list[dict[str, list[str]]] = [{"adminBearer": []}]


def _problem(description: str) -> Schema:
    return {"description": description, "content": {PROBLEM: {"schema": ref("Problem")}}}


PROBLEMS: dict[str, Schema] = {
    "400": _problem("Invalid input (`field` names it) or an invalid cursor or limit."),
    "401": _problem("No valid bearer token (`WWW-Authenticate: Bearer`)."),
    "404": _problem("Not found."),
    "409": _problem("The current state forbids it (`current_status` says where it is)."),
    "413": _problem("The upload is larger than the limit."),
}


def _ok(schema: str, description: str = "OK", status: str = "200") -> dict[str, Schema]:
    return {status: {"description": description, "content": {JSON: {"schema": ref(schema)}}}}


def _body(schema: Schema, required: bool = True) -> Schema:
    return {"required": required, "content": {JSON: {"schema": schema}}}


def _param(name: str, where: str, schema: Schema, description: str, required: bool = False) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


LIST = [
    _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Page size."),
    _param("cursor", "query", TEXT, "The `next_cursor` of the previous page (opaque)."),
]


def _op(summary: str, responses: dict[str, Schema], errors: tuple[str, ...], **extra: Any) -> Schema:
    return {
        "summary": summary,
        "tags": ["admin"],
        "security": SECURITY,
        "responses": {**responses, **{code: PROBLEMS[code] for code in ("401", *errors)}},
        **extra,
    }


def _path_id(name: str, what: str) -> Schema:
    return _param(name, "path", ID, f"The {what}'s id.")


def admin_section(prefix: str = "/admin/api/v1") -> dict[str, Any]:
    account, carrier, stock = (
        _path_id("account_id", "account"),
        _path_id("carrier_id", "carrier"),
        _path_id("stock_id", "model"),
    )
    order, line = _path_id("order_id", "order"), _path_id("return_id", "return line")
    settings = loose(
        {
            "auto_confirm": {"type": "boolean"},
            "enabled": {"type": "boolean"},
            "password": TEXT,
            "name": TEXT,
            "address": TEXT,
        }
    )
    new_account = loose(
        {**settings["properties"], "email": TEXT, "ecredit": AMOUNT_IN}, ("email", "password")
    )
    carrier_in = loose(
        {
            "name": TEXT,
            "cost": AMOUNT_IN,
            "default": {"type": "boolean"},
            "countries": {"type": "array", "items": TEXT},
            "max_weight": {"anyOf": [TEXT, {"type": "number"}]},
        },
        ("name", "cost"),
    )
    advance_in = loose(
        {
            "to": {"type": "integer", "enum": [2, 3001, 3002, 3]},
            "tracking_code": TEXT,
            "tracking_url": TEXT,
            "carrier_name": TEXT,
            "reason": TEXT,
        },
        ("to",),
    )
    step = {
        "authorize": (
            "Authorise (who pays the shipping back; default by reason)",
            loose({"paid_by": {"enum": ["supplier", "customer"]}}),
        ),
        "receive": (
            "Received: in good order (back on hand) or not",
            loose({"ok": {"type": "boolean"}}, ("ok",)),
        ),
        "not-received": ("Declare an authorised unit never arrived", None),
        "refuse": ("Refuse", None),
        "refund": ("Refund the unit price to e-credit (closes a received line)", None),
        "complete": ("Close a received or missing line without refund", None),
    }
    paths: dict[str, Any] = {
        "/accounts": {
            "get": _op("List accounts (id order)", _ok("AccountPage"), ("400",), parameters=LIST),
            "post": _op(
                "Open an account",
                _ok("NewAccount", "Created; the API key is shown once", "201"),
                ("400", "409"),
                requestBody=_body(new_account),
            ),
        },
        "/accounts/{account_id}": {
            "get": _op("One account", _ok("Account"), ("404",), parameters=[account]),
            "patch": _op(
                "Change settings (only those given)",
                _ok("Account"),
                ("400", "404"),
                parameters=[account],
                requestBody=_body(settings),
            ),
        },
        "/accounts/{account_id}/credit": {
            "post": _op(
                "Add (or, negative, remove) e-credit",
                _ok("Balance"),
                ("400", "404", "409"),
                parameters=[account],
                requestBody=_body(loose({"amount": AMOUNT_IN, "note": TEXT}, ("amount",))),
            )
        },
        "/accounts/{account_id}/rotate-key": {
            "post": _op(
                "New API key; the old one stops working", _ok("NewKey"), ("404",), parameters=[account]
            )
        },
        "/carriers": {"get": _op("List carriers", _ok("CarrierPage"), ("400",), parameters=LIST)},
        "/carriers/{carrier_id}": {
            "put": _op(
                "Add or replace a carrier",
                _ok("Carrier"),
                ("400", "404"),
                parameters=[carrier],
                requestBody=_body(carrier_in),
            )
        },
        "/stock/{stock_id}": {
            "put": _op(
                "Set on-hand (never below what is locked)",
                _ok("StockSet"),
                ("400", "404", "409"),
                parameters=[stock],
                requestBody=_body(
                    loose({"quantity": {"type": "integer", "minimum": 0}, "reason": TEXT}, ("quantity",))
                ),
            )
        },
        "/reservations": {
            "get": _op(
                "Who holds what locked",
                _ok("HoldingPage"),
                ("400", "404"),
                parameters=[*LIST, _param("account", "query", TEXT, "Only this account's (e-mail).")],
            )
        },
        "/reservations/release": {
            "post": _op(
                "Release an account's locks (all, or one model's)",
                _ok("Released"),
                ("400", "404"),
                requestBody=_body(loose({"account": TEXT, "stock_id": ID}, ("account",))),
            )
        },
        "/orders": {
            "get": _op(
                "List orders, newest first",
                _ok("OrderPage"),
                ("400", "404"),
                parameters=[
                    *LIST,
                    _param("status", "query", INT, "Only orders in this status."),
                    _param("account", "query", TEXT, "Only this account's (e-mail)."),
                ],
            )
        },
        "/orders/{order_id}": {
            "get": _op(
                "One order: lines, recipient, payment, history", _ok("Order"), ("404",), parameters=[order]
            )
        },
        "/orders/{order_id}/advance": {
            "post": _op(
                "Move forward along 5 -> 2 -> 3001 -> 3002 -> 3 (leaving 5 confirms; 3 needs tracking)",
                _ok("OrderMove"),
                ("400", "404", "409"),
                parameters=[order],
                requestBody=_body(advance_in),
            )
        },
        "/orders/{order_id}/cancel": {
            "post": _op(
                "Cancel or reject before dispatch: units back to stock, e-credit paid back",
                _ok("OrderMove"),
                ("400", "404", "409"),
                parameters=[order],
                requestBody=_body(loose({"reason": TEXT, "reject": {"type": "boolean"}}), required=False),
            )
        },
        "/catalog/import": {
            "post": _op(
                "Import TEAL XML or CSV (gzipped or not): ids kept, re-imports update in place",
                _ok("ImportCounts"),
                ("400", "413"),
                parameters=[
                    _param(
                        "format", "query", {"type": "string", "enum": ["xml", "csv"]}, "Default: sniffed."
                    ),
                    _param(
                        "strict",
                        "query",
                        {"type": "boolean"},
                        "Check everything first; import nothing if an item is broken.",
                    ),
                ],
                requestBody={
                    "required": True,
                    "content": {
                        kind: {"schema": {"type": "string", "format": "binary"}}
                        for kind in ("application/xml", "text/csv", "application/gzip")
                    },
                },
            )
        },
        "/returns": {
            "get": _op(
                "List return lines, oldest first",
                _ok("ReturnLinePage"),
                ("400",),
                parameters=[
                    *LIST,
                    _param("order", "query", ID, "Only this order's lines."),
                    _param("status", "query", INT, "Only lines in this status."),
                ],
            )
        },
        "/returns/{return_id}": {
            "get": _op("One return line", _ok("ReturnLine"), ("404",), parameters=[line])
        },
    }
    for action, (summary, body) in step.items():
        extra: dict[str, Any] = {"parameters": [line]}
        if body is not None:
            extra["requestBody"] = _body(body, required=action == "receive")
        paths[f"/returns/{{return_id}}/{action}"] = {
            "post": _op(summary, _ok("ReturnLine"), ("400", "404", "409"), **extra)
        }
    # Imported here: the webhook section builds on this module's helpers.
    from stockgate.http.openapi_webhooks import WEBHOOK_SCHEMAS, webhook_paths

    paths.update(webhook_paths())
    documented = {prefix + path: methods for path, methods in paths.items()}
    documented["/restful/orders/dropshipping/status"] = {"post": _push()}
    return {
        "paths": documented,
        "schemas": {**SCHEMAS, **WEBHOOK_SCHEMAS},
        "securitySchemes": {
            "adminBearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from `stockgate admin-tokens create`.",
            }
        },
    }


def _push() -> Schema:
    fields = {
        "orderId": ID,
        "extRef": TEXT,
        "substatus": {"type": "integer", "enum": [1, 2, 5]},
        "trackingCode": TEXT,
        "trackingUrl": TEXT,
        "carrierName": TEXT,
    }
    outcome = {
        "content": {
            JSON: {"schema": ref("PushOutcome")},
            "application/xml": {"schema": {"type": "object", "xml": {"name": "response"}}},
        }
    }
    return {
        "summary": "Rewix supplier-side status push: substatus and tracking (tracking dispatches)",
        "tags": ["admin"],
        "security": SECURITY,
        "requestBody": {
            "required": True,
            "content": {
                JSON: {"schema": loose(fields)},
                "application/xml": {"schema": {**loose(fields), "xml": {"name": "root"}}},
            },
        },
        "responses": {
            "200": {"description": "Applied", **outcome},
            **{
                code: {"description": text, **outcome}
                for code, text in (
                    ("400", "Invalid push (the code is the status)"),
                    ("401", "No valid bearer token"),
                    ("404", "No such order"),
                    ("409", "The order's state forbids it"),
                )
            },
        },
    }

"""The ghost API (E2-E8) in the OpenAPI document: paths, request bodies in JSON and XML, responses.

Field lengths are the columns' (an order's `recipient` up to 200 characters, ...); the XML shapes follow
ghost-api.md section 4 element by element.
"""

from __future__ import annotations

from typing import Any

from stockgate.http.openapi import (
    Schema,
    attribute,
    body,
    error_responses,
    lenient_int,
    obj,
    ok,
    operation,
    ref,
    text,
)

INT: Schema = {"type": "integer"}
COUNT: Schema = {"type": "integer", "minimum": 0}
NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
LENIENT_BOOL: Schema = {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}]}
ORDER_DATE: Schema = {"type": "string", "pattern": r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} [+-]?\d{4}$"}
OPERATION_TYPE: Schema = {"type": "string", "enum": ["lock", "unlock", "set", "ensure"]}


def _string(most: int) -> Schema:
    return {"type": "string", "minLength": 1, "maxLength": most, "pattern": r"\S"}


def _xml_array(item: Schema, item_name: str, wrapper: str | None = None, **extra: Any) -> Schema:
    xml = {"wrapped": True, "name": wrapper} if wrapper else {"wrapped": False}
    return {"type": "array", "items": {**item, "xml": {"name": item_name}}, "xml": xml, **extra}


LINE_JSON = obj({"stock_id": lenient_int(1), "quantity": lenient_int(0)}, ["stock_id", "quantity"])
LINE_XML = obj(
    {"stock_id": attribute(lenient_int(1)), "quantity": attribute(lenient_int(0))}, ["stock_id", "quantity"]
)

RECIPIENT = obj(
    {
        "recipient": _string(200),
        "careof": {"type": "string", "maxLength": 200},
        "cfpiva": {"type": "string", "maxLength": 50},
        "customer_key": {"type": "string", "maxLength": 100},
        "notes": {"type": "string", "maxLength": 1000},
        "address": obj(
            {
                "street_type": {"type": "string", "maxLength": 50},
                "street_name": _string(200),
                "address_number": {"type": "string", "maxLength": 50},
                "zip": _string(20),
                "city": _string(100),
                "province": {"type": "string", "maxLength": 100},
                "countrycode": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
            },
            ["street_name", "zip", "city", "countrycode"],
        ),
        "phone": obj(
            {"prefix": {"type": "string", "maxLength": 20}, "number": {"type": "string", "maxLength": 50}}
        ),
    },
    ["recipient", "address"],
)


def _order(items: Schema) -> Schema:
    return obj(
        {
            "key": _string(100),
            "date": ORDER_DATE,
            "carrierId": lenient_int(),
            "autoConfirm": LENIENT_BOOL,
            "recipient_details": RECIPIENT,
            "item_list": items,
        },
        ["key", "date", "recipient_details", "item_list"],
    )


MODEL_OUT = obj(
    {"stock_id": INT, "locked": COUNT, "available": COUNT}, ["stock_id", "locked", "available"], exact=True
)
STATUS_FIELDS = {
    "order_id": INT,
    "ext_ref": NULLABLE_TEXT,
    "status": INT,
    "substatus": {"type": ["integer", "null"]},
    "last_update": ORDER_DATE,
    "tracking_code": NULLABLE_TEXT,
    "tracking_url": NULLABLE_TEXT,
    "carrier_name": NULLABLE_TEXT,
}

GHOST_SCHEMAS: dict[str, Schema] = {
    "ReserveJson": obj(
        {
            "operations": {
                "type": "array",
                "items": obj(
                    {"type": OPERATION_TYPE, "models": {"type": "array", "items": LINE_JSON}}, ["type"]
                ),
            }
        },
        ["operations"],
    ),
    "ReserveXml": obj(
        {
            "operation": _xml_array(
                obj({"type": attribute(OPERATION_TYPE), "model": _xml_array(LINE_XML, "model")}, ["type"]),
                "operation",
            )
        },
        xml={"name": "root"},
    ),
    "DropshipJson": obj(
        {
            "order_list": {
                "type": "array",
                "minItems": 1,
                "maxItems": 100,
                "items": _order({"type": "array", "minItems": 1, "items": LINE_JSON}),
            }
        },
        ["order_list"],
    ),
    "DropshipXml": obj(
        {
            "order_list": _xml_array(
                _order(
                    _xml_array(
                        obj(
                            {"stock_id": lenient_int(1), "quantity": lenient_int(0)}, ["stock_id", "quantity"]
                        ),
                        "item",
                        "item_list",
                        minItems=1,
                    )
                ),
                "order",
                "order_list",
                minItems=1,
                maxItems=100,
            )
        },
        ["order_list"],
        xml={"name": "root"},
    ),
    "AcquireJson": obj(
        {
            "products": {"type": "array", "minItems": 1, "items": LINE_JSON},
            "carrierId": lenient_int(),
            "autoConfirm": LENIENT_BOOL,
        },
        ["products"],
    ),
    "AcquireXml": obj(
        {
            "products": _xml_array(LINE_XML, "product", "products", minItems=1),
            "carrierId": lenient_int(),
            "autoConfirm": LENIENT_BOOL,
        },
        ["products"],
        xml={"name": "supplierorder"},
    ),
    "ReservationJson": obj(
        {
            "models": {"type": "array", "items": MODEL_OUT},
            "order_id": COUNT,
            "order_ids": {"type": "array", "items": INT},
        },
        ["models", "order_id"],
        exact=True,
    ),
    "ReservationXml": obj(
        {
            "order_id": attribute(COUNT),
            "model": _xml_array(
                {**MODEL_OUT, "properties": {k: attribute(v) for k, v in MODEL_OUT["properties"].items()}},
                "model",
            ),
        },
        xml={"name": "root"},
    ),
    "CarriersJson": {
        "type": "array",
        "items": obj(
            {"id": INT, "name": {"type": "string"}, "cost": {"type": "number", "minimum": 0}},
            ["id", "name", "cost"],
            exact=True,
        ),
    },
    "CarriersXml": obj(
        {
            "carrier": _xml_array(
                obj(
                    {
                        "id": attribute(INT),
                        "name": attribute({"type": "string"}),
                        "cost": attribute({"type": "string"}),
                    }
                ),
                "carrier",
            )
        },
        xml={"name": "collection"},
    ),
    "OrderStatusJson": obj(
        {
            "orders": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1,
                "items": obj(
                    {**STATUS_FIELDS, "parsedDate": INT}, [*STATUS_FIELDS, "parsedDate"], exact=True
                ),
            }
        },
        ["orders"],
        exact=True,
    ),
    "OrderStatusXml": obj(
        {
            "order_list": _xml_array(
                obj({**STATUS_FIELDS, "parsedDate": {"type": "string"}}), "order", "order_list"
            )
        },
        xml={"name": "root"},
    ),
}

RESERVATION = ok("The reservation.", ref("ReservationJson"), ref("ReservationXml"))
ORDER_STATUS = ok("The order's status.", ref("OrderStatusJson"), ref("OrderStatusXml"))


def _path_param(name: str, schema: Schema) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema}


GHOST_PATHS: dict[str, Any] = {
    "/restful/export/carriers": {
        "get": operation(
            "E2: the carriers this account may use",
            {
                "200": ok("Carriers.", ref("CarriersJson"), ref("CarriersXml")),
                **error_responses("401", "406", "429"),
            },
        )
    },
    "/restful/ghost/orders/sold": {
        "post": operation(
            "E3: lock, unlock, set or ensure quantities in the reservation",
            {"200": RESERVATION, **error_responses("400", "401", "406", "413", "415", "429")},
            requestBody=body(ref("ReserveJson"), ref("ReserveXml")),
        )
    },
    "/restful/ghost/orders/dropshipping/locked": {
        "get": operation("E4: the reservation", {"200": RESERVATION, **error_responses("401", "406", "429")})
    },
    "/restful/ghost/orders/{id}/dropshipping": {
        "post": operation(
            "E6: dropshipping orders to the shop's customers (any error in the body: 429)",
            {"200": RESERVATION, **error_responses("401", "404", "406", "413", "429")},
            parameters=[_path_param("id", {"type": "integer", "minimum": 0})],
            requestBody=body(ref("DropshipJson"), ref("DropshipXml")),
        )
    },
    "/restful/ghost/supplierorder/acquire": {
        "post": operation(
            "E5: an order to the account's own address; answers the order id as a bare number",
            {
                "200": {**text("The new order_id.", {"type": "string", "pattern": r"^\d+$"})},
                **error_responses("401", "404", "413", "429"),
            },
            requestBody=body(ref("AcquireJson"), ref("AcquireXml")),
        )
    },
    "/restful/ghost/clientorders/serverkey/{order_id}": {
        "get": operation(
            "E7: an order's status by order_id",
            {"200": ORDER_STATUS, **error_responses("401", "404", "406", "429")},
            parameters=[_path_param("order_id", {"type": "integer", "minimum": 0})],
        )
    },
    "/restful/ghost/clientorders/clientkey/{key}": {
        "get": operation(
            "E8: an order's status by the shop's key",
            {"200": ORDER_STATUS, **error_responses("401", "404", "406", "429")},
            parameters=[_path_param("key", {"type": "string", "minLength": 1, "maxLength": 100})],
        )
    },
}


def ghost_section() -> dict[str, Any]:
    """E2-E8 of ghost-api.md section 3."""
    return {"paths": GHOST_PATHS, "schemas": GHOST_SCHEMAS}

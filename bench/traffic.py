"""The requests of each scenario, as raw HTTP/1.1 bytes (built in the load generator's process).

Every connection plays one shop (its own account), so two connections never queue on the same account
row and the server sees what many shops at once look like. A request that succeeds is worth a known
number of units (granted locks or ordered units); the harness compares their sum with the database.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import orjson

LOCKED_PATH = "/restful/ghost/orders/dropshipping/locked"
SOLD_PATH = "/restful/ghost/orders/sold"
DROPSHIP_PATH = "/restful/ghost/orders/0/dropshipping"
CONSTANT_PATH = "/bench/constant"
ORDER_DATE = "2026/11/23 10:00:00 +0100"

# What a connection sends next: (request bytes, units a 2xx answer grants).
Builder = Callable[[int], tuple[bytes, int]]


@dataclass(frozen=True)
class Shop:
    """One connection's account: its Basic credentials and the models it keeps locked."""

    authorization: str  # "Basic ..."
    pool: list[int]


def _request(
    method: str, path: str, host: str, shop: Shop | None, body: bytes = b"", ctype: str = ""
) -> bytes:
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if shop is not None:
        head.append(f"Authorization: {shop.authorization}")
    head.append("Accept: " + ("application/xml" if ctype == "application/xml" else "application/json"))
    if body:
        head.append(f"Content-Type: {ctype}")
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def lock_body(stock_id: int) -> bytes:
    return orjson.dumps({"operations": [{"type": "lock", "models": [{"stock_id": stock_id, "quantity": 1}]}]})


def order_json(key: str, lines: list[int]) -> bytes:
    order = {
        "key": key,
        "date": ORDER_DATE,
        "recipient_details": {
            "recipient": "Ada Rossi",
            "address": {"street_name": "Via Roma 1", "zip": "10100", "city": "Torino", "countrycode": "IT"},
            "phone": {"prefix": "+39", "number": "0110000000"},
        },
        "item_list": [{"stock_id": sid, "quantity": 1} for sid in lines],
    }
    return orjson.dumps({"order_list": [order]})


def order_xml(key: str, lines: list[int]) -> bytes:
    items = "".join(f"<item><stock_id>{sid}</stock_id><quantity>1</quantity></item>" for sid in lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><root><order_list><order>'
        f"<key>{key}</key><date>{ORDER_DATE}</date><recipient_details><recipient>Ada Rossi</recipient>"
        "<address><street_name>Via Roma 1</street_name><zip>10100</zip><city>Torino</city>"
        "<countrycode>IT</countrycode></address><phone><prefix>+39</prefix><number>0110000000</number>"
        f"</phone></recipient_details><item_list>{items}</item_list></order></order_list></root>"
    ).encode()


def builder(
    scenario: str, host: str, shop: Shop, *, stock_ids: list[int], hot: int, tag: str, seed: int
) -> Builder:
    """The request maker of one connection for `scenario`."""
    rng = random.Random(seed)
    if scenario == "ceiling-http":
        fixed = _request("GET", CONSTANT_PATH, host, None)
        return lambda _seq: (fixed, 0)
    if scenario == "status":
        fixed = _request("GET", LOCKED_PATH, host, shop)
        return lambda _seq: (fixed, 0)
    if scenario == "reserve":
        return lambda _seq: (
            _request("POST", SOLD_PATH, host, shop, lock_body(rng.choice(shop.pool)), "application/json"),
            1,
        )
    if scenario == "reserve-hot":
        fixed = _request("POST", SOLD_PATH, host, shop, lock_body(hot), "application/json")
        return lambda _seq: (fixed, 1)
    if scenario in ("order-json", "order-xml"):
        render, ctype = (order_json, "application/json")
        if scenario == "order-xml":
            render, ctype = (order_xml, "application/xml")

        def order(seq: int) -> tuple[bytes, int]:
            lines = rng.sample(stock_ids, 2)
            body = render(f"{tag}-{seed}-{seq}", lines)
            return _request("POST", DROPSHIP_PATH, host, shop, body, ctype), 2

        return order
    raise ValueError(f"unknown scenario {scenario}")

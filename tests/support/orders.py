"""Order bodies as the seed documents and real shop plugins write them."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.conftest import Shop

DROPSHIP = "/restful/ghost/orders/0/dropshipping"
ACQUIRE = "/restful/ghost/supplierorder/acquire"
STATUS_BY_ID = "/restful/ghost/clientorders/serverkey/{}"
STATUS_BY_KEY = "/restful/ghost/clientorders/clientkey/{}"
LOCKED = "/restful/ghost/orders/dropshipping/locked"
SOLD = "/restful/ghost/orders/sold"
JSON = {"Accept": "application/json", "Content-Type": "application/json"}
XML = {"Accept": "application/xml", "Content-Type": "application/xml"}


def seed_xml(
    key: str, lines: list[tuple[int, int]], carrier: int | str = 20, auto_confirm: str = "true"
) -> str:
    """The XML request of seed 000, verbatim but for the key, stock ids and quantities."""
    items = "".join(
        f"<item>\n<stock_id>{sid}</stock_id>\n<quantity>{q}</quantity>\n</item>\n" for sid, q in lines
    )
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<root>
<order_list>
<order>
<key>{key}</key>
<date>2017/01/31 23:59:59 +0000</date>
<carrierId>{carrier}</carrierId>
<recipient_details>
<recipient>ACME srl</recipient>
<careof />
<cfpiva>12345558</cfpiva>
<customer_key>7777</customer_key>
<notes></notes>
<address>
<street_type>Via</street_type>
<street_name>Roma</street_name>
<address_number>1</address_number>
<zip>10100</zip>
<city>TORINO</city>
<province>TO</province>
<countrycode>IT</countrycode>
</address>
<phone>
<prefix>+39</prefix>
<number>0112838474</number>
</phone>
</recipient_details>
<item_list>
{items}</item_list>
<autoConfirm>{auto_confirm}</autoConfirm>
</order>
</order_list>
</root>"""


def lock_over_http(http: TestClient, shop: Shop, sid: int, quantity: int) -> None:
    """E3 `lock` of one model, as a shop sends it; it must succeed."""
    body = {"operations": [{"type": "lock", "models": [{"stock_id": sid, "quantity": quantity}]}]}
    assert http.post(SOLD, json=body, auth=shop.auth, headers=JSON).status_code == 200


def seed_recipient() -> dict[str, Any]:
    """The JSON recipient_details of seed 000 (a fresh copy: tests may change it)."""
    return {
        "recipient": "ACME srl",
        "cfpiva": "12345558",
        "customer_key": "7777",
        "address": {
            "street_type": "Via",
            "street_name": "Roma",
            "address_number": "1",
            "zip": "10100",
            "city": "TORINO",
            "province": "TO",
            "countrycode": "IT",
        },
        "phone": {"prefix": "+39", "number": "0112838474"},
    }


def seed_json(key: str, lines: list[tuple[int, int]], **overrides: Any) -> dict[str, Any]:
    """The JSON request of seed 000 (strings everywhere, as the seed writes them)."""
    order: dict[str, Any] = {
        "key": key,
        "date": "2021/02/02 23:59:59 +0000",
        "carrierId": "20",
        "recipient_details": seed_recipient(),
        "item_list": [{"stock_id": str(sid), "quantity": str(q)} for sid, q in lines],
        "autoConfirm": "true",
    }
    order.update(overrides)
    return {"order_list": [order]}


def plugin_xml(key: str, lines: list[tuple[int, int]]) -> str:
    """How shop plugins really send it: item_list before key, unknown elements, empty elements,
    trailing spaces, autoConfirm last."""
    items = "".join(
        f"<item><quantity>{q} </quantity><stock_id> {sid}</stock_id><price>12.5</price></item>"
        for sid, q in lines
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<root><order_list><order><item_list>{items}</item_list>"
        f"<key>{key} </key><email>buyer@example.com</email><ref_id>WC-{key}</ref_id>"
        "<price_total>99.90</price_total><cash_on_delivery>0</cash_on_delivery>"
        "<date>2024/05/06 10:11:12 0200</date>"
        "<recipient_details><careof/><cfpiva></cfpiva><recipient>Mario Rossi </recipient>"
        "<address><countrycode>it</countrycode><city>Milano</city><zip>20100</zip>"
        "<street_name>Corso Como</street_name><address_number/></address>"
        "<phone><number>3331234567</number><prefix/></phone></recipient_details>"
        "<autoConfirm>true</autoConfirm></order></order_list></root>"
    )

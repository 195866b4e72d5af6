"""The Rewix supplier-side push `POST /restful/orders/dropshipping/status` through the real app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.admin_access import create_admin_token
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import cancel_order
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import JSON, STATUS_BY_KEY
from tests.support.supplier import assert_books_balance, place

PUSH = "/restful/orders/dropshipping/status"


def answer(response: Any) -> tuple[str, str, str]:
    root = etree.fromstring(response.content)
    assert root.tag == "response"
    return root.get("status", ""), root.get("code", ""), root.get("message", "")


def test_a_warehouse_tool_reports_tracking(
    http: TestClient,
    runtime: Runtime,
    make_account: AccountFactory,
    catalog: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    order_id = place(runtime, principal_of(shop), "WH-1", {catalog[0]: 1})
    bearer = {"Authorization": f"Bearer {create_admin_token(runtime.db, name='wms').token}"}

    xml = (
        f"<root><orderId>{order_id}</orderId><extRef>WH-1</extRef><substatus/>"
        "<trackingCode>BRT-555</trackingCode><trackingUrl/><carrierName>BRT</carrierName></root>"
    )
    response = http.post(PUSH, content=xml, headers={**bearer, "Content-Type": "text/xml"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/xml"
    assert answer(response) == ("true", "0", "")
    status = http.get(STATUS_BY_KEY.format("WH-1"), auth=shop.auth, headers=JSON).json()["orders"][0]
    assert (status["status"], status["tracking_code"], status["carrier_name"]) == (3, "BRT-555", "BRT")

    # The JSON twin, correcting the tracking of the dispatched order by its client key.
    fixed = http.post(
        PUSH + "/",
        json={"extRef": "WH-1", "trackingUrl": "https://brt.example/555"},
        headers={**bearer, **JSON},
    )
    assert fixed.status_code == 200 and fixed.json() == {"status": True, "code": 0, "message": ""}
    status = http.get(STATUS_BY_KEY.format("WH-1"), auth=shop.auth, headers=JSON).json()["orders"][0]
    assert (status["tracking_code"], status["tracking_url"]) == (None, "https://brt.example/555")

    other = place(runtime, principal_of(shop), "WH-2", {catalog[0]: 1})
    cancel_order(runtime.db, order_id=other, actor="t")
    for body, headers, status_code, message in [
        (
            f"<root><orderId>{other}</orderId><trackingCode>X</trackingCode></root>",
            bearer,
            409,
            "CANCELLED (2000)",
        ),
        ("<root><orderId>999999</orderId><trackingCode>X</trackingCode></root>", bearer, 404, "not found"),
        (f"<root><orderId>{order_id}</orderId><substatus>7</substatus></root>", bearer, 400, "substatus 7"),
        (f"<root><orderId>{order_id}</orderId></root>", bearer, 400, "neither a substatus nor tracking"),
        ("<root><orderId>1", bearer, 400, "malformed XML"),
        ("", bearer, 400, "empty"),
        (
            f"<root><orderId>{order_id}</orderId><trackingCode>X</trackingCode></root>",
            {},
            401,
            "authentication",
        ),
        (
            f"<root><orderId>{order_id}</orderId><trackingCode>X</trackingCode></root>",
            {"Authorization": "Basic " + "x" * 8},
            401,
            "authentication",
        ),
    ]:
        response = http.post(PUSH, content=body, headers={**headers, "Content-Type": "application/xml"})
        assert response.status_code == status_code, (body, response.text)
        ok, code, text = answer(response)
        assert (ok, code) == ("false", str(status_code)) and message in text
        if status_code == 401:
            assert response.headers["www-authenticate"] == 'Bearer realm="stockgate-admin"'
    assert_books_balance(runtime)

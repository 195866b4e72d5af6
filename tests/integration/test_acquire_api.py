"""E5 acquire through the real app: text/plain order ids, 404 for lines that get nothing, 429 errors."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.supplier_orders import list_orders
from stockgate.services.supplier_stock import set_stock
from tests.conftest import Shop
from tests.support.orders import ACQUIRE, JSON, LOCKED, STATUS_BY_ID, XML


@pytest.fixture
def stock(runtime: Runtime, catalog: list[int]) -> list[int]:
    for sid, quantity in zip(catalog[:3], (10, 7, 13), strict=True):
        set_stock(runtime.db, stock_id=sid, quantity=quantity, actor="test")
    return catalog[:3]


def test_seed_xml_example(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, b, c = stock
    body = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<supplierorder>
<products>
<product stock_id="{a}" quantity="10"/>
<product stock_id="{b}" quantity="7"/>
<product stock_id="{c}" quantity="13"/>
</products>
<carrierId>20</carrierId>
<autoConfirm>true</autoConfirm>
</supplierorder>"""
    response = http.post(
        ACQUIRE + "/",
        content=body,
        auth=shop.auth,
        headers={"Content-Type": "application/xml", "Accept": "text/plain"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    order_id = int(response.text)
    status = http.get(
        STATUS_BY_ID.format(order_id), auth=shop.auth, headers={"Accept": "application/json"}
    ).json()
    assert status["orders"][0]["ext_ref"] is None
    assert status["orders"][0]["status"] == 5  # no credit, no auto-confirm


def test_seed_json_example_with_autoconfirm_false(http: TestClient, shop: Shop, stock: list[int]) -> None:
    body = {"products": [{"stock_id": str(stock[0]), "quantity": "2"}], "carrierId": 39, "autoConfirm": False}
    response = http.post(ACQUIRE, json=body, auth=shop.auth, headers={**JSON, "Accept": "application/json"})
    assert response.status_code == 200
    assert response.text.isdigit()


def test_line_that_gets_nothing_is_404_and_changes_nothing(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    set_stock(runtime.db, stock_id=stock[1], quantity=0, actor="test")
    body = {"products": [{"stock_id": stock[0], "quantity": 1}, {"stock_id": stock[1], "quantity": 1}]}
    response = http.post(ACQUIRE, json=body, auth=shop.auth, headers=JSON)
    assert response.status_code == 404
    assert response.text == f"stock_id {stock[1]} not found"
    assert list_orders(runtime.db) == []


@pytest.mark.parametrize(
    "body",
    [
        "<supplierorder><products/></supplierorder>",
        '<supplierorder><products><product stock_id="x" quantity="1"/></products></supplierorder>',
        '<supplierorder><products><product stock_id="999999" quantity="1"/></products></supplierorder>',
        '<supplierorder><products><product stock_id="{a}" quantity="0"/></products></supplierorder>',
        "<supplierorder><products>",
    ],
)
def test_body_errors_are_429(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime, body: str
) -> None:
    response = http.post(ACQUIRE, content=body.replace("{a}", str(stock[0])), auth=shop.auth, headers=XML)
    assert response.status_code == 429
    assert response.text
    assert list_orders(runtime.db) == []
    assert http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()["models"] == []

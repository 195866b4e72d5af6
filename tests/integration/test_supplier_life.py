"""Issue 5's "done when": the full life of an order and its return through the real app, checking the
books after every step (ghost API for the shop, admin API for the supplier, the CLI for the last check)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from stockgate.services.admin_access import create_admin_token
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory
from tests.support.orders import DROPSHIP, JSON, SOLD, STATUS_BY_KEY, seed_json
from tests.support.supplier import assert_books_balance, ecredit, on_hand

RETURN_NEW = "/restful/ghost/returnedgoods/request/new"
RETURNS_BY_ID = "/restful/ghost/returnedgoods/serverkey/{}"
RETURNS_BY_KEY = "/restful/ghost/returnedgoods/clientkey/{}"
ADMIN = "/admin/api/v1"


@pytest.fixture
def admin(runtime: Runtime) -> dict[str, str]:
    token = create_admin_token(runtime.db, name="warehouse").token
    return {"Authorization": f"Bearer {token}"}


def test_an_order_from_lock_to_refunded_return(
    http: TestClient,
    runtime: Runtime,
    make_account: AccountFactory,
    catalog: list[int],
    admin: dict[str, str],
    database_url: str,
) -> None:
    sid = catalog[0]
    set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    shop = make_account(ecredit="500.00")
    books = lambda: assert_books_balance(runtime)  # noqa: E731 - said after every step

    # Lock three units, then order them: auto-confirmed and paid with e-credit.
    lock = {"operations": [{"type": "lock", "models": [{"stock_id": sid, "quantity": 3}]}]}
    assert http.post(SOLD, json=lock, auth=shop.auth, headers=JSON).status_code == 200
    books()
    placed = http.post(DROPSHIP, json=seed_json("WEB-1", [(sid, 3)]), auth=shop.auth, headers=JSON)
    assert placed.status_code == 200, placed.text
    order_id = placed.json()["order_id"]
    status = http.get(STATUS_BY_KEY.format("WEB-1"), auth=shop.auth, headers=JSON).json()["orders"][0]
    assert (status["status"], status["substatus"], status["tracking_code"]) == (2, 1, None)
    order = http.get(f"{ADMIN}/orders/{order_id}", headers=admin).json()
    paid = Decimal(order["paid"])
    assert paid == Decimal(order["total"]) > 0
    assert ecredit(runtime, shop.email) == Decimal("500.00") - paid
    assert on_hand(runtime, sid) == 7
    books()

    # The warehouse works on it, gets it ready, dispatches it with tracking; E8 shows the tracking.
    for step in (3001, 3002):
        moved = http.post(f"{ADMIN}/orders/{order_id}/advance", json={"to": step}, headers=admin)
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == step
        assert (
            http.get(STATUS_BY_KEY.format("WEB-1"), auth=shop.auth, headers=JSON).json()["orders"][0][
                "tracking_code"
            ]
            is None
        )
        books()
    dispatch = {"to": 3, "tracking_code": "1Z999AA1", "tracking_url": "https://ups.example/1Z999AA1"}
    assert http.post(f"{ADMIN}/orders/{order_id}/advance", json=dispatch, headers=admin).status_code == 200
    status = http.get(STATUS_BY_KEY.format("WEB-1"), auth=shop.auth, headers=JSON).json()["orders"][0]
    assert (status["status"], status["tracking_code"], status["tracking_url"], status["carrier_name"]) == (
        3,
        "1Z999AA1",
        "https://ups.example/1Z999AA1",
        "UPS",
    )
    books()

    # The customer sends two units back: a return request (XML, as plugins send it) makes two lines.
    request = (
        f'<returnedGoodRequest orderId="{order_id}"><returnedGoodRequestItem stockModelId="{sid}" '
        'quantity="2" reasonCode="2" notes="damaged" requestExtRef="RMA-9"/></returnedGoodRequest>'
    )
    opened = http.post(
        RETURN_NEW, content=request, auth=shop.auth, headers={"Content-Type": "application/xml"}
    )
    assert opened.status_code == 200, opened.text
    assert opened.text.endswith('<response status="true" code="0" message=""/>')
    items = http.get(RETURNS_BY_ID.format(order_id), auth=shop.auth, headers=JSON).json()["items"]
    assert [(i["status"], i["returnCode"], i["pdfLink"]) for i in items] == [(0, None, None)] * 2
    lines = http.get(f"{ADMIN}/returns", params={"order": order_id}, headers=admin).json()["items"]
    first, second = (line["id"] for line in lines)
    books()

    # Authorised (the supplier pays: the goods arrived damaged): a return code and a PDF manifest.
    authorised = http.post(f"{ADMIN}/returns/{first}/authorize", json={"paid_by": "supplier"}, headers=admin)
    assert authorised.status_code == 200, authorised.text
    code = authorised.json()["return_code"]
    assert authorised.json()["status"] == 2 and code
    items = http.get(RETURNS_BY_KEY.format("WEB-1"), auth=shop.auth, headers=JSON).json()["items"]
    assert items[0]["returnCode"] == code and items[0]["status"] == 2
    assert items[0]["pdfLink"] == f"http://testserver/restful/returnedgoods/print/{code}.pdf"
    assert items[1]["returnCode"] is None  # the other line is still pending
    pdf = http.get(items[0]["pdfLink"])  # the link works without credentials: the code is the key
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert code in text and str(order_id) in text and "WEB-1" in text and str(sid) in text
    assert "damaged" in text
    books()

    # Received in good order: the unit is back on hand. Refunded: its price back to e-credit.
    received = http.post(f"{ADMIN}/returns/{first}/receive", json={"ok": True}, headers=admin)
    assert received.json()["status"] == 3 and received.json()["restocked"] is True
    assert on_hand(runtime, sid) == 8
    books()
    before = ecredit(runtime, shop.email)
    refunded = http.post(f"{ADMIN}/returns/{first}/refund", headers=admin).json()
    assert (refunded["status"], refunded["refund_status"]) == (9, 1)
    assert ecredit(runtime, shop.email) == before + Decimal(refunded["unit_price"])
    assert Decimal(http.get(f"{ADMIN}/orders/{order_id}", headers=admin).json()["paid"]) == paid - Decimal(
        refunded["unit_price"]
    )
    items = http.get(RETURNS_BY_ID.format(order_id), auth=shop.auth, headers=JSON).json()["items"]
    assert [(i["status"], i["refundStatus"]) for i in items] == [(9, 1), (0, 0)]
    books()

    # The second unit is refused; the order's history tells the whole story.
    assert http.post(f"{ADMIN}/returns/{second}/refuse", headers=admin).json()["status"] == 7
    books()
    history = http.get(f"{ADMIN}/orders/{order_id}", headers=admin).json()["history"]
    assert [h["status"] for h in history if h["kind"] == "status"] == [2, 3001, 3002, 3]
    assert [(h["return_id"], h["status"]) for h in history if h["kind"] == "return"] == [
        (first, 0),
        (second, 0),
        (first, 2),
        (first, 3),
        (first, 9),
        (second, 7),
    ]
    assert {h["actor"] for h in history if h["kind"] == "return"} >= {"admin-token:warehouse"}
    result = CliRunner().invoke(cli, ["check", "--database-url", database_url])
    assert result.exit_code == 0 and "all invariants hold" in result.stdout

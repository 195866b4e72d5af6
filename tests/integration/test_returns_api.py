"""E9-E11 and E14 through the real app: every rule of ghost API 4.8 and its answer in both formats."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_workflow import authorize_return, list_returns
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import JSON, XML
from tests.support.supplier import assert_books_balance, place

RETURN_NEW = "/restful/ghost/returnedgoods/request/new"
BY_ID = "/restful/ghost/returnedgoods/serverkey/{}"
BY_KEY = "/restful/ghost/returnedgoods/clientkey/{}"


@pytest.fixture
def setup(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> dict[str, Any]:
    """A shop with a dispatched order (3 of model a, 1 of model b) and one still to dispatch."""
    a, b, c = catalog[:3]
    for sid in (a, b, c):
        set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    principal = principal_of(shop)
    sent = place(runtime, principal, "SENT", {a: 3, b: 1})
    advance_order(runtime.db, order_id=sent, to=3, tracking_code="T1", actor="test")
    waiting = place(runtime, principal, "WAIT", {a: 1})
    return {"shop": shop, "sent": sent, "waiting": waiting, "a": a, "b": b, "c": c}


def xml_request(order_id: int, *items: tuple[int, int, int]) -> str:
    lines = "".join(
        f'<returnedGoodRequestItem stockModelId="{sid}" quantity="{q}" reasonCode="{r}" notes="n" requestExtRef="x"/>'
        for sid, q, r in items
    )
    return f'<returnedGoodRequest orderId="{order_id}">{lines}</returnedGoodRequest>'


def json_request(order_id: int, *items: tuple[int, int, int]) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "items": [{"stockModelId": sid, "quantity": q, "reasonCode": r} for sid, q, r in items],
    }


def post(http: TestClient, shop: Shop, fmt: str, body: Any) -> Any:
    if fmt == "json":
        return http.post(RETURN_NEW, json=body, auth=shop.auth, headers=JSON)
    return http.post(RETURN_NEW, content=body, auth=shop.auth, headers=XML)


def outcome(response: Any, fmt: str) -> tuple[bool, int, str]:
    """(status, code, message) of a `<response/>` / `{"status", "code", "message"}` answer."""
    if fmt == "json":
        assert response.headers["content-type"] == "application/json"
        document = response.json()
        assert set(document) == {"status", "code", "message"}
        return document["status"], document["code"], document["message"]
    assert response.headers["content-type"] == "application/xml"
    assert response.text.startswith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<response ')
    root = etree.fromstring(response.content)
    assert root.tag == "response" and set(root.attrib) == {"status", "code", "message"}
    return root.get("status") == "true", int(root.get("code", "-1")), root.get("message", "")


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_every_rule_of_a_return_request(
    http: TestClient, runtime: Runtime, setup: dict[str, Any], make_account: AccountFactory, fmt: str
) -> None:
    shop, sent, a, b, c = setup["shop"], setup["sent"], setup["a"], setup["b"], setup["c"]
    body = xml_request if fmt == "xml" else json_request
    refusals: list[tuple[Any, int, int, str]] = [
        (body(setup["waiting"], (a, 1, 0)), 400, 2, "not dispatched"),
        (body(sent, (c, 1, 0)), 400, 3, f"stockModelId {c} is not in order {sent}"),
        (body(sent, (a, 4, 0)), 400, 4, "only 3 of the 3 shipped"),
        (body(sent, (a, 2, 0), (a, 2, 1)), 400, 4, "4 asked"),  # the same model twice counts together
        (body(sent, (a, 1, 9)), 400, 5, "reasonCode 9"),
        (body(sent, (a, 0, 0)), 400, 6, "must be positive"),
        (body(sent, (a, -1, 0)), 400, 6, "must be positive"),
        (body(sent), 400, 6, "no returnedGoodRequestItem"),
        (body(999_999, (a, 1, 0)), 404, 1, "order 999999 not found"),
    ]
    for request, status, code, message in refusals:
        response = post(http, shop, fmt, request)
        assert response.status_code == status, (request, response.text)
        ok, got_code, got_message = outcome(response, fmt)
        assert (ok, got_code) == (False, code), (request, got_message)
        assert message in got_message
    assert list_returns(runtime.db, order_id=sent) == []  # a refused request changes nothing

    # Another account's order looks exactly like a missing one.
    stranger = make_account()
    response = post(http, stranger, fmt, body(sent, (a, 1, 0)))
    assert response.status_code == 404 and outcome(response, fmt) == (False, 1, f"order {sent} not found")

    # Malformed documents are refusals too, in the same shape.
    broken = "<returnedGoodRequest orderId=" if fmt == "xml" else '{"orderId": '
    headers = XML if fmt == "xml" else JSON
    response = http.post(RETURN_NEW, content=broken, auth=shop.auth, headers=headers)
    assert response.status_code == 400 and outcome(response, fmt)[:2] == (False, 6)
    no_order = body(sent, (a, 1, 0))
    if fmt == "xml":
        no_order = no_order.replace(f' orderId="{sent}"', "")
    else:
        del no_order["orderId"]
    response = post(http, shop, fmt, no_order)
    assert response.status_code == 400 and "orderId is required" in outcome(response, fmt)[2]

    # Within the rules: one line per unit, and what is left shrinks request by request.
    response = post(http, shop, fmt, body(sent, (a, 2, 2), (b, 1, 6)))
    assert response.status_code == 200 and outcome(response, fmt) == (True, 0, "")
    lines = list_returns(runtime.db, order_id=sent)
    assert [(x.stock_id, x.reason_code, x.status) for x in lines] == [(a, 2, 0), (a, 2, 0), (b, 6, 0)]
    response = post(http, shop, fmt, body(sent, (a, 2, 0)))
    assert response.status_code == 400 and "only 1 of the 3 shipped" in outcome(response, fmt)[2]
    assert post(http, shop, fmt, body(sent, (a, 1, 0))).status_code == 200
    response = post(http, shop, fmt, body(sent, (b, 1, 0)))
    assert outcome(response, fmt)[1] == 4
    assert_books_balance(runtime)


def test_lenient_input_and_the_e10_e11_documents(
    http: TestClient, runtime: Runtime, setup: dict[str, Any]
) -> None:
    shop, sent, a = setup["shop"], setup["sent"], setup["a"]
    # Strings for numbers, no quantity (one unit), no reason (0, other), the item list under its XML name.
    lenient = {
        "orderId": str(sent),
        "returnedGoodRequestItem": [{"stockModelId": f" {a} ", "notes": " worn "}],
    }
    assert http.post(RETURN_NEW, json=lenient, auth=shop.auth, headers=JSON).status_code == 200
    [line] = list_returns(runtime.db, order_id=sent)
    assert (line.reason_code, line.notes, line.request_ext_ref) == (0, "worn", None)
    authorize_return(runtime.db, return_id=line.id, paid_by="customer", actor="test")

    response = http.get(BY_ID.format(sent), auth=shop.auth, headers={"Accept": "application/xml"})
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "returnedGoodRequest" and root.get("orderId") == str(sent)
    [item] = root
    code = list_returns(runtime.db, order_id=sent)[0].return_code
    assert dict(item.attrib) == {
        "stockModelId": str(a),
        "quantity": "1",
        "reasonCode": "0",
        "status": "1",
        "refundStatus": "0",
        "notes": "worn",
        "returnCode": code,
        "pdfLink": f"http://testserver/restful/returnedgoods/print/{code}.pdf",
    }
    document = http.get(BY_KEY.format("SENT") + "/", auth=shop.auth, headers=JSON).json()
    assert document == {
        "orderId": sent,
        "items": [
            {
                "stockModelId": a,
                "quantity": 1,
                "reasonCode": 0,
                "status": 1,
                "refundStatus": 0,
                "notes": "worn",
                "requestExtRef": None,
                "returnCode": code,
                "pdfLink": f"http://testserver/restful/returnedgoods/print/{code}.pdf",
            }
        ],
    }
    # An order with no returns answers an empty list.
    empty = http.get(BY_ID.format(setup["waiting"]), auth=shop.auth, headers=JSON).json()
    assert empty == {"orderId": setup["waiting"], "items": []}


def test_returns_are_private_and_authenticated(
    http: TestClient,
    setup: dict[str, Any],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> None:
    shop, sent = setup["shop"], setup["sent"]
    stranger = make_account()
    for path in (BY_ID.format(sent), BY_KEY.format("SENT"), BY_KEY.format("NOPE"), BY_ID.format("x1")):
        assert http.get(path, auth=stranger.auth, headers=JSON).status_code == 404
    reservation = principal_of(shop).reservation_id
    assert http.get(BY_ID.format(reservation or 0), auth=shop.auth, headers=JSON).status_code == 404
    for path in (BY_ID.format(sent), BY_KEY.format("SENT")):
        response = http.get(path, headers=JSON)
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Basic")
    response = http.post(RETURN_NEW, json=json_request(sent, (setup["a"], 1, 0)), headers=JSON)
    assert response.status_code == 401


def test_the_manifest_link(http: TestClient, runtime: Runtime, setup: dict[str, Any]) -> None:
    shop, sent, a = setup["shop"], setup["sent"], setup["a"]
    assert (
        http.post(RETURN_NEW, json=json_request(sent, (a, 2, 3)), auth=shop.auth, headers=JSON).status_code
        == 200
    )
    first, second = list_returns(runtime.db, order_id=sent)
    code = authorize_return(runtime.db, return_id=first.id, actor="test").return_code
    assert code is not None and code.startswith("R") and len(code) == 13
    # Reason 3 (wrong item) is the supplier's fault: by default it pays the shipping back.
    assert list_returns(runtime.db, order_id=sent)[0].status == 2
    # Lines of the same request share the code, so one parcel has one manifest.
    assert (
        authorize_return(runtime.db, return_id=second.id, paid_by="customer", actor="test").return_code
        == code
    )
    for path in (
        f"/restful/returnedgoods/print/{code}.pdf",
        f"/restful/returnedgoods/print/{code.lower()}.pdf/",
    ):
        response = http.get(path)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert http.head(f"/restful/returnedgoods/print/{code}.pdf").status_code == 200
    for unknown in ("RAAAAAAAAAAAA", "%20"):
        assert http.get(f"/restful/returnedgoods/print/{unknown}.pdf").status_code == 404

"""The admin API (/admin/api/v1/) through the real app: tokens, every resource, pagination, problems."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.admin_access import create_admin_token, revoke_admin_token
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import advance_order
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import JSON, LOCKED
from tests.support.supplier import assert_books_balance, dispatched, lock, place

API = "/admin/api/v1"


@pytest.fixture
def admin(runtime: Runtime) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_admin_token(runtime.db, name='ops').token}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    document: dict[str, Any] = response.json()
    assert document["status"] == status
    assert document["type"].startswith("urn:stockgate:problem:") and document["title"] and document["detail"]
    return document


def walk(http: TestClient, path: str, headers: dict[str, str], **params: Any) -> list[list[Any]]:
    """Every page of a list, following next_cursor."""
    pages = []
    query = dict(params)
    while True:
        body = http.get(API + path, params=query, headers=headers).json()
        pages.append(body["items"])
        if body["next_cursor"] is None:
            return pages
        query["cursor"] = body["next_cursor"]


def test_requests_without_a_valid_token_are_refused(http: TestClient, runtime: Runtime) -> None:
    live = create_admin_token(runtime.db, name="live").token
    gone = create_admin_token(runtime.db, name="gone").token
    revoke_admin_token(runtime.db, name="gone")
    for headers in (
        {},
        {"Authorization": f"Basic {live}"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer sgadm_not-a-token"},
        {"Authorization": "Bearer " + live[:-1]},
        {"Authorization": f"Bearer {gone}"},
    ):
        for method, path in (("GET", "/accounts"), ("POST", "/orders/1/cancel"), ("GET", "/nothing/here")):
            response = http.request(method, API + path, headers=headers)
            assert problem(response, 401)["type"] == "urn:stockgate:problem:authentication-failed"
            assert response.headers["www-authenticate"] == 'Bearer realm="stockgate-admin"'
    missing = problem(http.get(API + "/nothing/here", headers={"Authorization": f"Bearer {live}"}), 404)
    assert missing["type"] == "urn:stockgate:problem:not-found"


def test_accounts(http: TestClient, admin: dict[str, str]) -> None:
    created = http.post(
        API + "/accounts",
        json={
            "email": "New@Shop.example",
            "password": "long enough",
            "ecredit": "50.00",
            "auto_confirm": True,
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    account_id, key = created.json()["id"], created.json()["api_key"]
    assert http.get(LOCKED, auth=(key, "long enough"), headers=JSON).status_code == 200
    account = http.get(f"{API}/accounts/{account_id}", headers=admin).json()
    assert (account["email"], account["ecredit"], account["auto_confirm"]) == (
        "new@shop.example",
        "50.00",
        True,
    )

    changed = http.patch(
        f"{API}/accounts/{account_id}", json={"auto_confirm": False, "name": "New"}, headers=admin
    )
    assert (changed.json()["auto_confirm"], changed.json()["name"]) == (False, "New")
    credited = http.post(
        f"{API}/accounts/{account_id}/credit", json={"amount": "-20.5", "note": "fix"}, headers=admin
    )
    assert credited.json()["ecredit"] == "29.50"
    too_much = http.post(f"{API}/accounts/{account_id}/credit", json={"amount": -100}, headers=admin)
    assert "cannot remove 100" in problem(too_much, 409)["detail"]
    rotated = http.post(f"{API}/accounts/{account_id}/rotate-key", headers=admin).json()["api_key"]
    assert http.get(LOCKED, auth=(key, "long enough"), headers=JSON).status_code == 401
    assert http.get(LOCKED, auth=(rotated, "long enough"), headers=JSON).status_code == 200

    for response, status, field in [
        (http.post(API + "/accounts", json={"email": "a@b.co"}, headers=admin), 400, "password"),
        (http.post(API + "/accounts", content=b"[1]", headers=admin), 400, "body"),
        (http.post(API + "/accounts", content=b"{", headers=admin), 400, "body"),
        (
            http.post(f"{API}/accounts/{account_id}/credit", json={"amount": "1.234"}, headers=admin),
            400,
            "amount",
        ),
        (
            http.post(f"{API}/accounts/{account_id}/credit", json={"amount": True}, headers=admin),
            400,
            "amount",
        ),
        (http.patch(f"{API}/accounts/{account_id}", json={"enabled": "no"}, headers=admin), 400, "enabled"),
    ]:
        assert problem(response, status).get("field") == field
    duplicate = http.post(
        API + "/accounts", json={"email": "new@shop.example", "password": "long enough"}, headers=admin
    )
    problem(duplicate, 409)
    problem(http.get(f"{API}/accounts/999999", headers=admin), 404)
    problem(http.get(f"{API}/accounts/abc", headers=admin), 404)


def test_every_list_is_paginated(
    http: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    make_account: AccountFactory,
    catalog: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    shops = [make_account(ecredit="1000") for _ in range(3)]
    for sid in catalog[:3]:
        set_stock(runtime.db, stock_id=sid, quantity=20, actor="test")
    for shop in shops:
        principal = principal_of(shop)
        lock(runtime.db, principal, [(sid, 1) for sid in catalog[:3]])
        for n in range(2):
            dispatched(runtime, principal, f"{shop.email}-{n}", {catalog[n]: 1})

    accounts = walk(http, "/accounts", admin, limit=2)
    assert [len(p) for p in accounts] == [2, 1]
    assert [a["email"] for p in accounts for a in p] == [s.email for s in shops]

    # Each order took its unit from a lock: one model stays locked per account.
    holdings = walk(http, "/reservations", admin, limit=2)
    assert [[(h["email"], h["stock_id"]) for h in p] for p in holdings] == [
        [(shops[0].email, catalog[2]), (shops[1].email, catalog[2])],
        [(shops[2].email, catalog[2])],
    ]
    orders = walk(http, "/orders", admin, limit=4)
    ids = [o["order_id"] for p in orders for o in p]
    assert [len(p) for p in orders] == [4, 2] and ids == sorted(ids, reverse=True)
    only = walk(http, "/orders", admin, limit=1, account=shops[1].email, status=3)
    assert [len(p) for p in only] == [1, 1] and {o["account"] for p in only for o in p} == {shops[1].email}

    carriers = walk(http, "/carriers", admin, limit=2)
    assert [c["id"] for p in carriers for c in p] == [10, 20, 30]

    for shop in shops:
        for order in (o for p in orders for o in p if o["account"] == shop.email):
            body = {
                "orderId": order["order_id"],
                "items": [{"stockModelId": catalog[0], "quantity": 1, "reasonCode": 1}],
            }
            http.post("/restful/ghost/returnedgoods/request/new", json=body, auth=shop.auth, headers=JSON)
    returns = walk(http, "/returns", admin, limit=2)
    assert [len(p) for p in returns] == [2, 1]
    one = walk(http, "/returns", admin, order=returns[0][0]["order_id"], status=0)
    assert [r["id"] for p in one for r in p] == [returns[0][0]["id"]]

    for bad in ({"cursor": "nonsense"}, {"cursor": "WzEsMl0"}, {"limit": 0}, {"limit": 201}, {"limit": "x"}):
        assert problem(http.get(API + "/orders", params=bad, headers=admin), 400)["field"] in (
            "cursor",
            "limit",
        )
    assert (
        problem(http.get(API + "/reservations", params={"cursor": "WzFd"}, headers=admin), 400)["field"]
        == "cursor"
    )


def test_stock_reservations_carriers(
    http: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    shop: Shop,
    catalog: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    sid = catalog[0]
    assert http.put(f"{API}/stock/{sid}", json={"quantity": 7}, headers=admin).json() == {
        "stock_id": sid,
        "on_hand": 7,
        "previous": 0,
    }
    lock(runtime.db, principal_of(shop), [(sid, 5)])
    assert (
        "5 units locked"
        in problem(http.put(f"{API}/stock/{sid}", json={"quantity": 4}, headers=admin), 409)["detail"]
    )
    problem(http.put(f"{API}/stock/{sid}", json={"quantity": -1}, headers=admin), 400)
    problem(http.put(f"{API}/stock/{sid}", json={"quantity": "3"}, headers=admin), 400)
    problem(http.put(f"{API}/stock/999999", json={"quantity": 3}, headers=admin), 400)
    released = http.post(
        f"{API}/reservations/release", json={"account": shop.email, "stock_id": sid}, headers=admin
    )
    assert released.json() == {"account": shop.email, "released": 5}
    problem(
        http.post(f"{API}/reservations/release", json={"account": "nobody@x.example"}, headers=admin), 404
    )

    carrier = http.put(
        f"{API}/carriers/40",
        json={"name": "GLS", "cost": "4.90", "countries": ["it"], "max_weight": "2.5"},
        headers=admin,
    ).json()
    assert carrier == {
        "id": 40,
        "name": "GLS",
        "cost": "4.90",
        "countries": ["IT"],
        "max_weight": "2.500",
        "default": False,
    }
    assert (
        problem(
            http.put(f"{API}/carriers/41", json={"name": "X", "cost": "1", "countries": "IT"}, headers=admin),
            400,
        )["field"]
        == "countries"
    )
    assert problem(http.put(f"{API}/carriers/41", json={"name": "X"}, headers=admin), 400)["field"] == "cost"
    assert_books_balance(runtime)


def test_orders_and_returns(
    http: TestClient,
    runtime: Runtime,
    admin: dict[str, str],
    make_account: AccountFactory,
    catalog: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    order_id = place(runtime, principal_of(shop), "A-1", {catalog[0]: 2}, auto_confirm=False)
    moved = http.post(
        f"{API}/orders/{order_id}/advance", json={"to": 2, "reason": "paid by phone"}, headers=admin
    ).json()
    assert (moved["previous_status"], moved["status"], moved["substatus"]) == (5, 2, 1)
    assert moved["debited"] == moved["paid"] != "0.00"
    refused = problem(http.post(f"{API}/orders/{order_id}/advance", json={"to": 5}, headers=admin), 409)
    assert refused["current_status"] == 2 and "TO DISPATCH (2)" in refused["detail"]
    assert refused["type"] == "urn:stockgate:problem:invalid-transition"
    no_tracking = problem(http.post(f"{API}/orders/{order_id}/advance", json={"to": 3}, headers=admin), 400)
    assert no_tracking["field"] == "tracking_code"
    assert (
        problem(http.post(f"{API}/orders/{order_id}/advance", json={}, headers=admin), 400)["field"] == "to"
    )
    cancelled = http.post(
        f"{API}/orders/{order_id}/cancel", json={"reject": True, "reason": "fraud"}, headers=admin
    )
    assert (cancelled.json()["status"], cancelled.json()["substatus"], cancelled.json()["refunded"]) == (
        2000,
        3,
        moved["paid"],
    )
    detail = http.get(f"{API}/orders/{order_id}", headers=admin).json()
    assert detail["history"][-1]["reason"] == "fraud" and detail["history"][-1]["actor"] == "admin-token:ops"
    problem(http.post(f"{API}/orders/999999/cancel", headers=admin), 404)

    sent = place(runtime, principal_of(shop), "A-2", {catalog[0]: 1})
    advance_order(runtime.db, order_id=sent, to=3, tracking_code="T", actor="t")
    body = {"orderId": sent, "items": [{"stockModelId": catalog[0], "quantity": 1, "reasonCode": 7}]}
    assert (
        http.post(
            "/restful/ghost/returnedgoods/request/new", json=body, auth=shop.auth, headers=JSON
        ).status_code
        == 200
    )
    [line] = http.get(f"{API}/returns", params={"order": sent}, headers=admin).json()["items"]
    assert (line["status"], line["reason"], line["order_key"]) == (0, "don't like it", "A-2")
    assert (
        problem(http.post(f"{API}/returns/{line['id']}/receive", json={}, headers=admin), 400)["field"]
        == "ok"
    )
    assert (
        problem(http.post(f"{API}/returns/{line['id']}/receive", json={"ok": True}, headers=admin), 409)[
            "current_status"
        ]
        == 0
    )
    authorised = http.post(f"{API}/returns/{line['id']}/authorize", headers=admin).json()
    assert (authorised["status"], authorised["paid_by"]) == (
        1,
        "customer",
    )  # "don't like it": the customer pays
    assert http.post(f"{API}/returns/{line['id']}/not-received", headers=admin).json()["status"] == 5
    assert http.post(f"{API}/returns/{line['id']}/complete", headers=admin).json()["status"] == 9
    assert http.get(f"{API}/returns/{line['id']}", headers=admin).json()["status_name"] == "COMPLETED"
    problem(http.post(f"{API}/returns/{line['id']}/refuse", headers=admin), 409)
    problem(http.get(f"{API}/returns/999999", headers=admin), 404)
    assert_books_balance(runtime)


def test_catalog_import_by_upload(http: TestClient, runtime: Runtime, admin: dict[str, str]) -> None:
    import gzip

    from stockgate.services.catalog_generate import generate_catalog
    from tests.support.catalog import teal

    records = list(generate_catalog(products=4, seed=21))
    document = teal(records)
    url = f"{API}/catalog/import"
    assert http.post(url, content=document).status_code == 401  # the token first, the upload after
    imported = http.post(url, content=document, headers={**admin, "Content-Type": "application/xml"})
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0, "errors": []}
    again = http.post(url, content=gzip.compress(document), headers=admin)  # sniffed: gzipped XML
    assert again.json()["unchanged"] == 4
    csv = "product_id;name;street_price;stock_id;availability\n7;Sciarpa;12,50;70;4\n"
    created = http.post(url, params={"format": "csv"}, content=csv, headers=admin)
    assert created.json()["created"] == 1, created.text
    assert http.post(url, content=csv, headers={**admin, "Content-Type": "text/csv"}).json()["unchanged"] == 1

    broken = document.replace(b"<id>", b"<id>x", 1)
    strict = http.post(url, params={"strict": "true"}, content=broken, headers=admin)
    assert "nothing was imported" in problem(strict, 400)["detail"]
    assert strict.json()["problems"]
    problem(http.post(url, content=b"", headers=admin), 400)
    problem(http.post(url, params={"format": "pdf"}, content=document, headers=admin), 400)
    assert_books_balance(runtime)

"""E3 reserve and E4 reservation status through the real app, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.check import check_invariants
from tests.conftest import AccountFactory, Shop

SOLD = "/restful/ghost/orders/sold"
LOCKED = "/restful/ghost/orders/dropshipping/locked"
JSON = {"Accept": "application/json", "Content-Type": "application/json"}


def ops(*operations: tuple[str, list[tuple[int, int]]]) -> dict[str, Any]:
    return {
        "operations": [
            {"type": t, "models": [{"stock_id": str(s), "quantity": str(q)} for s, q in models]}
            for t, models in operations
        ]
    }


def reserve(http: TestClient, shop: Shop, body: dict[str, Any]) -> Any:
    response = http.post(SOLD, json=body, auth=shop.auth, headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()


def test_order_id_is_zero_before_the_first_lock(http: TestClient, shop: Shop, stock: list[int]) -> None:
    response = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"})
    assert response.json() == {"models": [], "order_id": 0}


@pytest.mark.parametrize(
    ("accept", "media_type"), [("application/json", "application/json"), (None, "application/xml")]
)
def test_answers_carry_their_length_and_type_and_nothing_else(
    http: TestClient, shop: Shop, stock: list[int], accept: str | None, media_type: str
) -> None:
    # Ghost answers are made with their headers directly (http/ghost_call.py): exactly what Starlette's
    # Response would send, then the rate-limit headers and the middleware's request id.
    reserve(http, shop, ops(("lock", [(stock[0], 1)])))
    headers = {"Accept": accept} if accept else {}
    response = http.get(LOCKED, auth=shop.auth, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-length"] == str(len(response.content))
    assert sorted(response.headers) == [
        "content-length",
        "content-type",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-request-id",
    ]


def test_lock_is_clamped_to_availability(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, b, empty = stock
    body = reserve(http, shop, ops(("lock", [(a, 3), (b, 9), (empty, 1)])))
    assert body["order_id"] > 0
    assert body["models"] == [
        {"stock_id": a, "locked": 3, "available": 7},
        {"stock_id": b, "locked": 5, "available": 0},
        {"stock_id": empty, "locked": 0, "available": 0},  # named in the request, so present
    ]
    status = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()
    assert status == {"order_id": body["order_id"], "models": body["models"][:2]}


@pytest.mark.parametrize(
    ("operation", "mine", "quantity", "locked", "available"),
    [
        ("lock", 2, 3, 5, 5),
        ("lock", 2, 50, 10, 0),
        ("unlock", 4, 1, 3, 7),
        ("unlock", 4, 9, 0, 10),
        ("set", 4, 6, 6, 4),
        ("set", 4, 1, 1, 9),
        ("set", 4, 99, 10, 0),
        ("set", 4, 0, 0, 10),
        ("ensure", 4, 2, 4, 6),
        ("ensure", 4, 7, 7, 3),
        ("ensure", 4, 99, 10, 0),
    ],
)
def test_each_operation_clamps(
    http: TestClient,
    shop: Shop,
    stock: list[int],
    operation: str,
    mine: int,
    quantity: int,
    locked: int,
    available: int,
) -> None:
    sid = stock[0]  # on-hand 10
    reserve(http, shop, ops(("lock", [(sid, mine)])))
    body = reserve(http, shop, ops((operation, [(sid, quantity)])))
    assert body["models"] == ([{"stock_id": sid, "locked": locked, "available": available}])


def test_operations_apply_in_order_and_duplicates_sum(http: TestClient, shop: Shop, stock: list[int]) -> None:
    sid = stock[0]
    body = reserve(
        http, shop, ops(("lock", [(sid, 2), (sid, 3)]), ("unlock", [(sid, 1)]), ("ensure", [(sid, 2)]))
    )
    assert body["models"] == [{"stock_id": sid, "locked": 4, "available": 6}]


def test_other_accounts_see_less_available(
    http: TestClient, make_account: AccountFactory, stock: list[int]
) -> None:
    first, second = make_account(), make_account()
    sid = stock[1]  # on-hand 5
    reserve(http, first, ops(("lock", [(sid, 4)])))
    body = reserve(http, second, ops(("lock", [(sid, 4)])))
    assert body["models"] == [{"stock_id": sid, "locked": 1, "available": 0}]
    mine = http.get(LOCKED, auth=first.auth, headers={"Accept": "application/json"}).json()
    assert mine["models"] == [{"stock_id": sid, "locked": 4, "available": 0}]


def test_unknown_stock_id_rejects_everything(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    response = http.post(SOLD, json=ops(("lock", [(stock[0], 1), (999999, 1)])), auth=shop.auth, headers=JSON)
    assert response.status_code == 400
    assert response.text == "stock_id 999999 does not exist"
    assert response.headers["content-type"].startswith("text/plain")
    assert http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()["models"] == []
    assert check_invariants(runtime.db) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"operations": [{"type": "grab", "models": []}]}, "unknown operation type 'grab'"),
        (
            {"operations": [{"type": "lock", "models": [{"stock_id": "{sid}", "quantity": "-1"}]}]},
            "must not be negative",
        ),
        (
            {"operations": [{"type": "lock", "models": [{"stock_id": "{sid}", "quantity": "x"}]}]},
            "is not an integer",
        ),
        ({"operations": [{"type": "lock", "models": [{"stock_id": "{sid}"}]}]}, "quantity is required"),
        ({"operations": [{"models": [{"stock_id": "{sid}", "quantity": "1"}]}]}, "operation without a type"),
        ({"operations": "lock"}, "operations must be a list"),
    ],
)
def test_invalid_operations_are_400(
    http: TestClient, shop: Shop, stock: list[int], body: dict[str, Any], message: str
) -> None:
    raw = str(body).replace("'", '"').replace("{sid}", str(stock[0]))
    response = http.post(SOLD, content=raw, auth=shop.auth, headers=JSON)
    assert response.status_code == 400
    assert message in response.text
    assert http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()["models"] == []


def test_empty_operations_change_nothing(http: TestClient, shop: Shop, stock: list[int]) -> None:
    assert reserve(http, shop, {"operations": []}) == {"models": [], "order_id": 0}
    assert reserve(http, shop, {"operations": [{"type": "lock", "models": []}]}) == {
        "models": [],
        "order_id": 0,
    }


def test_xml_spec_example(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, b, _ = stock
    body = (
        f'<root><operation type="lock"><model stock_id="{a}" quantity="3"/></operation>'
        f'<operation type="unlock"><model stock_id="{a}" quantity="1"/></operation>'
        f'<operation type="set"/><operation type="ensure"><model stock_id="{b}" quantity="2"/></operation></root>'
    )
    response = http.post(SOLD, content=body, auth=shop.auth, headers={"Content-Type": "application/xml"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    order_id = response.text.split('order_id="')[1].split('"')[0]
    assert response.text == (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<root order_id="{order_id}"><model stock_id="{a}" locked="2" available="8"/>'
        f'<model stock_id="{b}" locked="2" available="3"/></root>'
    )


def test_xml_as_plugins_send_it(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a = stock[0]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<root>\n  <client>woo</client>\n'
        f"  <operation><type> lock </type><model><quantity> 2 </quantity><stock_id>{a}</stock_id>"
        "<note>x</note></model></operation>\n</root>"
    )
    response = http.post(
        SOLD, content=body, auth=shop.auth, headers={"Content-Type": "text/xml; charset=UTF-8"}
    )
    assert response.status_code == 200, response.text
    assert f'<model stock_id="{a}" locked="2" available="8"/>' in response.text


def test_invariants_hold_after_a_mix(
    http: TestClient, make_account: AccountFactory, stock: list[int], runtime: Runtime
) -> None:
    shops = [make_account(), make_account()]
    for n, s in enumerate(shops):
        reserve(http, s, ops(("lock", [(stock[0], 4 + n), (stock[1], 3)]), ("unlock", [(stock[0], 1)])))
    assert check_invariants(runtime.db) == []

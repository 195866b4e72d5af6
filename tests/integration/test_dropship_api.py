"""E6 dropshipping orders and E7/E8 status through the real app, on both databases."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.accounts import find_account
from stockgate.services.check import check_invariants
from tests.conftest import AccountFactory, Shop
from tests.support.orders import (
    DROPSHIP,
    JSON,
    LOCKED,
    STATUS_BY_ID,
    STATUS_BY_KEY,
    XML,
    lock_over_http,
    plugin_xml,
    seed_json,
    seed_xml,
)


def status(http: TestClient, shop: Shop, key: str) -> dict[str, object]:
    response = http.get(STATUS_BY_KEY.format(key), auth=shop.auth, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    orders = response.json()["orders"]
    assert len(orders) == 1
    return dict(orders[0])


def test_seed_json_example_takes_lock_first_then_free_stock(
    http: TestClient, make_account: AccountFactory, stock: list[int], runtime: Runtime
) -> None:
    shop = make_account(ecredit="1000")
    a, b, _ = stock
    lock_over_http(http, shop, a, 3)
    lock_over_http(http, shop, b, 2)
    response = http.post(DROPSHIP, json=seed_json("2357", [(a, 5)]), auth=shop.auth, headers=JSON)
    assert response.status_code == 200, response.text
    body = response.json()
    # 3 from the lock + 2 from free stock; the lock on `a` is gone, the one on `b` remains.
    assert body["models"] == [{"stock_id": b, "locked": 2, "available": 3}]
    order = status(http, shop, "2357")
    assert order["order_id"] == body["order_id"]
    assert order["ext_ref"] == "2357"
    assert order["status"] == 2 and order["substatus"] == 1  # paid with e-credit
    assert check_invariants(runtime.db) == []


def test_seed_xml_example_answers_in_xml(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, b, _ = stock
    response = http.post(DROPSHIP, content=seed_xml("2345", [(a, 10), (b, 15)]), auth=shop.auth, headers=XML)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    match = re.fullmatch(
        r'<\?xml version="1.0" encoding="UTF-8" standalone="yes"\?>\n<root order_id="(\d+)"></root>',
        response.text,
    )
    assert match, response.text
    order = status(http, shop, "2345")
    assert order["order_id"] == int(match.group(1))


def test_plugin_shaped_xml_is_accepted(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    a, b, _ = stock
    response = http.post(
        DROPSHIP,
        content=plugin_xml("WC-77", [(a, 1), (b, 1), (a, 1)]),
        auth=shop.auth,
        headers={"Content-Type": "text/xml"},
    )
    assert response.status_code == 200, response.text
    order = status(http, shop, "WC-77")
    assert order["status"] == 5  # no e-credit, no auto-confirm: booked
    assert check_invariants(runtime.db) == []


def test_clamping_drops_lines_that_get_nothing(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    a, _, empty = stock
    response = http.post(DROPSHIP, json=seed_json("k1", [(a, 50), (empty, 3)]), auth=shop.auth, headers=JSON)
    assert response.status_code == 200
    detail = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()
    assert detail["models"] == []
    from stockgate.services.supplier_orders import show_order

    order = show_order(runtime.db, order_id=response.json()["order_id"])
    assert [(line.stock_id, line.quantity) for line in order.lines] == [(a, 10)]


def test_order_with_nothing_available_is_429_and_changes_nothing(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    empty = stock[2]
    response = http.post(DROPSHIP, json=seed_json("k2", [(empty, 1)]), auth=shop.auth, headers=JSON)
    assert response.status_code == 429
    assert response.text == "no item of order k2 is available"
    assert http.get(STATUS_BY_KEY.format("k2"), auth=shop.auth).status_code == 404


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda o: o.pop("key"), "key is required"),
        (lambda o: o.pop("date"), "date is required"),
        (lambda o: o.update(date="31/01/2017 23:59"), "is not in the format"),
        (lambda o: o.update(date="2017/02/30 10:00:00 +0000"), "is not a valid date"),
        (lambda o: o["recipient_details"]["address"].update(countrycode="XX"), "is not an ISO 3166-1"),
        (lambda o: o["recipient_details"]["address"].pop("zip"), "zip is required"),
        (lambda o: o["recipient_details"].pop("recipient"), "recipient is required"),
        (lambda o: o.update(item_list=[]), "has no item"),
        (lambda o: o["item_list"][0].update(quantity="0"), "must be positive"),
        (lambda o: o["item_list"][0].update(quantity="1.5"), "is not an integer"),
        (lambda o: o["item_list"][0].update(stock_id="999999"), "stock_id 999999 does not exist"),
        (lambda o: o.update(autoConfirm="perhaps"), "is not a boolean"),
    ],
)
def test_every_body_error_is_429_and_changes_nothing(
    http: TestClient,
    make_account: AccountFactory,
    stock: list[int],
    runtime: Runtime,
    mutate: object,
    message: str,
) -> None:
    shop = make_account(ecredit="1000")
    a = stock[0]
    lock_over_http(http, shop, a, 2)
    body = seed_json("bad", [(a, 3)])
    mutate(body["order_list"][0])  # type: ignore[operator]
    response = http.post(DROPSHIP, json=body, auth=shop.auth, headers=JSON)
    assert response.status_code == 429
    assert message in response.text
    assert http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()["models"] == [
        {"stock_id": a, "locked": 2, "available": 8}
    ]
    assert find_account(runtime.db, email=shop.email).ecredit == Decimal("1000.00")
    assert check_invariants(runtime.db) == []


def test_malformed_bodies_are_429(http: TestClient, shop: Shop, stock: list[int]) -> None:
    for content, headers in [
        ("<root><order_list>", XML),
        ("{not json", JSON),
        ("", JSON),
        ("hello", {"Content-Type": "text/plain"}),
    ]:
        response = http.post(DROPSHIP, content=content, auth=shop.auth, headers=headers)
        assert response.status_code == 429, (content, response.text)


def test_same_key_answers_with_the_first_order(
    http: TestClient, shop: Shop, stock: list[int], runtime: Runtime
) -> None:
    a, b, _ = stock
    first = http.post(DROPSHIP, json=seed_json("dup", [(a, 1)]), auth=shop.auth, headers=JSON).json()
    again = http.post(DROPSHIP, json=seed_json("dup", [(b, 4)]), auth=shop.auth, headers=JSON)
    assert again.status_code == 200
    assert again.json()["order_id"] == first["order_id"]
    set_after = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()
    assert set_after["models"] == []
    from stockgate.services.supplier_orders import list_orders

    assert len(list_orders(runtime.db)) == 1


def test_several_orders_in_one_request(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, b, _ = stock
    body = seed_json("m1", [(a, 1)])
    body["order_list"].append(seed_json("m2", [(b, 1)])["order_list"][0])
    response = http.post(DROPSHIP, json=body, auth=shop.auth, headers=JSON)
    assert response.status_code == 200
    ids = response.json()["order_ids"]
    assert len(ids) == 2 and response.json()["order_id"] == ids[-1]
    assert status(http, shop, "m1")["order_id"] == ids[0]


def test_several_orders_are_atomic(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a, _, empty = stock
    body = seed_json("ok1", [(a, 1)])
    body["order_list"].append(seed_json("bad2", [(empty, 1)])["order_list"][0])
    assert http.post(DROPSHIP, json=body, auth=shop.auth, headers=JSON).status_code == 429
    assert http.get(STATUS_BY_KEY.format("ok1"), auth=shop.auth).status_code == 404


def test_path_id_must_be_zero_or_my_reservation(http: TestClient, shop: Shop, stock: list[int]) -> None:
    a = stock[0]
    lock_over_http(http, shop, a, 1)
    reservation_id = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()[
        "order_id"
    ]
    ok = http.post(
        f"/restful/ghost/orders/{reservation_id}/dropshipping/",
        json=seed_json("p1", [(a, 1)]),
        auth=shop.auth,
        headers=JSON,
    )
    assert ok.status_code == 200
    wrong = http.post(
        f"/restful/ghost/orders/{reservation_id + 999}/dropshipping",
        json=seed_json("p2", [(a, 1)]),
        auth=shop.auth,
        headers=JSON,
    )
    assert wrong.status_code == 404


def test_status_by_id_in_both_formats(http: TestClient, shop: Shop, stock: list[int]) -> None:
    order_id = http.post(
        DROPSHIP, json=seed_json("s1", [(stock[0], 1)]), auth=shop.auth, headers=JSON
    ).json()["order_id"]
    as_json = http.get(
        STATUS_BY_ID.format(order_id), auth=shop.auth, headers={"Accept": "application/json"}
    ).json()
    order = as_json["orders"][0]
    assert list(order) == [
        "order_id",
        "ext_ref",
        "status",
        "substatus",
        "last_update",
        "parsedDate",
        "tracking_code",
        "tracking_url",
        "carrier_name",
    ]
    assert re.fullmatch(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \+0000", order["last_update"])
    assert isinstance(order["parsedDate"], int)
    assert order["tracking_code"] is None and order["carrier_name"] is None
    as_xml = http.get(
        STATUS_BY_ID.format(order_id), auth=shop.auth, headers={"Accept": "application/xml"}
    ).text
    assert as_xml.startswith(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<root><order_list><order>'
    )
    assert f"<order_id>{order_id}</order_id><ext_ref>s1</ext_ref><status>5</status><substatus/>" in as_xml
    assert "<tracking_code/><tracking_url/><carrier_name/></order></order_list></root>" in as_xml
    parsed = re.search(r"<parsedDate>([^<]+)</parsedDate>", as_xml)
    assert parsed and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", parsed.group(1))


def test_other_accounts_orders_are_not_found(
    http: TestClient, make_account: AccountFactory, stock: list[int]
) -> None:
    owner, other = make_account(), make_account()
    order_id = http.post(
        DROPSHIP, json=seed_json("mine", [(stock[0], 1)]), auth=owner.auth, headers=JSON
    ).json()["order_id"]
    assert http.get(STATUS_BY_ID.format(order_id), auth=other.auth).status_code == 404
    assert http.get(STATUS_BY_KEY.format("mine"), auth=other.auth).status_code == 404
    assert http.get(STATUS_BY_ID.format("abc"), auth=owner.auth).status_code == 404
    # The other account may reuse the key: keys are unique per account.
    assert (
        http.post(
            DROPSHIP, json=seed_json("mine", [(stock[0], 1)]), auth=other.auth, headers=JSON
        ).status_code
        == 200
    )

"""Which changes become webhook events, for whom, in the transaction of the change (both databases)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import event
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime, create_app
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.supplier_stock import release_reservation, set_stock
from stockgate.services.webhooks import list_deliveries, remove_endpoint, update_endpoint
from tests.conftest import AccountFactory
from tests.support.orders import DROPSHIP, JSON, LOCKED, lock_over_http, seed_json
from tests.support.webhook_receiver import Receiver, receiving
from tests.support.webhooks import deliverer, e8, hook, place


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def delivered_types(runtime: Runtime, receiver: Receiver) -> list[str]:
    with deliverer(runtime) as worker:
        worker.drain()
    return [r.json["type"] for r in receiver.delivered()]


def test_a_refused_order_tells_nobody(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    hook(runtime, shop, receiver)
    response = http.post(DROPSHIP, json=seed_json("EMPTY", [(stock[2], 1)]), auth=shop.auth, headers=JSON)
    assert response.status_code != 200  # nothing available: the transaction rolls back, events too
    assert list_deliveries(runtime.db) == []
    assert delivered_types(runtime, receiver) == []


def test_a_booked_order_is_created_but_not_confirmed(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop = make_account()  # no e-credit, no auto-confirm: the order stays booked (5)
    hook(runtime, shop, receiver)
    place(http, shop, "BOOKED-1", [(stock[0], 1)])
    assert delivered_types(runtime, receiver) == ["order.created"]
    [created] = receiver.delivered()
    assert created.json["data"]["order"] == e8(http, shop, "BOOKED-1")
    assert created.json["data"]["order"]["status"] == 5
    assert created.json["data"]["status_name"] == "BOOKED"


def test_endpoints_get_only_their_event_types_and_only_their_account_s(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop, other = make_account(ecredit="1000"), make_account(ecredit="1000")
    hook(runtime, shop, receiver, events="order.confirmed")
    place(http, shop, "MINE", [(stock[0], 1)])
    place(http, other, "THEIRS", [(stock[0], 1)])  # no endpoint: no outbox row at all
    assert delivered_types(runtime, receiver) == ["order.confirmed"]
    assert [x.account_email for x in list_deliveries(runtime.db)] == [shop.email]


def test_a_disabled_endpoint_gets_nothing_new_and_its_queue_waits(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    endpoint = hook(runtime, shop, receiver).endpoint
    place(http, shop, "QUEUED", [(stock[0], 1)])
    update_endpoint(runtime.db, endpoint_id=endpoint.id, enabled=False)
    place(http, shop, "WHILE-OFF", [(stock[0], 1)])
    assert delivered_types(runtime, receiver) == []
    assert len(list_deliveries(runtime.db, state="pending")) == 2  # the first order's two, waiting
    update_endpoint(runtime.db, endpoint_id=endpoint.id, enabled=True)
    assert delivered_types(runtime, receiver) == ["order.created", "order.confirmed"]
    assert {r.json["data"]["order"]["ext_ref"] for r in receiver.delivered()} == {"QUEUED"}


def test_a_release_by_the_supplier_is_told_to_the_shop(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop = make_account()
    hook(runtime, shop, receiver)
    lock_over_http(http, shop, stock[0], 3)
    lock_over_http(http, shop, stock[1], 2)
    assert release_reservation(runtime.db, email=shop.email, actor="supplier:cli") == 5
    assert release_reservation(runtime.db, email=shop.email, actor="supplier:cli") == 0  # nothing: no event
    assert delivered_types(runtime, receiver) == ["reservation.released"]
    data = receiver.delivered()[0].json["data"]
    reservation = http.get(LOCKED, auth=shop.auth, headers={"Accept": "application/json"}).json()
    assert data["reservation_id"] == reservation["order_id"] > 0
    assert data["released"] == [
        {"stock_id": stock[0], "quantity": 3},
        {"stock_id": stock[1], "quantity": 2},
    ]
    assert data["reason"] == "released by the supplier"


def test_sold_out_goes_to_opted_in_endpoints_of_accounts_that_hold_or_ordered_the_model(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    holder, buyer, stranger, taker = (make_account(ecredit="1000") for _ in range(4))
    plain = hook(runtime, holder, receiver).endpoint  # default events: no sold-out
    watching = hook(runtime, holder, receiver, events="model.sold_out").endpoint
    buyer_hook = hook(runtime, buyer, receiver, events="*,model.sold_out").endpoint
    hook(runtime, stranger, receiver, events="model.sold_out")
    a, b, _ = stock
    lock_over_http(http, holder, a, 2)
    place(http, buyer, "B-1", [(a, 1)])
    lock_over_http(http, taker, a, 6)  # 10 - 2 - 1 - 6 = 1 left
    with deliverer(runtime) as worker:
        worker.drain()
    receiver.received.clear()
    lock_over_http(http, taker, a, 5)  # clamped to the last unit: availability reaches zero
    lock_over_http(http, taker, a, 1)  # already zero: no second event
    set_stock(runtime.db, stock_id=b, quantity=0, actor="test")  # nobody holds or ordered b
    with deliverer(runtime) as worker:
        worker.drain()
    sold_out = [r for r in receiver.delivered() if r.json["type"] == "model.sold_out"]
    by_endpoint = {
        x.endpoint_id: x.event_id
        for x in list_deliveries(runtime.db, state="delivered")
        if x.event_type == "model.sold_out"
    }
    assert set(by_endpoint) == {watching.id, buyer_hook.id}
    assert plain.id not in by_endpoint
    assert len(sold_out) == 2
    data = {r.json["id"]: r.json["data"] for r in sold_out}
    assert data[by_endpoint[watching.id]] == {"stock_id": a, "available": 0, "locked_by_you": 2}
    assert data[by_endpoint[buyer_hook.id]] == {"stock_id": a, "available": 0, "locked_by_you": 0}


def test_the_supplier_emptying_a_model_tells_its_holders(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    holder = make_account()
    hook(runtime, holder, receiver, events="model.sold_out")
    lock_over_http(http, holder, stock[1], 2)
    set_stock(runtime.db, stock_id=stock[1], quantity=3, actor="test")  # 1 free: nothing yet
    set_stock(runtime.db, stock_id=stock[1], quantity=2, actor="test")  # 0 free
    set_stock(runtime.db, stock_id=stock[1], quantity=2, actor="test")  # unchanged
    assert delivered_types(runtime, receiver) == ["model.sold_out"]


def test_serve_delivers_in_the_background(
    runtime: Runtime, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    config = dataclasses.replace(runtime.config, webhook_worker=True, webhooks_allow_private=True)
    shop = make_account(ecredit="1000")
    hook(runtime, shop, receiver)
    with TestClient(create_app(config, runtime)) as http:
        place(http, shop, "BG-1", [(stock[0], 1)])  # answered before any delivery is attempted
        got = receiver.wait_for(2)
        assert [r.json["type"] for r in got] == ["order.created", "order.confirmed"]
        assert got[1].json["data"]["order"] == e8(http, shop, "BG-1")


def test_accounts_that_want_nothing_pay_no_webhook_query(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if re.search(r"webhook_(endpoints|deliveries)|(?<!accounts\.)webhook_events", statement):
            seen.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", note)
    try:
        place(http, shop, "Q-1", [(stock[0], 1)])  # no endpoint
        endpoint = hook(runtime, shop, receiver, events="order.dispatched").endpoint
        seen.clear()
        place(http, shop, "Q-2", [(stock[0], 1)])  # an endpoint, but not for these events
        assert seen == []
        update_endpoint(runtime.db, endpoint_id=endpoint.id, events=["order.created"])
        seen.clear()
        place(http, shop, "Q-3", [(stock[0], 1)])
        assert len(seen) == 3  # which endpoints, the event, its delivery
        remove_endpoint(runtime.db, endpoint_id=endpoint.id)
        seen.clear()
        place(http, shop, "Q-4", [(stock[0], 1)])
        assert seen == []
    finally:
        event.remove(runtime.engine, "before_cursor_execute", note)
    assert delivered_types(runtime, receiver) == []  # the endpoint is gone, its queue with it


def test_a_catalog_import_emptying_a_model_tells_its_holders(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, stock: list[int], receiver: Receiver
) -> None:
    holder = make_account()
    hook(runtime, holder, receiver, events="model.sold_out")
    a = stock[0]
    lock_over_http(http, holder, a, 2)
    records = [r for r in generate_catalog(products=10, seed=7) if any(m.id == a for m in r.models)]
    for record in records:
        for model in record.models:
            model.availability = 2 if model.id == a else model.availability
    import_products(runtime.db, records=records, actor="feed")  # 10 on hand -> 2, both locked: none free
    import_products(runtime.db, records=records, actor="feed")  # unchanged: nothing new to tell
    assert delivered_types(runtime, receiver) == ["model.sold_out"]
    assert receiver.delivered()[0].json["data"] == {"stock_id": a, "available": 0, "locked_by_you": 2}

"""The life of an order and its return as a shop's webhook endpoint hears it: each event, delivered
after each step, says exactly what E8 (orders) and E11 (returns) answer at that moment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.return_workflow import authorize_return, list_returns, receive_return, refund_return
from stockgate.services.status_push import StatusPush, push_order_status
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import JSON
from tests.support.webhook_receiver import Receiver, receiving
from tests.support.webhooks import deliverer, e8, hook, place

RETURN_NEW = "/restful/ghost/returnedgoods/request/new"
RETURNS_BY_ID = "/restful/ghost/returnedgoods/serverkey/{}"
SUPPLIER = "supplier:test"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


class Heard:
    """Delivers what is due and answers the events the receiver got since the last look."""

    def __init__(self, runtime: Runtime, receiver: Receiver) -> None:
        self.runtime, self.receiver, self.seen = runtime, receiver, 0

    def new(self) -> list[dict[str, Any]]:
        with deliverer(self.runtime) as worker:
            worker.drain()
        got = self.receiver.delivered()[self.seen :]
        self.seen += len(got)
        return [r.json for r in got]


def e11(http: TestClient, shop: Shop, order_id: int) -> list[dict[str, Any]]:
    response = http.get(RETURNS_BY_ID.format(order_id), auth=shop.auth, headers=JSON)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_every_step_is_pushed_and_agrees_with_polling(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    sid = catalog[0]
    set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    shop = make_account(ecredit="500.00")
    hook(runtime, shop, receiver)
    heard = Heard(runtime, receiver)
    order_id = place(http, shop, "LIFE-1", [(sid, 2)], autoConfirm="false")  # booked (5)
    assert [(e["type"], e["data"]["order"]["status"]) for e in heard.new()] == [("order.created", 5)]

    for to, expected in ((2, "order.confirmed"), (3001, "order.working_on"), (3002, "order.ready")):
        advance_order(runtime.db, order_id=order_id, to=to, actor=SUPPLIER)
        [event] = heard.new()
        assert event["type"] == expected
        assert event["data"]["order"] == e8(http, shop, "LIFE-1")
        assert event["data"]["order"]["status"] == to and event["data"]["order"]["tracking_code"] is None
    advance_order(
        runtime.db,
        order_id=order_id,
        to=3,
        tracking_code="1Z999AA1",
        tracking_url="https://ups.example/1Z999AA1",
        actor=SUPPLIER,
    )
    [dispatched] = heard.new()
    assert dispatched["type"] == "order.dispatched"
    assert dispatched["data"]["previous_status"] == 3002
    assert dispatched["data"]["order"] == e8(http, shop, "LIFE-1")
    tracking = {k: dispatched["data"]["order"][k] for k in ("tracking_code", "tracking_url", "carrier_name")}
    assert tracking == {
        "tracking_code": "1Z999AA1",
        "tracking_url": "https://ups.example/1Z999AA1",
        "carrier_name": "UPS",
    }

    # The warehouse tool corrects the tracking: E8 changes, and so the shop is told.
    push_order_status(
        runtime.db, push=StatusPush(order_id=order_id, tracking_code="1Z999AA2"), actor=SUPPLIER
    )
    [updated] = heard.new()
    assert (updated["type"], updated["data"]["changed"]) == ("order.updated", ["tracking"])
    assert updated["data"]["order"] == e8(http, shop, "LIFE-1")
    assert updated["data"]["order"]["tracking_code"] == "1Z999AA2"

    # Two units come back: one event for the request, then one per line and step.
    request = {"orderId": order_id, "items": [{"stockModelId": sid, "quantity": 2, "reasonCode": 2}]}
    assert http.post(RETURN_NEW, json=request, auth=shop.auth, headers=JSON).status_code == 200
    [requested] = heard.new()
    assert requested["type"] == "return.status_changed"
    assert requested["data"]["orderId"] == order_id and requested["data"]["ext_ref"] == "LIFE-1"
    assert [(i["status"], i["status_name"]) for i in requested["data"]["items"]] == [(0, "PENDING")] * 2
    assert_same_items(requested["data"]["items"], e11(http, shop, order_id))
    first, _second = (line.id for line in list_returns(runtime.db, order_id=order_id))

    authorize_return(runtime.db, return_id=first, paid_by="supplier", actor=SUPPLIER)
    receive_return(runtime.db, return_id=first, ok=True, actor=SUPPLIER)
    refund_return(runtime.db, return_id=first, actor=SUPPLIER)
    steps = heard.new()
    assert [e["type"] for e in steps] == ["return.status_changed"] * 3
    assert [[(i["id"], i["status"], i["refundStatus"]) for i in e["data"]["items"]] for e in steps] == [
        [(first, 2, 0)],
        [(first, 3, 0)],
        [(first, 9, 1)],
    ]
    code = steps[0]["data"]["items"][0]["returnCode"]
    assert code and steps[0]["data"]["items"][0]["pdfPath"] == f"/restful/returnedgoods/print/{code}.pdf"
    polled = {i["status"]: i for i in e11(http, shop, order_id)}
    assert_same_items(steps[-1]["data"]["items"], [polled[9]])


def assert_same_items(pushed: list[dict[str, Any]], polled: list[dict[str, Any]]) -> None:
    """Pushed return items are E11's, with the line id and the manifest's path instead of its URL."""
    assert len(pushed) == len(polled)
    for mine, theirs in zip(pushed, polled, strict=True):
        assert {k: v for k, v in mine.items() if k not in ("id", "pdfPath", "status_name")} == {
            k: v for k, v in theirs.items() if k != "pdfLink"
        }
        assert (theirs["pdfLink"] or "").endswith(mine["pdfPath"] or "")


def test_cancelling_and_rejecting_are_pushed_with_the_reason(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    sid = catalog[0]
    set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    shop = make_account(ecredit="500.00")
    hook(runtime, shop, receiver, events="order.cancelled,order.updated")
    heard = Heard(runtime, receiver)
    cancelled = place(http, shop, "C-1", [(sid, 1)])
    rejected = place(http, shop, "C-2", [(sid, 1)])
    blocked = place(http, shop, "C-3", [(sid, 1)])
    cancel_order(runtime.db, order_id=cancelled, reason="customer changed mind", actor=SUPPLIER)
    cancel_order(runtime.db, order_id=rejected, reject=True, actor=SUPPLIER)
    push_order_status(runtime.db, push=StatusPush(order_id=blocked, substatus=5), actor=SUPPLIER)
    # Different orders: delivered side by side, in no particular order.
    by_key = {e["data"]["order"]["ext_ref"]: e for e in heard.new()}
    one, two, three = by_key.pop("C-1"), by_key.pop("C-2"), by_key.pop("C-3")
    assert by_key == {}
    assert (one["type"], one["data"]["reason"], one["data"]["rejected"]) == (
        "order.cancelled",
        "customer changed mind",
        False,
    )
    assert one["data"]["order"] == e8(http, shop, "C-1") and one["data"]["previous_status"] == 2
    assert (two["type"], two["data"]["rejected"]) == ("order.cancelled", True)
    assert two["data"]["order"] == e8(http, shop, "C-2")
    assert two["data"]["order"]["substatus"] != one["data"]["order"]["substatus"]
    assert (three["type"], three["data"]["changed"]) == ("order.updated", ["substatus"])
    assert three["data"]["order"] == e8(http, shop, "C-3") and three["data"]["order"]["substatus"] == 5

"""Webhook delivery to a real receiver on loopback, on both databases: signatures, E8 agreement,
back-off, giving up and redelivery, restarts, crashed workers, racing workers, order per order."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.webhooks import RetryPolicy
from stockgate.services.outbox import Notice, publish
from stockgate.services.supplier_stock import set_stock
from stockgate.services.webhooks import list_deliveries, ping_endpoint, redeliver
from stockgate_client import verify_signature
from tests.conftest import AccountFactory
from tests.support.webhook_receiver import Answer, Receiver, receiving
from tests.support.webhooks import SIGNATURE, Clock, deliverer, e8, hook, place


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


@pytest.fixture
def catalog(runtime: Runtime, catalog: list[int]) -> list[int]:
    """The shared catalog with ten units of each of its first three models."""
    for sid in catalog[:3]:
        set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    return catalog[:3]


def test_order_events_arrive_signed_in_order_and_agree_with_e8(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    endpoint = hook(runtime, shop, receiver)
    order_id = place(http, shop, "WEB-1", [(catalog[0], 1), (catalog[1], 2)])
    with deliverer(runtime) as worker:
        done = worker.drain()
        assert (done.claimed, done.delivered) == (2, 2)
        assert worker.drain().claimed == 0  # delivered once, never again
    created, confirmed = receiver.delivered()
    for request in (created, confirmed):
        verify_signature(request.body, request.headers[SIGNATURE], endpoint.secret)
        assert request.headers["X-Stockgate-Event-Id"] == request.json["id"]
        assert request.headers["X-Stockgate-Event-Type"] == request.json["type"]
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["X-Stockgate-Attempt"] == "1"
        assert request.path == "/hooks"
    assert [created.json["type"], confirmed.json["type"]] == ["order.created", "order.confirmed"]
    assert created.json["id"] != confirmed.json["id"]
    polled = e8(http, shop, "WEB-1")
    assert confirmed.json["data"]["order"] == polled  # the pushed order is the polled order
    assert created.json["data"]["order"] == polled  # confirmed on creation: one status
    assert polled["order_id"] == order_id and polled["status"] == 2 and polled["substatus"] == 1
    assert confirmed.json["data"]["status_name"] == "TO DISPATCH"
    data = created.json["data"]
    assert data["kind"] == "dropship"
    assert [(line["stock_id"], line["quantity"]) for line in data["lines"]] == [
        (catalog[0], 1),
        (catalog[1], 2),
    ]
    assert data["total"] == e8_total(runtime, order_id)
    rows = list_deliveries(runtime.db, endpoint_id=endpoint.endpoint.id)
    assert [(x.state, x.attempts, x.last_status) for x in rows] == [("delivered", 1, 200)] * 2


def e8_total(runtime: Runtime, order_id: int) -> str:
    from stockgate.services.supplier_orders import show_order

    return f"{show_order(runtime.db, order_id=order_id).fields['total']:.2f}"


def test_failures_back_off_then_deliver_the_same_bytes(
    runtime: Runtime, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver)
    policy = RetryPolicy(base=timedelta(minutes=1), cap=timedelta(minutes=10))
    receiver.answer(Answer(500, body=b"database on fire"), 503)
    event_id = ping_endpoint(runtime.db, endpoint_id=endpoint.endpoint.id)
    clock = Clock()
    with deliverer(runtime, clock=clock, policy=policy) as worker:
        assert worker.drain().retrying == 1
        [row] = list_deliveries(runtime.db, event_id=event_id)
        assert (row.state, row.attempts, row.last_status) == ("pending", 1, 500)
        assert row.last_error == "HTTP 500: database on fire"
        assert clock.now + timedelta(seconds=30) <= row.next_attempt_at <= clock.now + timedelta(minutes=1)
        assert worker.drain().claimed == 0  # not due yet
        clock.advance(minutes=1)
        assert worker.drain().retrying == 1
        [row] = list_deliveries(runtime.db, event_id=event_id)
        assert (row.attempts, row.last_status, row.last_error) == (2, 503, "HTTP 503: ok")
        assert row.next_attempt_at >= clock.now + timedelta(minutes=1)  # doubled
        clock.advance(minutes=2)
        assert worker.drain().delivered == 1
    [row] = list_deliveries(runtime.db, event_id=event_id)
    assert (row.state, row.attempts, row.last_status, row.last_error) == ("delivered", 3, 200, None)
    requests = receiver.received
    assert [r.answered for r in requests] == [500, 503, 200]
    assert [r.headers["X-Stockgate-Attempt"] for r in requests] == ["1", "2", "3"]
    assert len({r.body for r in requests}) == 1 and requests[0].event_id == event_id
    for r in requests:  # each attempt signed afresh, with its own timestamp
        verify_signature(r.body, r.headers[SIGNATURE], endpoint.secret, tolerance=None)
    assert requests[0].headers[SIGNATURE] != requests[2].headers[SIGNATURE]


def test_gives_up_after_a_day_then_redelivers_on_demand(
    runtime: Runtime, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver)
    policy = RetryPolicy(base=timedelta(hours=1), cap=timedelta(hours=4), window=timedelta(hours=24))
    receiver.decide = lambda _body: Answer(502)
    event_id = ping_endpoint(runtime.db, endpoint_id=endpoint.endpoint.id)
    clock = Clock()
    with deliverer(runtime, clock=clock, policy=policy) as worker:
        worker.drain()
        start_at = clock.now
        while list_deliveries(runtime.db, event_id=event_id)[0].state == "pending":
            assert clock.now - start_at < timedelta(hours=30), "never gave up"
            clock.advance(hours=4)
            worker.drain()
        [row] = list_deliveries(runtime.db, event_id=event_id)
        assert row.state == "failed" and row.last_error == "HTTP 502: ok" and row.last_status == 502
        assert row.last_attempt_at is not None and row.first_attempt_at is not None
        assert row.last_attempt_at - row.first_attempt_at >= timedelta(hours=24)
        assert row.attempts == len(receiver.received) >= 6
        clock.advance(hours=100)
        assert worker.drain().claimed == 0  # failed stays failed
        assert [x.id for x in list_deliveries(runtime.db, state="failed")] == [row.id]
        receiver.decide = None
        assert redeliver(runtime.db, state="failed", endpoint_id=endpoint.endpoint.id) == 1
        assert worker.drain().delivered == 1
    [row] = list_deliveries(runtime.db, event_id=event_id)
    assert (row.state, row.last_error) == ("delivered", None)
    assert receiver.delivered()[0].event_id == event_id


def test_nothing_is_lost_when_the_shop_and_stockgate_restart(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    endpoint = hook(runtime, shop, receiver)
    receiver.stop()  # the shop's server is down
    place(http, shop, "WEB-2", [(catalog[0], 1)])
    clock = Clock()
    with deliverer(runtime, clock=clock) as worker:
        assert worker.drain().retrying == 1  # the first event; the second waits behind it
    [_confirmed, created] = list_deliveries(runtime.db, endpoint_id=endpoint.endpoint.id)
    assert created.state == "pending" and created.attempts == 1 and created.last_status is None
    assert created.last_error and "ConnectError" in created.last_error
    runtime.close()  # stockgate stops; only the database remembers
    receiver.start()  # the shop is back, on the same port
    again = start(Config(database_url=runtime.config.database_url), migrate=False)
    try:
        clock.advance(minutes=5)
        with deliverer(again, clock=clock) as worker:
            assert worker.drain().delivered == 2
        types = [r.json["type"] for r in receiver.delivered()]
        assert types == ["order.created", "order.confirmed"]
        assert {x.state for x in list_deliveries(again.db)} == {"delivered"}
    finally:
        again.close()


def test_a_dead_worker_s_lease_lapses_and_its_late_report_is_ignored(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    hook(runtime, shop, receiver)
    place(http, shop, "WEB-3", [(catalog[0], 1)])
    clock = Clock()
    lease = clock.now + timedelta(seconds=60)
    # A worker leases the first event, then dies before posting it.
    [dead] = runtime.db.write(lambda tx: tx.webhooks.claim(clock.now, 20, lease, "dead-worker"))
    with deliverer(runtime, clock=clock) as worker:
        # Leased: untouchable; the second event of the order waits behind it.
        assert worker.drain().claimed == 0
        clock.advance(seconds=61)
        assert worker.drain().delivered == 2
    late = runtime.db.write(
        lambda tx: tx.webhooks.record_failure(
            dead.id, "dead-worker", clock.now, status=None, error="x", retry_at=clock.now
        )
    )
    assert late is False
    assert [r.json["type"] for r in receiver.delivered()] == ["order.created", "order.confirmed"]
    assert [x.state for x in list_deliveries(runtime.db)] == ["delivered", "delivered"]


def test_an_order_s_events_wait_for_the_one_before(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    hook(runtime, shop, receiver)
    first = place(http, shop, "WEB-A", [(catalog[0], 1)])
    second = place(http, shop, "WEB-B", [(catalog[1], 1)])

    def order_of(body: bytes) -> int:
        return int(json.loads(body)["data"]["order"]["order_id"])

    receiver.decide = lambda body: Answer(500) if order_of(body) == first else None
    clock = Clock()
    with deliverer(runtime, clock=clock) as worker:
        worker.drain()
        # The second order is not held up by the first; the first's confirmation waits.
        assert [(order_of(r.body), r.json["type"]) for r in receiver.delivered()] == [
            (second, "order.created"),
            (second, "order.confirmed"),
        ]
        assert [order_of(r.body) for r in receiver.received].count(first) == 1
        receiver.decide = None
        clock.advance(minutes=2)
        worker.drain()
    mine = [r.json["type"] for r in receiver.delivered() if order_of(r.body) == first]
    assert mine == ["order.created", "order.confirmed"]


def test_a_failed_event_no_longer_holds_up_the_next(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, catalog: list[int], receiver: Receiver
) -> None:
    shop = make_account(ecredit="1000")
    hook(runtime, shop, receiver)
    place(http, shop, "WEB-C", [(catalog[0], 1)])
    receiver.answer(500)
    with deliverer(runtime, policy=RetryPolicy(window=timedelta(0))) as worker:
        done = worker.drain()
    assert (done.failed, done.delivered) == (1, 1)
    assert [(r.json["type"], r.answered) for r in receiver.received] == [
        ("order.created", 500),
        ("order.confirmed", 200),
    ]


@pytest.mark.slow
def test_racing_workers_deliver_each_event_once_and_in_order(
    runtime: Runtime, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver).endpoint
    subjects, per_subject = 8, 5
    for seq in range(per_subject):  # interleaved across subjects, one transaction per event
        for s in range(subjects):
            notice = Notice(shop.account_id, "ping", f"order:{s}", {"seq": seq, "s": s}, (endpoint.id,))
            runtime.db.write(lambda tx, n=notice: publish(tx, [n]))
    total = subjects * per_subject
    receiver.decide = lambda _body: Answer(200, delay=0.005)  # widen the race window
    runtimes = [start(Config(database_url=runtime.config.database_url), migrate=False) for _ in range(3)]
    errors: list[BaseException] = []

    def work(rt: Runtime) -> None:
        try:
            with deliverer(rt, batch=3, concurrency=2) as worker:
                deadline = time.monotonic() + 120
                while len(receiver.delivered()) < total and time.monotonic() < deadline:
                    if worker.deliver_due().claimed == 0:
                        time.sleep(0.01)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(rt,)) for rt in runtimes]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for rt in runtimes:
            rt.close()
    assert not errors
    received = receiver.received
    assert receiver.overlaps == []  # never two deliveries of one event at the same time
    counts = Counter(r.event_id for r in received)
    assert len(counts) == total and set(counts.values()) == {1}  # each event exactly once
    for s in range(subjects):
        seqs = [r.json["data"]["seq"] for r in received if r.json["data"]["s"] == s]
        assert seqs == list(range(per_subject))  # order kept per subject
    rows = list_deliveries(runtime.db, limit=500)
    assert len(rows) == total and {(x.state, x.attempts) for x in rows} == {("delivered", 1)}

"""Proof under contention: real `stockgate serve` processes on one PostgreSQL, real client threads.

Each test races many shops for too little stock and then checks the books from the database: units
granted, orders answered and orders stored must agree exactly, and `check` must find no breach.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from decimal import Decimal

import pytest
from sqlalchemy import select

from stockgate.bootstrap import Runtime
from stockgate.storage.account_tables import accounts
from stockgate.storage.order_tables import orders
from tests.support.ghost_load import (
    ACQUIRE,
    DROPSHIP,
    SOLD,
    acquire_body,
    dropship_body,
    http_client,
    race,
    read_books,
    reserve_body,
    seed_clients,
    seed_models,
    warm_up,
)
from tests.support.server_process import ServerProcess, running_stockgate

pytestmark = pytest.mark.slow


def servers(stack: ExitStack, url: str, count: int, workers: int = 1) -> list[ServerProcess]:
    return [stack.enter_context(running_stockgate(url, workers=workers)) for _ in range(count)]


def locked_of(response_json: dict[str, object], stock_id: int) -> int:
    models = response_json["models"]
    assert isinstance(models, list)
    return sum(int(m["locked"]) for m in models if m["stock_id"] == stock_id)


def test_four_processes_of_25_clients_get_exactly_the_last_10_units(
    pg_url: str, open_rt: Callable[[str], Runtime]
) -> None:
    rt = open_rt(pg_url)
    [hot] = seed_models(rt, [10])
    clients = seed_clients(rt, 100)
    with ExitStack() as stack:
        nodes = servers(stack, pg_url, 4)  # 4 processes, 25 clients each

        def shop(n: int, go: Callable[[], None]) -> tuple[int, int, int | None]:
            """(units locked, order status, order id); even clients lock then order, odd ones order
            straight from free stock, so both ways of taking stock race each other."""
            with http_client(nodes[n % 4].base_url, clients[n]) as http:
                warm_up(http)
                wanted = 1 + n % 3
                go()
                granted = 0
                if n % 2 == 0:
                    locked = http.post(SOLD, json=reserve_body("lock", [(hot, wanted)]))
                    assert locked.status_code == 200, locked.text
                    granted = locked_of(locked.json(), hot)
                    if not granted:
                        return 0, 0, None
                    wanted = granted
                ordered = http.post(DROPSHIP, json=dropship_body(f"order-{n}", [(hot, wanted)]))
                if ordered.status_code == 429:
                    assert ordered.text == f"no item of order order-{n} is available"
                    return granted, 429, None
                assert ordered.status_code == 200, ordered.text
                body = ordered.json()
                assert locked_of(body, hot) == 0  # the order took the whole lock
                return granted, 200, int(body["order_id"])

        results = race(100, shop)

    books = read_books(rt, [hot])
    answered = {order_id: n for n, (_, status, order_id) in enumerate(results) if order_id}
    assert books.sold[hot] == 10  # demand was 200 units: every unit went, none twice
    assert books.on_hand[hot] == 0
    assert books.locked[hot] == 0
    assert sum(granted for granted, _, _ in results) <= 10
    assert set(books.orders) == set(answered)  # every order answered 200 exists; nothing else does
    for order_id, n in answered.items():
        assert books.orders[order_id] == (clients[n].account_id, f"order-{n}")
    # Every locking client that got units turned them into an order.
    assert all(status == 200 for granted, status, _ in results if granted)
    assert books.breaches == []


def test_multi_line_orders_in_opposite_orders_never_deadlock_a_client(
    pg_url: str, open_rt: Callable[[str], Runtime]
) -> None:
    rt = open_rt(pg_url)
    stock_ids = seed_models(rt, [25, 25, 25, 25])
    clients = seed_clients(rt, 30)
    statuses: list[int] = []
    with ExitStack() as stack:
        nodes = servers(stack, pg_url, 2, workers=2)  # two nodes of two worker processes

        def shop(n: int, go: Callable[[], None]) -> list[tuple[int, int | None]]:
            """Three requests over all four models, half the clients naming them in reverse."""
            outcomes: list[tuple[int, int | None]] = []
            with http_client(nodes[n % 2].base_url, clients[n]) as http:
                warm_up(http)
                go()
                for round_ in range(3):
                    ids = stock_ids if (n + round_) % 2 == 0 else stock_ids[::-1]
                    lines = [(sid, 1 + (n + i) % 2) for i, sid in enumerate(ids)]
                    kind = (n + round_) % 3
                    if kind == 0:
                        response = http.post(DROPSHIP, json=dropship_body(f"o{n}-{round_}", lines))
                    elif kind == 1:
                        response = http.post(ACQUIRE, json=acquire_body(lines))
                    else:
                        locked = http.post(SOLD, json=reserve_body("lock", lines[::-1]))
                        assert locked.status_code == 200, locked.text
                        response = http.post(DROPSHIP, json=dropship_body(f"o{n}-{round_}", lines))
                    statuses.append(response.status_code)
                    # 429: nothing left for a dropshipping order; 404: an acquire line got nothing.
                    assert response.status_code in (200, 404, 429), response.text
                    if response.status_code != 200:
                        outcomes.append((response.status_code, None))
                    elif kind == 1:
                        outcomes.append((200, int(response.text)))
                    else:
                        outcomes.append((200, int(response.json()["order_id"])))
            return outcomes

        results = race(30, shop)

    books = read_books(rt, stock_ids)
    answered = {order_id for outcomes in results for _, order_id in outcomes if order_id}
    assert set(books.orders) == answered
    for sid in stock_ids:
        assert books.sold[sid] + books.on_hand[sid] == 25  # every unit sold is a unit gone
        assert 0 <= books.locked[sid] <= books.on_hand[sid]
    assert sum(books.sold.values()) > 0
    assert 429 in statuses or 404 in statuses  # demand (up to 540 units) exceeded the 100 in stock
    assert books.breaches == []


def test_the_same_key_posted_by_20_clients_at_once_makes_one_order(
    pg_url: str, open_rt: Callable[[str], Runtime]
) -> None:
    rt = open_rt(pg_url)
    [sid] = seed_models(rt, [50])
    [client] = seed_clients(rt, 1, ecredit="1000.00")
    with ExitStack() as stack:
        nodes = servers(stack, pg_url, 2)

        def shop(n: int, go: Callable[[], None]) -> tuple[int, int]:
            with http_client(nodes[n % 2].base_url, client) as http:
                warm_up(http)
                go()
                body = dropship_body("same-key", [(sid, 2)], auto_confirm=True)
                response = http.post(DROPSHIP, json=body)
                assert response.status_code == 200, response.text
                return response.status_code, int(response.json()["order_id"])

        results = race(20, shop)

    books = read_books(rt, [sid])
    assert len({order_id for _, order_id in results}) == 1
    assert list(books.orders.values()) == [(client.account_id, "same-key")]
    assert books.sold[sid] == 2
    assert books.on_hand[sid] == 48
    with rt.engine.connect() as c:
        total = c.execute(select(orders.c.total).where(orders.c.key == "same-key")).scalar_one()
        balance = c.execute(select(accounts.c.ecredit).where(accounts.c.id == client.account_id)).scalar()
    assert balance == Decimal("1000.00") - total  # paid once
    assert books.breaches == []

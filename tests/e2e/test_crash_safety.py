"""Crash safety: `kill -9` of the whole server (supervisor and workers) in the middle of a write load.

After a restart on the same database, every order that was answered 200 exists with the id it was
answered with, no order exists that no client asked for, the requests cut by the kill can be sent again
with the same key without making a second order, and `stockgate check` finds the books balanced.
On SQLite this is what WAL with synchronous=NORMAL promises for a process crash; on PostgreSQL it is
what a commit means.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import text

from stockgate.bootstrap import Runtime
from tests.support.ghost_load import (
    DROPSHIP,
    SOLD,
    Client,
    dropship_body,
    http_client,
    race,
    read_books,
    reserve_body,
    seed_clients,
    seed_models,
    warm_up,
)
from tests.support.server_process import ServerProcess, stockgate_command

pytestmark = pytest.mark.slow

CLIENTS = 8
KILL_AFTER = 30  # acknowledged orders before the kill
MAX_REQUESTS = 300  # per client: the load stops by itself even if the kill never came


def test_every_acknowledged_order_survives_kill_9(any_url: str, open_rt: Callable[[str], Runtime]) -> None:
    rt = open_rt(any_url)
    stock_ids = seed_models(rt, [5000, 5000, 5000])
    clients = seed_clients(rt, CLIENTS)
    acknowledged: dict[str, int] = {}  # key -> order_id answered with 200
    in_doubt: dict[str, Client] = {}  # sent, but the kill cut the answer (or the connection)
    refused: dict[str, int] = {}
    guard = threading.Lock()
    enough = threading.Event()
    # No rate limit: the load is as fast as the machine allows, and rate limits are not the point here.
    server = ServerProcess(any_url, workers=2, env={"STOCKGATE_RATE_BURST": "0"}).start()
    try:

        def shop(n: int, go: Callable[[], None]) -> None:
            with http_client(server.base_url, clients[n]) as http:
                warm_up(http)
                go()
                for i in range(MAX_REQUESTS):
                    key = f"c{n}-{i}"
                    sid = stock_ids[i % len(stock_ids)]
                    try:
                        if i % 3 == 0:  # sometimes from a fresh lock, so locks are in flight too
                            locked = http.post(SOLD, json=reserve_body("lock", [(sid, 2)]))
                            assert locked.status_code == 200, locked.text
                        response = http.post(DROPSHIP, json=dropship_body(key, [(sid, 1 + i % 2)]))
                    except httpx.TransportError:  # no answer: the server is gone
                        with guard:
                            in_doubt[key] = clients[n]
                        return
                    with guard:
                        if response.status_code == 200:
                            acknowledged[key] = int(response.json()["order_id"])
                        else:
                            refused[key] = response.status_code
                        if len(acknowledged) >= KILL_AFTER:
                            enough.set()

        def killer(n: int, go: Callable[[], None]) -> None:
            go()
            if enough.wait(timeout=120):
                server.kill()

        race(CLIENTS + 1, lambda n, go: killer(n, go) if n == CLIENTS else shop(n, go))
        assert enough.is_set(), "the load never reached the kill"
        assert server.process is not None
        assert server.process.returncode == -9
        assert refused == {}  # plenty of stock: every answer before the kill was a 200
        assert in_doubt, "the kill cut no request"

        books = read_books(rt, stock_ids)
        stored = {key: order_id for order_id, (_, key) in books.orders.items() if key}
        for key, order_id in acknowledged.items():
            assert stored.get(key) == order_id, f"acknowledged order {key} ({order_id}) was lost"
        assert set(stored) <= set(acknowledged) | set(in_doubt)  # nothing nobody asked for
        assert len(books.orders) == len(stored)

        server.start()  # the same database, after the crash
        for key, order_id in acknowledged.items():
            with http_client(server.base_url, clients[int(key[1:].split("-")[0])]) as http:
                status = http.get(f"/restful/ghost/clientorders/clientkey/{key}")
                assert status.status_code == 200, status.text
                assert status.json()["orders"][0]["order_id"] == order_id
        # A client that never got its answer sends the order again: one order per key, whatever happened.
        for key, client in in_doubt.items():
            with http_client(server.base_url, client) as http:
                again = http.post(DROPSHIP, json=dropship_body(key, [(stock_ids[0], 1)]))
                assert again.status_code == 200, again.text
                if key in stored:
                    assert int(again.json()["order_id"]) == stored[key]
    finally:
        server.close()

    books = read_books(rt, stock_ids)
    keys = [key for _, key in books.orders.values()]
    assert sorted(keys) == sorted(set(acknowledged) | set(in_doubt))
    for sid in stock_ids:
        assert books.sold[sid] + books.on_hand[sid] == 5000
    assert books.breaches == []
    if rt.engine.dialect.name == "sqlite":
        with rt.engine.connect() as c:
            assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    checked = subprocess.run(
        [*stockgate_command(), "check", "--database-url", any_url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all invariants hold" in checked.stdout

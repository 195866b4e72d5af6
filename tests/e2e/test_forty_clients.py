"""Issue 2's proof on the embedded default: forty shops lock the last units of one model at once,
through real server processes on one SQLite file, and never get more than its stock in total."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stockgate.bootstrap import Runtime
from tests.support.ghost_load import (
    SOLD,
    http_client,
    race,
    read_books,
    reserve_body,
    seed_clients,
    seed_models,
    warm_up,
)
from tests.support.server_process import running_stockgate

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("workers", [1, 3])
def test_forty_clients_never_lock_more_than_the_stock(
    sqlite_url: str, workers: int, open_rt: Callable[[str], Runtime]
) -> None:
    rt = open_rt(sqlite_url)
    [hot, other] = seed_models(rt, [7, 40])
    clients = seed_clients(rt, 40)
    with running_stockgate(sqlite_url, workers=workers) as server:

        def shop(n: int, go: Callable[[], None]) -> int:
            with http_client(server.base_url, clients[n]) as http:
                warm_up(http)
                go()
                # Each wants 1-3 of the hot model (and one of another, so the writes are multi-row).
                response = http.post(SOLD, json=reserve_body("lock", [(other, 1), (hot, 1 + n % 3)]))
                assert response.status_code == 200, response.text
                body = response.json()
                [mine] = [m for m in body["models"] if m["stock_id"] == hot]
                assert mine["available"] >= 0
                return int(mine["locked"])

        granted = race(40, shop)

    books = read_books(rt, [hot, other])
    assert sum(granted) == 7  # 80 units wanted, 7 in stock: all of them, and not one more
    assert books.locked == {hot: 7, other: 40}
    assert books.on_hand == {hot: 7, other: 40}
    assert books.breaches == []

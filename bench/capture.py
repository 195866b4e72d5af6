"""The SQL each operation costs, recorded from the real application in-process.

The app is built exactly as a server worker builds it (stockgate.bootstrap) and driven through its ASGI
interface; a `before_cursor_execute` listener on its engine records every statement handed to the
database driver, with its parameters, and the transaction ends. That gives two things:
- the number of SQL statements (and transactions) one request costs, counted on the second request of
  each shop (the first one also pays for argon2, which issues no SQL but warms the password cache);
- the exact statements, for the `ceiling-db` replay (bench.replay).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event
from starlette.testclient import TestClient

from bench import traffic
from bench.dataset import Dataset, Shop
from bench.recorded import Operation, Step
from stockgate.bootstrap import Runtime, create_app
from stockgate.domain.throttle import RateLimit
from stockgate.storage.engine import WRITE_OPTION, begin_statement, is_sqlite


class Recorder:
    def __init__(self, rt: Runtime) -> None:
        self.steps: list[Step] | None = None
        engine = rt.engine
        sqlite = is_sqlite(engine)
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", lambda conn: self._begin(conn, sqlite))
        event.listen(engine, "commit", lambda _c: self._end("commit"))
        event.listen(engine, "rollback", lambda _c: self._end("rollback"))

    def _statement(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if self.steps is None:
            return
        names = None
        compiled = getattr(context, "compiled", None)
        positions = getattr(compiled, "positiontup", None)
        if positions is not None:
            names = list(positions)
        self.steps.append(Step("sql", statement, parameters, executemany, names))

    def _begin(self, connection: Any, sqlite: bool) -> None:
        if self.steps is not None:
            write = bool(connection.get_execution_options().get(WRITE_OPTION, False))
            self.steps.append(Step("begin", begin_statement(write) if sqlite else ""))

    def _end(self, kind: str) -> None:
        if self.steps is not None:
            self.steps.append(Step(kind))


def capture(rt: Runtime, data: Dataset) -> dict[str, list[Operation]]:
    """Per scenario, one recorded operation per shop (in shop order)."""
    recorder = Recorder(rt)
    found: dict[str, list[Operation]] = {}
    # Configured as the benchmark's server is (bench.run.SERVER_ENV): no rate limit.
    app = create_app(replace(rt.config, rate_limit=RateLimit(0)), rt)
    with TestClient(app, base_url="http://bench") as client:
        for index, shop in enumerate(data.shops):
            headers = {"Authorization": shop.authorization, "Accept": "application/json"}
            _ok(client.get(traffic.LOCKED_PATH, headers=headers))  # argon2, once per shop
            for scenario in ("status", "reserve", "reserve-hot", "order-json", "order-xml"):
                op = Operation(scenario)
                recorder.steps = op.steps
                answer = _send(client, scenario, shop, data, index, op)
                recorder.steps = None
                if op.order_key is not None:
                    op.order_id = int(answer["order_id"])
                found.setdefault(scenario, []).append(op)
    return found


def _send(client: TestClient, scenario: str, shop: Shop, data: Dataset, index: int, op: Operation) -> Any:
    headers = {"Authorization": shop.authorization, "Accept": "application/json"}
    if scenario == "status":
        return _ok(client.get(traffic.LOCKED_PATH, headers=headers))
    if scenario in ("reserve", "reserve-hot"):
        sid = shop.pool[0] if scenario == "reserve" else data.hot
        headers["Content-Type"] = "application/json"
        return _ok(client.post(traffic.SOLD_PATH, content=traffic.lock_body(sid), headers=headers))
    op.order_key = f"capture-{scenario}-{index}"
    lines = [data.free[2 * index], data.free[2 * index + 1]]
    if scenario == "order-json":
        body, ctype = traffic.order_json(op.order_key, lines), "application/json"
    else:
        body, ctype = traffic.order_xml(op.order_key, lines), "application/xml"
    headers["Content-Type"] = ctype
    return _ok(client.post(traffic.DROPSHIP_PATH, content=body, headers=headers))


def _ok(response: Any) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"capture request failed: {response.status_code} {response.text[:200]}")
    return response.json()

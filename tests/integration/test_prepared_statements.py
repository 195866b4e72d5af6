"""Prepared statements (storage/prepared.py) read and write exactly what Core would, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, insert, select
from sqlalchemy.exc import IntegrityError

from stockgate.bootstrap import Runtime
from stockgate.storage.account_tables import carriers
from stockgate.storage.order_tables import ledger
from stockgate.storage.prepared import Prepared

_CARRIERS_IN = Prepared(
    select(carriers.c.id, carriers.c.cost, carriers.c.max_weight, func.coalesce(carriers.c.name, "none"))
    .where(carriers.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(carriers.c.id)
)
_COST_ABOVE = Prepared(
    select(carriers.c.id).where(carriers.c.cost > bindparam("floor")).order_by(carriers.c.id)
)
_ADD_CARRIER = Prepared(insert(carriers))
_LEDGER_ROW = Prepared(insert(ledger).returning(ledger.c.id, ledger.c.at))


def _carrier(carrier_id: int, cost: str) -> dict[str, Any]:
    return {
        "id": carrier_id,
        "name": f"carrier {carrier_id}",
        "cost": Decimal(cost),
        "countries": "IT",
        "max_weight": Decimal("30.500"),
        "is_default": False,
    }


@pytest.fixture
def connection(runtime: Runtime) -> Iterator[Any]:
    with runtime.engine.connect() as conn, conn.begin():
        yield conn


def test_values_are_bound_and_read_through_the_column_types(connection: Any) -> None:
    _ADD_CARRIER.many(connection, [_carrier(1, "9.80"), _carrier(2, "7.50"), _carrier(3, "12.05")])

    rows = _CARRIERS_IN.rows(connection, {"ids": [3, 1]})

    # Money and weights come back as exact Decimals (stored as integer cents and grams).
    assert [(r.id, r.cost, r.max_weight) for r in rows] == [
        (1, Decimal("9.80"), Decimal("30.500")),
        (3, Decimal("12.05"), Decimal("30.500")),
    ]
    assert rows[0][3] == "carrier 1"  # a value fixed in the statement (coalesce's default) is bound too
    # A Money parameter is scaled like a stored one: 9.80 is above 9.79 and 7.50 is not.
    assert [r.id for r in _COST_ABOVE.rows(connection, {"floor": Decimal("9.79")})] == [1, 3]


def test_each_in_list_length_is_its_own_statement(connection: Any) -> None:
    _ADD_CARRIER.many(connection, [_carrier(n, "1.00") for n in range(1, 6)])
    for ids in ([1], [2, 4], [1, 2, 3, 5], [5]):
        assert [r.id for r in _CARRIERS_IN.rows(connection, {"ids": ids})] == sorted(ids)


def test_returning_answers_the_new_row(connection: Any) -> None:
    at = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    first = _LEDGER_ROW.first(connection, {"at": at, "actor": "test", "kind": "stock", "reason": "why"})
    assert first is not None
    assert first.at == at and first.at.tzinfo is not None  # an aware instant, on SQLite too
    assert first.id > 0


def test_a_constraint_violation_is_the_usual_sqlalchemy_error(connection: Any) -> None:
    _ADD_CARRIER.many(connection, [_carrier(1, "1.00")])
    with pytest.raises(IntegrityError):
        _ADD_CARRIER.many(connection, [_carrier(1, "2.00")])


@pytest.mark.parametrize("name", ["before_cursor_execute", "after_cursor_execute"])
def test_statements_are_seen_by_execution_events(runtime: Runtime, name: str) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(runtime.engine, name, record)
    try:
        with runtime.engine.connect() as conn, conn.begin():
            _CARRIERS_IN.rows(conn, {"ids": [1, 2]})
    finally:
        event.remove(runtime.engine, name, record)
    assert [s for s in seen if "FROM carriers" in s] and all(
        "IN (" in s for s in seen if "FROM carriers" in s
    )


def test_outside_a_transaction_it_runs_through_core(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        assert _CARRIERS_IN.rows(conn, {"ids": [1]}) == []
        conn.rollback()

"""Serialization failures and deadlocks on PostgreSQL: retried a bounded number of times, applied once,
and when they never clear, a 503 with Retry-After (never a 500, never a partial change).

Faults come from the real server: a trigger raises the SQLSTATE PostgreSQL itself would raise, counting
attempts in a sequence (sequences are not rolled back, so the count survives the failed transactions);
and two transactions that take the same rows in opposite orders make a real deadlock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime, create_app
from stockgate.services.accounts import create_account
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Tx
from stockgate.storage.catalog_tables import models
from stockgate.storage.database import MAX_ATTEMPTS, SqlDatabase
from stockgate.storage.order_tables import ledger, orders, reservation_lines
from tests.support.ghost_load import DROPSHIP, JSON, SOLD, dropship_body, reserve_body, seed_models

PASSWORD = "correct horse battery"


@pytest.fixture
def shop(pg_runtime: Runtime) -> tuple[str, str]:
    new = create_account(pg_runtime.db, email="shop@example.com", password=PASSWORD, actor="test")
    return (new.api_key, PASSWORD)


@pytest.fixture
def http(pg_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(pg_runtime.config, pg_runtime)) as client:
        yield client


def inject(rt: Runtime, sqlstate: str, times: int) -> None:
    """Make the next `times` ledger inserts fail with `sqlstate`, as PostgreSQL would."""
    with rt.engine.begin() as c:
        c.execute(text("CREATE SEQUENCE fault_counter"))
        c.execute(
            text(
                f"""
                CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('fault_counter') <= {times} THEN
                        RAISE EXCEPTION 'injected fault' USING ERRCODE = '{sqlstate}';
                    END IF;
                    RETURN NEW;
                END $$
                """
            )
        )
        c.execute(text("CREATE TRIGGER fault BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION fault()"))


def attempts(rt: Runtime) -> int:
    with rt.engine.connect() as c:
        return int(c.execute(text("SELECT last_value FROM fault_counter")).scalar_one())


def lock_rows(rt: Runtime, sid: int) -> tuple[int, int, int]:
    """(models.locked, reservation lines, lock ledger entries) of a model."""
    with rt.engine.connect() as c:
        locked = c.execute(select(models.c.locked).where(models.c.id == sid)).scalar_one()
        held = c.execute(select(func.count()).where(reservation_lines.c.stock_id == sid)).scalar_one()
        booked = c.execute(
            select(func.count()).where(ledger.c.stock_id == sid, ledger.c.kind == "lock")
        ).scalar_one()
    return int(locked), int(held), int(booked)


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_a_transient_failure_is_retried_and_applied_once(
    pg_runtime: Runtime, http: TestClient, shop: tuple[str, str], sqlstate: str
) -> None:
    [sid] = seed_models(pg_runtime, [10])
    inject(pg_runtime, sqlstate, times=2)
    response = http.post(SOLD, json=reserve_body("lock", [(sid, 3)]), auth=shop, headers=JSON)
    assert response.status_code == 200, response.text
    assert response.json()["models"] == [{"stock_id": sid, "locked": 3, "available": 7}]
    assert attempts(pg_runtime) == 3  # two failures, then the attempt that committed
    assert lock_rows(pg_runtime, sid) == (3, 1, 1)  # the lock once, not three times


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
@pytest.mark.parametrize("endpoint", ["reserve", "dropship"])
def test_a_failure_that_never_clears_is_503_and_changes_nothing(
    pg_runtime: Runtime, http: TestClient, shop: tuple[str, str], sqlstate: str, endpoint: str
) -> None:
    [sid] = seed_models(pg_runtime, [10])
    inject(pg_runtime, sqlstate, times=1_000)
    if endpoint == "reserve":
        response = http.post(SOLD, json=reserve_body("lock", [(sid, 3)]), auth=shop, headers=JSON)
    else:  # order creation: not a 429 either, since nothing is wrong with the body
        response = http.post(DROPSHIP, json=dropship_body("k1", [(sid, 3)]), auth=shop, headers=JSON)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.text == "the database is busy; try again"
    assert attempts(pg_runtime) == MAX_ATTEMPTS  # bounded
    assert lock_rows(pg_runtime, sid) == (0, 0, 0)
    with pg_runtime.engine.connect() as c:
        assert c.execute(select(func.count()).where(orders.c.kind == "dropship")).scalar_one() == 0
        assert c.execute(select(models.c.on_hand).where(models.c.id == sid)).scalar_one() == 10


@pytest.mark.parametrize("sqlstate", ["55P03", "53300", "57P03"])
def test_an_overloaded_database_is_503_at_once(
    pg_runtime: Runtime, http: TestClient, shop: tuple[str, str], sqlstate: str
) -> None:
    """lock_not_available (a lock_timeout set by the operator), too_many_connections,
    cannot_connect_now: retrying at once would only add load."""
    [sid] = seed_models(pg_runtime, [10])
    inject(pg_runtime, sqlstate, times=1_000)
    response = http.post(SOLD, json=reserve_body("lock", [(sid, 3)]), auth=shop, headers=JSON)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert attempts(pg_runtime) == 1
    assert lock_rows(pg_runtime, sid) == (0, 0, 0)


def test_any_other_database_error_is_raised_at_once(pg_runtime: Runtime) -> None:
    inject(pg_runtime, "23514", times=1_000)  # check_violation: a defect to report, not contention
    db = SqlDatabase(pg_runtime.engine)
    with pytest.raises(DBAPIError, match="injected fault"):
        db.write(lambda tx: tx.ledger.append([LedgerEntry("stock", "test")]))
    assert attempts(pg_runtime) == 1


def test_a_real_deadlock_is_retried_until_both_transactions_commit(pg_runtime: Runtime) -> None:
    """Two transactions lock the same two rows in opposite orders; PostgreSQL kills one of them
    (deadlock_detected), and the retry lets both finish."""
    [a, b] = seed_models(pg_runtime, [5, 5])
    db = SqlDatabase(pg_runtime.engine)
    both_hold_one = threading.Barrier(2, timeout=30)
    runs: list[str] = []
    failures: list[BaseException] = []

    def opposite(first: int, second: int, name: str) -> None:
        def work(tx: Tx) -> None:
            runs.append(name)
            connection = tx.connection  # type: ignore[attr-defined]
            lock = "SELECT on_hand FROM models WHERE id = :id FOR UPDATE"
            connection.execute(text(lock), {"id": first})
            if runs.count(name) == 1:  # only the first attempt waits for the other: the bait
                both_hold_one.wait()
            connection.execute(text(lock), {"id": second})
            connection.execute(text("UPDATE models SET on_hand = on_hand + 1 WHERE id = :id"), {"id": second})

        try:
            db.write(work)
        except BaseException as error:
            failures.append(error)

    threads = [
        threading.Thread(target=opposite, args=(a, b, "ab")),
        threading.Thread(target=opposite, args=(b, a, "ba")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert sorted(runs) in (["ab", "ab", "ba"], ["ab", "ba", "ba"])  # exactly one was run again
    with pg_runtime.engine.connect() as c:
        on_hand = dict(c.execute(select(models.c.id, models.c.on_hand).where(models.c.id.in_([a, b]))).all())
    assert on_hand == {a: 6, b: 6}  # each committed once

"""`Database.glance`: a read of one statement, with no transaction of its own where SQLite allows it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from stockgate.bootstrap import Config, Runtime, start
from stockgate.storage.account_tables import accounts
from stockgate.storage.prepared import Prepared

_COUNT = Prepared(select(accounts.c.id).order_by(accounts.c.id))


@pytest.fixture
def sqlite_runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = start(Config(database_url=f"sqlite:///{tmp_path / 'glance.db'}"))
    yield rt
    rt.close()


def _begins(runtime: Runtime) -> tuple[list[int], Any]:
    seen: list[int] = []

    def begin(_conn: Any) -> None:
        seen.append(1)

    event.listen(runtime.engine, "begin", begin)
    return seen, begin


def test_a_glance_answers_what_a_read_answers(runtime: Runtime, make_account: Any) -> None:
    make_account()
    make_account()
    ids = runtime.db.read(lambda tx: [r.id for r in _COUNT.rows(tx.connection, {})])
    assert len(ids) == 2
    assert runtime.db.glance(lambda tx: [r.id for r in _COUNT.rows(tx.connection, {})]) == ids
    # A Core statement works too (it begins a transaction, which the glance ends).
    core = runtime.db.glance(lambda tx: [r.id for r in tx.connection.execute(select(accounts.c.id))])
    assert sorted(core) == ids


def test_on_sqlite_a_prepared_glance_opens_no_transaction(sqlite_runtime: Runtime) -> None:
    seen, listener = _begins(sqlite_runtime)
    try:
        sqlite_runtime.db.glance(lambda tx: _COUNT.rows(tx.connection, {}))
        assert seen == []
        sqlite_runtime.db.read(lambda tx: _COUNT.rows(tx.connection, {}))
        assert seen == [1]
    finally:
        event.remove(sqlite_runtime.engine, "begin", listener)


def test_on_sqlite_a_glance_through_core_leaves_no_reader_behind(sqlite_runtime: Runtime) -> None:
    # An open read transaction kept on an idle connection would pin the WAL: no checkpoint could
    # ever finish again, and the file would grow without end.
    sqlite_runtime.db.glance(lambda tx: list(tx.connection.execute(select(accounts.c.id))))
    sqlite_runtime.db.write(lambda tx: tx.connection.execute(text("UPDATE accounts SET id = id")))
    with sqlite_runtime.engine.connect() as conn:
        busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        conn.rollback()
    assert busy == 0


def _writer_can_start(path: Path) -> bool:
    """Whether another connection could take the write lock right now (no waiting)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return False
    else:
        other.execute("ROLLBACK")
        return True
    finally:
        other.close()


def test_on_sqlite_a_write_takes_the_write_lock_before_its_first_statement(tmp_path: Path) -> None:
    # BEGIN IMMEDIATE: two writers that both read first could otherwise both fail to upgrade.
    path = tmp_path / "kinds.db"
    rt = start(Config(database_url=f"sqlite:///{path}"))
    try:
        seen = {
            kind: run(lambda _tx: _writer_can_start(path))
            for kind, run in (("write", rt.db.write), ("read", rt.db.read), ("glance", rt.db.glance))
        }
        # The kinds keep to their connections when those are reused (the idle lists).
        again = {
            "write": rt.db.write(lambda _tx: _writer_can_start(path)),
            "read": rt.db.read(lambda _tx: _writer_can_start(path)),
        }
    finally:
        rt.close()
    assert seen == {"write": False, "read": True, "glance": True}
    assert again == {"write": False, "read": True}


_BACKEND = Prepared(select(func.pg_backend_pid().label("pid")))


def _backend(tx: Any) -> int:
    return int(_BACKEND.rows(tx.connection, {})[0].pid)


def _drop_other_connections(runtime: Runtime) -> int:
    """What a server restart or an idle timeout does to every connection the runtime keeps."""
    with runtime.engine.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
        conn.rollback()
    return int(dropped)


def test_on_postgresql_a_glance_opens_no_transaction_and_keeps_its_connection(pg_runtime: Runtime) -> None:
    seen, listener = _begins(pg_runtime)
    try:
        backends = {pg_runtime.db.glance(_backend) for _ in range(3)}
        assert seen == []  # autocommit: the statement alone, no BEGIN/COMMIT round trips
        pg_runtime.db.read(_backend)
        assert seen == [1]
    finally:
        event.remove(pg_runtime.engine, "begin", listener)
    # Kept between glances, not checked out of the pool again (whose checkout pings the server).
    assert len(backends) == 1


def test_on_postgresql_a_glance_connection_given_back_leaves_transactions_whole(pg_runtime: Runtime) -> None:
    pg_runtime.db._keep = 0  # every glance gives its connection back to the pool
    pg_runtime.db.write(lambda tx: tx.connection.execute(text("CREATE TABLE t (x int)")))
    for _ in range(3):
        pg_runtime.db.glance(_backend)

    def fails_half_way(tx: Any) -> None:
        tx.connection.execute(text("INSERT INTO t VALUES (1)"))
        tx.connection.execute(text("SELECT 1 / 0"))

    with pytest.raises(DBAPIError, match="division by zero"):
        pg_runtime.db.write(fails_half_way)
    # Had autocommit stayed on the pooled connection, the first INSERT would have been kept.
    assert (
        pg_runtime.db.glance(lambda tx: tx.connection.execute(text("SELECT count(*) FROM t")).scalar_one())
        == 0
    )


def test_on_postgresql_a_glance_runs_again_when_the_server_dropped_its_connection(
    pg_runtime: Runtime,
) -> None:
    first = pg_runtime.db.glance(_backend)
    assert _drop_other_connections(pg_runtime) >= 1  # the kept glance connection among them
    assert pg_runtime.db.glance(_backend) != first
    assert pg_runtime.db.glance(lambda tx: _COUNT.rows(tx.connection, {})) == []

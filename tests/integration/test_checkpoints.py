"""SQLite's log reaches the database file through the checkpoint thread, not through commits."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path

from sqlalchemy import text

from stockgate.bootstrap import Config, start
from stockgate.storage.checkpoints import BACKSTOP_PAGES


def _in_database_file(path: Path, name: str) -> bool:
    # immutable=1 reads the database file alone, as if the log did not exist (until the first
    # checkpoint even the schema is only in the log). It does not lock either, so a read while the
    # thread is copying pages can see a half-written file: "malformed" means "not there yet".
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as raw:
        try:
            found = raw.execute("SELECT count(*) FROM carriers WHERE name = ?", (name,)).fetchone()
        except sqlite3.DatabaseError:  # no such table yet, or a torn read
            return False
        return bool(found[0])


def _checkpoint_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "sqlite-checkpoints")


def test_a_write_reaches_the_database_file_soon_after_commit(tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.db"
    rt = start(Config(database_url=f"sqlite:///{path}"))
    try:
        with rt.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
            conn.rollback()
        threads_before = _checkpoint_threads()
        rt.db.write(
            lambda tx: tx.connection.execute(
                text(
                    "INSERT INTO carriers (id, name, cost, countries, max_weight, is_default)"
                    " VALUES (901, 'checkpointed', 500, 'IT', 30000, 0)"
                )
            )
        )
        assert _checkpoint_threads() == threads_before + 1
        deadline = time.monotonic() + 10
        while not _in_database_file(path, "checkpointed"):
            assert time.monotonic() < deadline, "the log was never checkpointed"
            time.sleep(0.05)
    finally:
        rt.close()
    assert _checkpoint_threads() == threads_before  # closing the database stops its thread


def test_without_writes_no_thread_is_started(tmp_path: Path) -> None:
    before = _checkpoint_threads()
    rt = start(Config(database_url=f"sqlite:///{tmp_path / 'idle.db'}"))
    try:
        rt.db.read(lambda tx: None)
        assert _checkpoint_threads() == before
    finally:
        rt.close()

"""Engines for the two supported databases, each set up for safe concurrent writes.

SQLite: WAL (readers never wait for the writer), a generous busy timeout, foreign keys on, and write
transactions opened with BEGIN IMMEDIATE so two writers never both read and then fail to upgrade.
PostgreSQL: psycopg 3 with a pool sized by configuration; READ COMMITTED plus row locks taken in
ascending id order (see repositories) and retries on serialization failures and deadlocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry

from stockgate.storage.checkpoints import BACKSTOP_PAGES

DEFAULT_URL = "sqlite:///stockgate.db"
WRITE_OPTION = "stockgate_write"
# A connection whose prepared statements may run outside a transaction (in the driver's autocommit): one
# statement reads one consistent state on its own (storage/database.py, `glance`).
SINGLE_STATEMENT_OPTION = "stockgate_single_statement"


def normalise_url(url: str) -> str:
    """Accept the URLs operators write (`postgresql://`, `postgres://`) and pick our drivers."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    """Create the engine for `url` with the per-engine settings described above."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=pool_size
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, future=True
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    # Take transaction control away from the sqlite3 module so BEGIN is ours to choose.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode keeps every committed transaction across a process crash (the OS holds it);
    # only a power loss could drop the last commits, which FULL would cost an fsync per commit to avoid.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # A thread checkpoints after writes (storage/checkpoints.py); commits only as a backstop.
    cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    write = connection.get_execution_options().get(WRITE_OPTION, False)
    # Straight to the driver: through SQLAlchemy's statement machinery BEGIN cost as much as a query.
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.cursor().execute(begin_statement(write))


def begin_statement(write: bool) -> str:
    """How a transaction starts on SQLite: writers take the write lock at once."""
    return "BEGIN IMMEDIATE" if write else "BEGIN"

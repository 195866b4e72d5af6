"""The Database port over SQLAlchemy: one transaction per unit of work, retried when the engine asks.

Writers on SQLite also queue on a lock inside the process: the file lock admits one writer anyway, and
waiting on a mutex is fairer and cheaper than every thread polling SQLite's busy handler.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from stockgate.services.ports import Tx
from stockgate.storage.accounts_repo import SqlAccounts
from stockgate.storage.audit_repo import SqlAudit
from stockgate.storage.carriers_repo import SqlCarriers
from stockgate.storage.catalog_repo import SqlCatalog
from stockgate.storage.engine import WRITE_OPTION, is_sqlite
from stockgate.storage.ledger_repo import SqlLedger
from stockgate.storage.orders_repo import SqlOrders
from stockgate.storage.stock_repo import SqlStock
from stockgate.storage.write_lock import sqlite_write_lock

T = TypeVar("T")
log = logging.getLogger(__name__)

# serialization_failure, deadlock_detected: PostgreSQL asks the client to run the transaction again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
MAX_ATTEMPTS = 8


class SqlTx:
    """The repositories of one open transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.accounts = SqlAccounts(connection)
        self.stock = SqlStock(connection)
        self.orders = SqlOrders(connection)
        self.carriers = SqlCarriers(connection)
        self.ledger = SqlLedger(connection)
        self.audit = SqlAudit(connection)
        self.catalog = SqlCatalog(connection)


class SqlDatabase:
    """Runs units of work against one engine (see services.ports.Database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_mutex = threading.Lock() if is_sqlite(engine) else None
        self._file_lock = sqlite_write_lock(engine)  # the same queue across processes
        # Made once: options set per connection copy the connection on every transaction.
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    def write(self, work: Callable[[Tx], T]) -> T:
        if self._write_mutex is None:
            return self._run(work, write=True)
        with self._write_mutex, self._file_lock or nullcontext():
            return self._run(work, write=True)

    def read(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, write=False)

    def _run(self, work: Callable[[Tx], T], *, write: bool) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                engine = self._writer if write else self.engine
                with engine.connect() as connection, connection.begin():
                    return work(SqlTx(connection))
            except DBAPIError as error:
                if attempt == MAX_ATTEMPTS or _sqlstate(error) not in RETRYABLE_SQLSTATES:
                    raise
                log.info("transaction retried", extra={"attempt": attempt, "sqlstate": _sqlstate(error)})
                # Full jitter: contenders spread out instead of colliding again in lockstep.
                time.sleep(random.uniform(0, 0.002 * 2**attempt))  # noqa: S311 - not security
        raise AssertionError("unreachable")


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)

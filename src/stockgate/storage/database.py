"""The Database port over SQLAlchemy: one transaction per unit of work, retried when the engine asks.

Writers on SQLite also queue on a lock inside the process: the file lock admits one writer anyway, and
waiting on a mutex is fairer and cheaper than every thread polling SQLite's busy handler.

Retries are bounded (MAX_ATTEMPTS, about a second of back-off in all); a unit of work that still cannot
finish, or that meets an overloaded database, raises `Busy` (HTTP 503), never an unexpected error.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Generic, Literal, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool

from stockgate.services.unit_of_work import Busy, Tx
from stockgate.storage.accounts_repo import SqlAccounts
from stockgate.storage.admin_tokens_repo import SqlAdminTokens
from stockgate.storage.admins_repo import SqlAdmins, SqlAdminSessions
from stockgate.storage.audit_repo import SqlAudit
from stockgate.storage.backoffice_views import SqlBackOfficeViews
from stockgate.storage.carriers_repo import SqlCarriers
from stockgate.storage.catalog_repo import SqlCatalog
from stockgate.storage.checkpoints import Checkpointer
from stockgate.storage.engine import SINGLE_STATEMENT_OPTION, WRITE_OPTION, is_sqlite
from stockgate.storage.ledger_repo import SqlLedger
from stockgate.storage.orders_repo import SqlOrders
from stockgate.storage.returns_repo import SqlReturns
from stockgate.storage.stock_repo import SqlStock
from stockgate.storage.throttle_repo import SqlAuthThrottle, SqlRateBuckets
from stockgate.storage.webhooks_repo import SqlWebhooks
from stockgate.storage.write_lock import sqlite_write_lock

T = TypeVar("T")
R = TypeVar("R")
# How a unit of work runs: a read or write transaction, or one statement with none.
Kind = Literal["read", "write", "single"]
_OPTIONS: dict[Kind, str | None] = {"read": None, "write": WRITE_OPTION, "single": SINGLE_STATEMENT_OPTION}
log = logging.getLogger(__name__)

# serialization_failure, deadlock_detected: PostgreSQL asks the client to run the transaction again.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# too_many_connections, cannot_connect_now, lock_not_available: the server is overloaded, starting or
# stopping; an immediate retry would only add to the load, so the caller is told to come back later.
OVERLOAD_SQLSTATES = frozenset({"53300", "57P03", "55P03"})
# SQLITE_BUSY and SQLITE_LOCKED (low byte of the extended code): another process kept the file locked
# for longer than the busy timeout.
SQLITE_BUSY_CODES = frozenset({5, 6})
MAX_ATTEMPTS = 8


class _Repository(Generic[R]):
    """A repository of the transaction, made on first use and then kept in the instance (a plain
    descriptor: functools.cached_property takes a lock on every first access)."""

    def __init__(self, make: Callable[[Connection], R]) -> None:
        self.make = make
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, tx: SqlTx, owner: type | None = None) -> R:
        made = tx.__dict__[self.name] = self.make(tx.connection)
        return made


class SqlTx:
    """The repositories of one open transaction, each made when first used: a request touches two or
    three of the fifteen, and making them all cost a fifth of an empty transaction. A kept connection
    keeps its SqlTx too (the repositories hold nothing but the connection), so the next unit of work
    on it finds them made: making the view and a repository cost a glance 5,400 instructions
    (bench/README.md)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    accounts = _Repository(SqlAccounts)
    stock = _Repository(SqlStock)
    orders = _Repository(SqlOrders)
    carriers = _Repository(SqlCarriers)
    ledger = _Repository(SqlLedger)
    audit = _Repository(SqlAudit)
    catalog = _Repository(SqlCatalog)
    throttle = _Repository(SqlAuthThrottle)
    rate_buckets = _Repository(SqlRateBuckets)
    returns = _Repository(SqlReturns)
    admin_tokens = _Repository(SqlAdminTokens)
    admins = _Repository(SqlAdmins)
    admin_sessions = _Repository(SqlAdminSessions)
    views = _Repository(SqlBackOfficeViews)
    webhooks = _Repository(SqlWebhooks)


class SqlDatabase:
    """Runs units of work against one engine (see services.unit_of_work.Database)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._write_mutex = threading.Lock() if is_sqlite(engine) else None
        self._file_lock = sqlite_write_lock(engine)  # the same queue across processes
        self._checkpoints = Checkpointer(engine) if self._file_lock is not None else None
        # Connections kept open between units of work, with their SqlTx, a list for each kind (a
        # connection keeps its kind's options). SQLite: every kind; taking one from the pool and
        # giving it back cost as much as a query (bench/README.md), and a file database has no server
        # to lose the connection in between. PostgreSQL: glances only. The pool's checkout pings the
        # server first, a round trip as long as a glance's statement; transactions keep that ping,
        # which notices a restarted server, while a glance on a connection the server dropped is run
        # again on a fresh one.
        self._idle: dict[Kind, list[SqlTx]] = (
            {"read": [], "write": [], "single": []} if is_sqlite(engine) else {"single": []}
        )
        self._keep = max(1, engine.pool.size() // 2) if isinstance(engine.pool, QueuePool) else 1

    def write(self, work: Callable[[Tx], T]) -> T:
        if self._write_mutex is None:
            return self._run(work, "write")
        with self._write_mutex, self._file_lock or nullcontext():
            result = self._run(work, "write")
        if self._checkpoints is not None:
            self._checkpoints.wrote()
        return result

    def read(self, work: Callable[[Tx], T]) -> T:
        return self._run(work, "read")

    def glance(self, work: Callable[[Tx], T]) -> T:
        # No BEGIN/COMMIT. On SQLite they cost as much as the statement itself through SQLAlchemy. On
        # PostgreSQL each is a round trip, and so is the pool's pre-ping at checkout: on a kept
        # connection in autocommit the statement is the one round trip of four (bench/README.md).
        return self._run(work, "single")

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        with self.engine.connect() as connection:
            if not is_sqlite(self.engine):
                # READ COMMITTED would give every statement its own view; SQLite's read transaction in
                # WAL mode is a snapshot already.
                connection = connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with connection.begin():
                yield SqlTx(connection)

    def close(self) -> None:
        """Close the connections kept between transactions (the engine's pool closes the rest)."""
        if self._checkpoints is not None:
            self._checkpoints.close()
        for kind in self._idle:
            self._forget(kind)

    def _forget(self, kind: Kind) -> None:
        kept = self._idle[kind]
        while True:
            try:
                kept.pop().connection.close()
            except IndexError:  # emptied, perhaps by another thread between two pops
                return

    def _connect(self, kind: Kind) -> Connection:
        # The option goes on the connection, not on an engine made with execution_options(): such an
        # engine's events are joined to its parent's, and every check for statement listeners (two
        # per prepared statement) then walked both: 2% of an E4 request (bench/README.md).
        connection = self.engine.connect()
        option = _OPTIONS[kind]
        if kind == "single" and not is_sqlite(self.engine):  # back to the default when returned
            return connection.execution_options(
                isolation_level="AUTOCOMMIT", **{SINGLE_STATEMENT_OPTION: True}
            )
        return connection.execution_options(**{option: True}) if option else connection

    def _transaction(self, work: Callable[[Tx], T], kind: Kind) -> T:
        try:
            tx = self._idle[kind].pop()
        except (KeyError, IndexError):
            tx = SqlTx(self._connect(kind))
        connection = tx.connection
        try:
            if kind == "single":
                result = work(tx)
                if connection.in_transaction():  # a statement that went through Core began one
                    connection.rollback()
            else:
                with connection.begin():
                    result = work(tx)
        except BaseException:
            connection.close()  # back to the pool, which resets it; the next one starts clean
            raise
        kept = self._idle.get(kind)
        if kept is not None and len(kept) < self._keep:
            kept.append(tx)
        else:
            connection.close()
        return result

    def _run(self, work: Callable[[Tx], T], kind: Kind) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return self._transaction(work, kind)
            except DBAPIError as error:
                if error.connection_invalidated and kind == "single" and attempt < MAX_ATTEMPTS:
                    # The server dropped a kept connection (a restart, an idle timeout), and those kept
                    # with it went the same way. A read of one statement is safe to run again.
                    log.info("glance retried on a fresh connection", extra={"attempt": attempt})
                    self._forget(kind)
                    continue
                sqlstate = _sqlstate(error)
                if sqlstate in RETRYABLE_SQLSTATES and attempt < MAX_ATTEMPTS:
                    log.info("transaction retried", extra={"attempt": attempt, "sqlstate": sqlstate})
                    # Full jitter: contenders spread out instead of colliding again in lockstep.
                    time.sleep(random.uniform(0, 0.002 * 2**attempt))  # noqa: S311 - not security
                    continue
                if sqlstate in RETRYABLE_SQLSTATES or sqlstate in OVERLOAD_SQLSTATES or _sqlite_busy(error):
                    log.warning("database busy", extra={"attempts": attempt, "sqlstate": sqlstate})
                    raise Busy("the database is busy; try again") from error
                raise
            except PoolTimeout as error:
                log.warning("no database connection free in time")
                raise Busy("the database is busy; try again") from error
        raise AssertionError("unreachable")


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _sqlite_busy(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in SQLITE_BUSY_CODES

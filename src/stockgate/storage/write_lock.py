"""One writer at a time across every process that writes to the same SQLite file.

SQLite admits one writer anyway; a second process's BEGIN IMMEDIATE meets SQLITE_BUSY and its busy
handler sleeps and polls (1, 2, 5, 10 ... ms), so under load the writers of one server process kept
the lock among themselves while the other process's writers slept. An exclusive flock on a file beside
the database makes writers wait in the kernel instead and wakes one the moment the lock is free
(bench/README.md has the measurements). flock locks belong to an open file, so each process opens its
own; SQLite's own locks on the database file are POSIX locks and do not interact with it.
"""

from __future__ import annotations

import fcntl
import os
from types import TracebackType

from sqlalchemy import Engine


class WriteLock:
    """A context manager holding the file lock; re-entrant use is not supported."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0

    def __enter__(self) -> None:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        assert self._fd is not None
        fcntl.flock(self._fd, fcntl.LOCK_UN)


def sqlite_write_lock(engine: Engine) -> WriteLock | None:
    """The lock of the engine's SQLite file (None for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return WriteLock(os.path.abspath(database) + "-writer")

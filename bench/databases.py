"""The run's two databases: the one under test, and a scratch copy for the `ceiling-db` replay.

SQLite: two files in a temporary directory (or the file named by --database-url, which must not exist
yet). PostgreSQL: --database-url names a server (any database on it, used as the admin connection); the
run creates its own databases there and drops them afterwards. `--postgres` starts a throwaway server
the way the test suite does (tests/support/pg_server.py).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from stockgate.storage.engine import normalise_url


class Databases:
    def __init__(self, url: str, scratch: str, admin: str | None) -> None:
        self.url = url
        self.scratch = scratch
        self.admin = admin  # PostgreSQL only

    @property
    def engine(self) -> str:
        return "postgresql" if self.admin else "sqlite"

    def copy_to_scratch(self) -> None:
        """Make the scratch database an exact copy of the one under test (nothing may be connected)."""
        if self.admin is None:
            source = sqlite3.connect(make_url(self.url).database or "")
            target = sqlite3.connect(make_url(self.scratch).database or "")
            source.backup(target)
            target.close()
            source.close()
            return
        name, scratch = _name(self.url), _name(self.scratch)
        _admin_execute(self.admin, f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        _admin_execute(self.admin, f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')


def _name(url: str) -> str:
    return make_url(url).database or ""


def _admin_execute(admin_url: str, sql: str) -> None:
    conninfo = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(sql)


@contextmanager
def prepared(database_url: str | None, *, postgres: bool) -> Iterator[Databases]:
    """Fresh, empty databases for one run; removed afterwards."""
    if postgres:
        from tests.support.pg_server import running_server

        with running_server() as admin, _postgres(admin) as databases:
            yield databases
        return
    if database_url and not database_url.startswith("sqlite"):
        with _postgres(database_url) as databases:
            yield databases
        return
    directory = tempfile.mkdtemp(prefix="stockgate-bench-")
    try:
        path = Path(make_url(database_url).database or "") if database_url else Path(directory, "bench.db")
        if path.exists():
            raise SystemExit(f"{path} exists: the benchmark needs a fresh database")
        yield Databases(f"sqlite:///{path}", f"sqlite:///{Path(directory, 'scratch.db')}", None)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def _postgres(admin_url: str) -> Iterator[Databases]:
    admin = normalise_url(admin_url)
    base = make_url(admin)
    tag = f"stockgate_bench_{os.getpid()}"
    url = base.set(database=tag).render_as_string(hide_password=False)
    scratch = base.set(database=tag + "_scratch").render_as_string(hide_password=False)
    for name in (tag, tag + "_scratch"):
        _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_execute(admin, f'CREATE DATABASE "{tag}"')
    try:
        yield Databases(url, scratch, admin)
    finally:
        for name in (tag, tag + "_scratch"):
            _admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

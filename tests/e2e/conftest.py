"""Fixtures of the end-to-end tests: fresh databases for real server processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from stockgate.bootstrap import Runtime
from tests.support.ghost_load import open_runtime
from tests.support.pg_server import Databases


@pytest.fixture
def pg_url(pg_databases: Databases) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (dropped afterwards)."""
    url = pg_databases.fresh()
    yield url
    pg_databases.drop(url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'stockgate.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest) -> str:
    """A fresh database on each engine in turn."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def open_rt() -> Iterator[Callable[[str], Runtime]]:
    """Opens the test's own connection to a database (to seed it and read the books); closed after."""
    opened: list[Runtime] = []

    def open_(url: str) -> Runtime:
        opened.append(open_runtime(url))
        return opened[-1]

    yield open_
    for rt in opened:
        rt.close()

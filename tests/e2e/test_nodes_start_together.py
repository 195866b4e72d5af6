"""Several nodes started at the same moment on an empty PostgreSQL database: one migrates, the others
wait for it (an advisory lock), and all of them serve."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from stockgate.storage.engine import normalise_url
from stockgate.storage.migrate import alembic_config
from tests.support.pg_server import Databases
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def empty_pg_url(pg_databases: Databases) -> Iterator[str]:
    url = pg_databases.empty()
    yield url
    pg_databases.drop(url)


def test_three_nodes_starting_together_migrate_once(empty_pg_url: str) -> None:
    nodes = [ServerProcess(empty_pg_url) for _ in range(3)]
    try:
        for node in nodes:
            node.launch()
        for node in nodes:
            node.wait_ready()
            assert httpx.get(f"{node.base_url}/readyz", timeout=10).status_code == 200
    finally:
        for node in nodes:
            node.close()
    engine = create_engine(normalise_url(empty_pg_url))
    heads = ScriptDirectory.from_config(alembic_config(engine)).get_heads()
    with engine.connect() as c:
        applied = c.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        tables = c.execute(text("SELECT count(*) FROM pg_tables WHERE tablename = 'models'")).scalar_one()
    engine.dispose()
    assert tables == 1
    assert sorted(applied) == sorted(heads)  # every head applied, each once

"""A database with a small catalog and one shop, for module-scoped fixtures (set up once per engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.throttle import RateLimit
from stockgate.services.accounts import create_account
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.rate_limits import set_rate_limit
from stockgate.services.supplier_stock import set_stock
from tests.conftest import Shop
from tests.support.pg_server import Databases

PASSWORD = "correct horse battery"


@dataclass
class Seeded:
    url: str
    runtime: Runtime
    shop: Shop
    stock_ids: list[int]


@contextmanager
def seeded_database(
    request: pytest.FixtureRequest, folder: Path, *, rate_limit: RateLimit | None = None
) -> Iterator[Seeded]:
    """`request.param` names the engine; the shop gets `rate_limit` as its own limit when given."""
    databases: Databases | None = None
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'stockgate.db'}"
    else:
        databases = request.getfixturevalue("pg_databases")
        url = databases.fresh()
    runtime = start(Config(database_url=url))
    try:
        records = list(generate_catalog(products=3, seed=11))
        import_products(runtime.db, records=records, actor="test")
        stock_ids = [m.id for r in records for m in r.models]
        for sid in stock_ids:
            set_stock(runtime.db, stock_id=sid, quantity=50, actor="test")
        add_carrier(runtime.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
        account = create_account(
            runtime.db,
            email="shop@example.com",
            password=PASSWORD,
            ecredit=Decimal("1000"),
            address="Via Roma, 1, 10100, Torino, TO, IT",
            actor="test",
        )
        if rate_limit is not None:
            set_rate_limit(runtime.db, email=account.email, limit=rate_limit)
        yield Seeded(url, runtime, Shop(account.email, account.api_key, PASSWORD, account.id), stock_ids)
    finally:
        runtime.close()
        if databases is not None:
            databases.drop(url)

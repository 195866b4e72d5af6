"""Fixtures shared by every level of the pyramid: databases (SQLite and PostgreSQL), runtimes,
a catalog, accounts and in-process HTTP clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, create_app, start
from stockgate.services.accounts import create_account
from stockgate.services.auth import Principal, authenticate
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.supplier_stock import set_stock
from tests.support import pg_server
from tests.support.pg_server import Databases, running_server

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[Databases]:
    if not pg_server.available() and not pg_server.required():
        pytest.skip("PostgreSQL is not installed (scripts/test installs it): its half of the tests skips")
    with running_server() as admin_url:
        yield Databases(admin_url)


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stockgate.db'}"
        return
    databases: Databases = request.getfixturevalue("pg_databases")
    url = databases.fresh()
    yield url
    databases.drop(url)


@pytest.fixture
def pg_runtime(pg_databases: Databases) -> Iterator[Runtime]:
    """A runtime on a fresh PostgreSQL database, for what only that engine does."""
    url = pg_databases.fresh()
    rt = start(Config(database_url=url, pool_size=5))
    yield rt
    rt.close()
    pg_databases.drop(url)


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    rt = start(Config(database_url=database_url, pool_size=20))
    yield rt
    rt.close()


@dataclass
class Shop:
    """A dropshipper account as a test sees it."""

    email: str
    api_key: str
    password: str
    account_id: int

    @property
    def auth(self) -> tuple[str, str]:
        return (self.api_key, self.password)


AccountFactory = Callable[..., Shop]


@pytest.fixture
def make_account(runtime: Runtime) -> AccountFactory:
    counter = iter(range(1, 10_000))

    def make(
        ecredit: str = "0", auto_confirm: bool = False, email: str | None = None, address: str | None = None
    ) -> Shop:
        email = email or f"shop{next(counter)}@example.com"
        password = "correct horse battery"
        new = create_account(
            runtime.db,
            email=email,
            password=password,
            ecredit=Decimal(ecredit),
            auto_confirm=auto_confirm,
            address=address or "Via Roma, 1, 10100, Torino, TO, IT",
            actor="test",
        )
        return Shop(new.email, new.api_key, password, new.id)

    return make


@pytest.fixture
def catalog(runtime: Runtime) -> list[int]:
    """A small generated catalog and three carriers; answers the stock_ids."""
    records = list(generate_catalog(products=10, seed=7))
    import_products(runtime.db, records=records, actor="test")
    add_carrier(runtime.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    add_carrier(runtime.db, carrier_id=20, name="UPS", cost=Decimal("7.50"), countries="IT,FR")
    add_carrier(runtime.db, carrier_id=30, name="Light", cost=Decimal("3.00"), max_weight=Decimal("1.000"))
    return [m.id for r in records for m in r.models]


@pytest.fixture
def stock(runtime: Runtime, catalog: list[int]) -> list[int]:
    """Three models with on-hand 10, 5 and 0."""
    for sid, quantity in zip(catalog[:3], (10, 5, 0), strict=True):
        set_stock(runtime.db, stock_id=sid, quantity=quantity, actor="test")
    return catalog[:3]


@pytest.fixture
def shop(make_account: AccountFactory) -> Shop:
    return make_account()


@pytest.fixture
def principal_of(runtime: Runtime) -> Callable[[Shop], Principal]:
    return lambda s: authenticate(runtime.db, api_key=s.api_key, password=s.password)


@pytest.fixture
def http(runtime: Runtime) -> Iterator[TestClient]:
    """The real app in-process (no network), on the test's database."""
    with TestClient(create_app(runtime.config, runtime)) as client:
        yield client

"""A fresh database for one benchmark run: catalog, carriers, shops with credit and a reservation.

Everything goes through the same use cases the supplier's commands call (import_products, add_carrier,
create_account, reserve), so the ledger is complete and `stockgate check` holds from the start.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import func, select, update

from stockgate.bootstrap import Runtime
from stockgate.domain.catalog import ProductRecord
from stockgate.domain.stock import make_operation
from stockgate.services.accounts import create_account
from stockgate.services.auth import Principal
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.passwords import api_key_hash
from stockgate.services.reservations import reserve
from stockgate.services.supplier_stock import set_stock
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import order_lines, orders

PASSWORD = "bench-password"
# Deep enough that no run can empty a model: every lock and order line of a run is granted in full,
# so the units granted are exactly the requests answered 2xx times their size.
ON_HAND = 1_000_000
HOT_ON_HAND = 100_000_000
POOL = 10  # models each shop keeps locked (E4 answers these; E3 locks more of them)
ECREDIT = Decimal("100000000.00")
ACTOR = "bench"


@dataclass(frozen=True)
class Shop:
    email: str
    account_id: int
    api_key: str
    pool: list[int]

    @property
    def authorization(self) -> str:
        return "Basic " + base64.b64encode(f"{self.api_key}:{PASSWORD}".encode()).decode()

    @property
    def principal(self) -> Principal:
        return Principal(self.account_id, None, api_key_hash(self.api_key))

    def as_load(self) -> dict[str, object]:
        return {"authorization": self.authorization, "pool": self.pool}


@dataclass(frozen=True)
class Dataset:
    shops: list[Shop]
    export_shop: Shop
    hot: int  # the one model every shop locks in reserve-hot
    free: list[int]  # models nobody keeps locked: order lines come from free stock
    models: int
    products: int


@dataclass(frozen=True)
class Totals:
    """What the stock figures say has been granted: units locked, units ordered, orders."""

    locked: int
    ordered: int
    orders: int

    @property
    def granted(self) -> int:
        return self.locked + self.ordered


def catalog(model_count: int, seed: int = 42) -> Iterator[ProductRecord]:
    """Generated products holding exactly `model_count` models in all, each deep in stock."""
    left = model_count
    for product in generate_catalog(products=model_count, seed=seed, locales=2):
        if left <= 0:
            return
        kept = [replace(m, availability=ON_HAND) for m in product.models[:left]]
        left -= len(kept)
        yield replace(product, models=kept)


def build(rt: Runtime, *, model_count: int, shop_count: int, seed: int = 42) -> Dataset:
    """Fill the empty database of `rt` and answer what the load generator needs to know."""
    stock_ids: list[int] = []
    products = 0

    def counted() -> Iterator[ProductRecord]:
        nonlocal products
        for product in catalog(model_count, seed):
            products += 1
            stock_ids.extend(m.id for m in product.models)
            yield product

    import_products(rt.db, records=counted(), actor=ACTOR)
    add_carrier(rt.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    add_carrier(rt.db, carrier_id=20, name="UPS", cost=Decimal("7.50"), countries="IT,FR,DE,ES")
    add_carrier(
        rt.db, carrier_id=30, name="Poste", cost=Decimal("5.90"), countries="IT", max_weight=Decimal(30)
    )

    hot = stock_ids[0]
    if len(stock_ids) < 2 + shop_count * POOL + 10:
        raise ValueError(f"{len(stock_ids)} models are too few for {shop_count} shops: use more --models")
    rng = random.Random(seed)
    spread = rng.sample(stock_ids[1:], len(stock_ids) - 1)
    pools = [sorted(spread[i * POOL : (i + 1) * POOL]) for i in range(shop_count)]
    free = sorted(spread[shop_count * POOL :])

    # argon2 makes each account take a while to open; a few at once keep both cores busy.
    with ThreadPoolExecutor(4) as pool:
        opened = list(pool.map(lambda n: _open_shop(rt, n), range(shop_count + 1)))
    shops = [replace(shop, pool=p) for shop, p in zip(opened, pools, strict=False)]
    _share_password_hash(rt, opened)
    set_stock(rt.db, stock_id=hot, quantity=HOT_ON_HAND, actor=ACTOR, reason="bench hot model")
    for shop in shops:
        reserve(
            rt.db,
            principal=shop.principal,
            operations=[make_operation("lock", [(sid, 1) for sid in shop.pool])],
            actor=ACTOR,
        )
    return Dataset(shops, opened[-1], hot, free, len(stock_ids), products)


def _open_shop(rt: Runtime, n: int) -> Shop:
    new = create_account(
        rt.db,
        email=f"shop{n:03d}@bench.test",
        password=PASSWORD,
        ecredit=ECREDIT,
        name=f"Bench shop {n}",
        address="Via Roma, 1, 10100, Torino, TO, IT",
        actor=ACTOR,
    )
    return Shop(new.email, new.id, new.api_key, [])


def _share_password_hash(rt: Runtime, shops: list[Shop]) -> None:
    """Give every bench account the first one's stored argon2 hash (same password, same salt).

    A server process verifies a password with argon2 once per (stored hash, password) and remembers
    it; with one shared hash each worker pays argon2 once in all instead of once per shop, so the
    warm-up of each scenario is short and no verification leaks into a measured window.
    """
    ids = [shop.account_id for shop in shops]
    with rt.engine.begin() as connection:
        first = connection.execute(
            select(accounts.c.password_hash).where(accounts.c.id == ids[0])
        ).scalar_one()
        connection.execute(update(accounts).where(accounts.c.id.in_(ids)).values(password_hash=first))


def totals(rt: Runtime) -> Totals:
    """Units locked and ordered, and orders placed, as the stock tables say (read by the harness)."""
    with rt.engine.connect() as connection:
        locked = connection.execute(select(func.coalesce(func.sum(models.c.locked), 0))).scalar_one()
        ordered = connection.execute(select(func.coalesce(func.sum(order_lines.c.quantity), 0))).scalar_one()
        placed = connection.execute(
            select(func.count()).select_from(orders).where(orders.c.kind != "reservation")
        ).scalar_one()
    return Totals(int(locked), int(ordered), int(placed))

"""A large platform for measuring the back-office: a 100,000-product catalog and 100,000 orders.

The catalog goes through the real import; accounts, orders, their lines, ledger entries and
reservations are written in bulk with Core statements (placing 100,000 orders one transaction at a
time would take longer than the measurement is worth), shaped like what the services write.
"""

from __future__ import annotations

import random
import secrets
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from stockgate.bootstrap import Config, start
from stockgate.domain.money import cents
from stockgate.services.admins import create_admin
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.passwords import api_key_hash, hash_password
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import ledger, order_lines, orders, reservation_lines
from stockgate.storage.supplier_tables import return_lines, return_requests
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.backoffice_seed import RECIPIENTS

CHUNK = 5000
STATUSES = [(3, 70), (2000, 5), (2, 8), (3001, 5), (3002, 4), (5, 8)]


@dataclass
class BigData:
    """Facts about the generated data that the measurements ask for."""

    account_emails: list[str]
    account_ids: list[int]
    order_ids: list[int]
    stock_ids: list[int]
    barcodes: list[str]


RETURN_STATUSES = [(9, 80), (7, 5), (0, 5), (1, 3), (2, 3), (3, 2), (4, 2)]


def _returns(
    c: Connection,
    rng: random.Random,
    order_ids: list[int],
    order_rows: list[dict[str, Any]],
    line_rows: list[list[tuple[int, int]]],
    prices: dict[int, Decimal],
) -> None:
    """One returned unit for every tenth dispatched order, mostly long settled."""
    chosen = [(oid, row, lines) for oid, row, lines in zip(order_ids, order_rows, line_rows, strict=True)]
    chosen = [item for item in chosen if item[1]["status"] == 3][::10]
    c.execute(
        return_requests.insert(),
        [
            {"order_id": oid, "account_id": row["account_id"], "created_at": row["created_at"]}
            for oid, row, _ in chosen
        ],
    )
    request_ids = [
        int(i) for i in c.execute(select(return_requests.c.id).order_by(return_requests.c.id)).scalars()
    ]
    weights = [w for _, w in RETURN_STATUSES]
    lines = []
    for request_id, (order_id, row, order_lines_) in zip(request_ids, chosen, strict=True):
        stock_id = order_lines_[0][0]
        status = rng.choices([s for s, _ in RETURN_STATUSES], weights)[0]
        lines.append(
            {
                "request_id": request_id,
                "order_id": order_id,
                "account_id": row["account_id"],
                "stock_id": stock_id,
                "unit_price": prices[stock_id],
                "reason_code": rng.randint(0, 8),
                "status": status,
                "return_code": f"RBENCH{request_id:07d}" if status else None,
                "paid_by": "supplier" if status else None,
                "created_at": row["created_at"],
                "updated_at": row["created_at"],
            }
        )
    for chunk in _chunks(lines):
        c.execute(return_lines.insert(), chunk)


def _entry(order: dict[str, Any], kind: str, order_id: int, **values: Any) -> dict[str, Any]:
    entry = {"stock_id": None, "on_hand_delta": 0, "status": None, "reason": "", **values}
    return {"at": order["created_at"], "actor": "bench", "kind": kind, "order_id": order_id, **entry}


def _chunks(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    iterator = iter(rows)
    return list(iter(lambda: list(islice(iterator, CHUNK)), []))


def generate(url: str, *, products: int, orders_count: int, shops: int = 200, seed: int = 3) -> BigData:
    rng = random.Random(seed)
    runtime = start(Config(database_url=url))
    try:
        import_products(runtime.db, records=generate_catalog(products=products, seed=seed), actor="bench")
        add_carrier(runtime.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
        create_admin(runtime.db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        return _bulk(runtime.engine, rng, orders_count, shops)
    finally:
        runtime.close()


def _bulk(engine: Engine, rng: random.Random, orders_count: int, shops: int) -> BigData:
    now = datetime.now(UTC)
    password_hash = hash_password("shop password 1")
    with engine.begin() as c:
        catalog = c.execute(select(models.c.id, models.c.taxable, models.c.on_hand, models.c.barcode)).all()
        shop_rows = [
            {
                "email": f"shop{n:04d}@example.com",
                "name": f"Shop {n}",
                "api_key_hash": api_key_hash(secrets.token_hex(16)),
                "api_key_hint": f"{n:08d}",
                "password_hash": password_hash,
                "ecredit": cents(Decimal(rng.randint(0, 500_000)) / 100),
                "created_at": now - timedelta(days=400),
                "countrycode": "IT",
            }
            for n in range(shops)
        ]
        c.execute(accounts.insert(), shop_rows)
        shop_ids = [int(i) for i in c.execute(select(accounts.c.id).order_by(accounts.c.id)).scalars()]
    stock_ids = [int(r.id) for r in catalog]
    prices = {int(r.id): r.taxable for r in catalog}
    weights = [w for _, w in STATUSES]
    moments = sorted(now - timedelta(seconds=rng.randint(0, 365 * 86400)) for _ in range(orders_count))
    order_rows, line_rows = [], []
    for n, moment in enumerate(moments):
        chosen = rng.sample(stock_ids, rng.randint(1, 3))
        lines = [(sid, rng.randint(1, 3)) for sid in chosen]
        total = cents(sum((prices[s] * q for s, q in lines), Decimal(0)) + Decimal("9.80"))
        status = rng.choices([s for s, _ in STATUSES], weights)[0]
        slot = rng.randrange(len(RECIPIENTS))
        order_rows.append(
            {
                "account_id": rng.choice(shop_ids),
                "kind": "dropship",
                "key": f"WEB-{n}",
                "status": status,
                "substatus": 1 if status != 5 else None,
                "order_date": moment,
                "carrier_id": 10,
                "carrier_name": "DHL",
                "carrier_cost": Decimal("9.80"),
                "total": total,
                "paid": total if status != 5 else Decimal(0),
                "recipient": RECIPIENTS[slot],
                "street_name": "Via Roma",
                "zip": "10100",
                "city": "Torino",
                "countrycode": "IT",
                "tracking_code": f"TRK{n}" if status == 3 else None,
                "created_at": moment,
                "last_update": moment,
            }
        )
        line_rows.append(lines)
    with engine.begin() as c:
        for chunk in _chunks(order_rows):
            c.execute(orders.insert(), chunk)
        order_ids = [int(i) for i in c.execute(select(orders.c.id).order_by(orders.c.id)).scalars()]
        lines_flat, entries = [], []
        for order_id, row, lines in zip(order_ids, order_rows, line_rows, strict=True):
            for sid, quantity in lines:
                lines_flat.append(
                    {"order_id": order_id, "stock_id": sid, "quantity": quantity, "unit_price": prices[sid]}
                )
                entries.append(_entry(row, "order", order_id, stock_id=sid, on_hand_delta=-quantity))
            entries.append(_entry(row, "status", order_id, status=row["status"], reason="generated"))
        for chunk in _chunks(lines_flat):
            c.execute(order_lines.insert(), chunk)
        for chunk in _chunks(entries):
            c.execute(ledger.insert(), chunk)
        # Reservations: half the shops hold 20 models each, never more than a model has.
        plentiful = [int(r.id) for r in catalog if r.on_hand >= 5]
        on_hand = {int(r.id): int(r.on_hand) for r in catalog}
        locked: dict[int, int] = {}
        holdings = []
        for account_id in shop_ids[: shops // 2]:
            for sid in rng.sample(plentiful, 20):
                quantity = rng.randint(1, 2)
                if locked.get(sid, 0) + quantity > on_hand[sid]:
                    continue
                locked[sid] = locked.get(sid, 0) + quantity
                holdings.append({"account_id": account_id, "stock_id": sid, "quantity": quantity})
        c.execute(reservation_lines.insert(), holdings)
        for sid, quantity in locked.items():
            c.execute(update(models).where(models.c.id == sid).values(locked=models.c.locked + quantity))
        _returns(c, rng, order_ids, order_rows, line_rows, prices)
    return BigData(
        account_emails=[r["email"] for r in shop_rows],
        account_ids=shop_ids,
        order_ids=order_ids,
        stock_ids=stock_ids,
        barcodes=[str(r.barcode) for r in catalog],
    )


def main(argv: list[str]) -> int:
    """`python -m tests.support.big_dataset URL [PRODUCTS] [ORDERS]`: fill a database to look at."""
    url, products, orders_count = (
        argv[0],
        int(argv[1] if len(argv) > 1 else 100_000),
        int(argv[2] if len(argv) > 2 else 100_000),
    )
    generate(url, products=products, orders_count=orders_count)
    print(f"{url}: {products} products, {orders_count} orders; log in as {ADMIN_EMAIL} / {ADMIN_PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

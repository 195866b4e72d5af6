"""What the multi-process tests share: seeding a database, ghost API bodies, racing client threads and
reading the outcome straight from the database."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from sqlalchemy import func, select

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.accounts import parse_address
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.check import check_invariants
from stockgate.services.passwords import api_key_hash, hash_password, new_api_key
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.supplier_stock import set_stock
from stockgate.services.unit_of_work import Tx
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import order_lines, orders

T = TypeVar("T")

JSON = {"Accept": "application/json", "Content-Type": "application/json"}
SOLD = "/restful/ghost/orders/sold"
LOCKED = "/restful/ghost/orders/dropshipping/locked"
DROPSHIP = "/restful/ghost/orders/0/dropshipping"
ACQUIRE = "/restful/ghost/supplierorder/acquire"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Client:
    """A shop account as a racing client uses it."""

    email: str
    api_key: str
    account_id: int

    @property
    def auth(self) -> tuple[str, str]:
        return (self.api_key, PASSWORD)


def open_runtime(database_url: str) -> Runtime:
    return start(Config(database_url=database_url, pool_size=5))


def seed_models(rt: Runtime, on_hand: Sequence[int], *, seed: int = 11) -> list[int]:
    """Import a small catalog and a default carrier; set the first models' on-hand; their stock_ids."""
    records = list(generate_catalog(products=max(2, len(on_hand)), seed=seed))
    import_products(rt.db, records=records, actor="test")
    add_carrier(rt.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    stock_ids = [m.id for r in records for m in r.models][: len(on_hand)]
    assert len(stock_ids) == len(on_hand), "the generated catalog has too few models"
    for sid, quantity in zip(stock_ids, on_hand, strict=True):
        set_stock(rt.db, stock_id=sid, quantity=quantity, actor="test")
    return stock_ids


def seed_clients(rt: Runtime, count: int, *, ecredit: str = "0") -> list[Client]:
    """`count` accounts sharing one password hash, in one transaction.

    argon2 costs a third of a second per hash here on purpose; one hash for all keeps a hundred-shop
    race affordable, and each server process then verifies the password once for all of them.
    """
    password_hash = hash_password(PASSWORD)
    credit = Decimal(ecredit)

    def work(tx: Tx) -> list[Client]:
        made = []
        for n in range(count):
            api_key = new_api_key()
            email = f"racer{n}@example.com"
            account_id = tx.accounts.create(
                {
                    "email": email,
                    "password_hash": password_hash,
                    "api_key_hash": api_key_hash(api_key),
                    "api_key_hint": api_key[:8],
                    **parse_address("Via Roma, 1, 10100, Torino, TO, IT"),
                }
            )
            if credit:
                tx.accounts.add_credit(account_id, credit)
                tx.ledger.append(
                    [LedgerEntry("credit", "test", "opening", account_id=account_id, credit_delta=credit)]
                )
            made.append(Client(email, api_key, account_id))
        return made

    return rt.db.write(work)


def reserve_body(op_type: str, lines: Sequence[tuple[int, int]]) -> dict[str, Any]:
    models_ = [{"stock_id": str(sid), "quantity": str(q)} for sid, q in lines]
    return {"operations": [{"type": op_type, "models": models_}]}


def dropship_body(
    key: str, lines: Sequence[tuple[int, int]], *, auto_confirm: bool = False
) -> dict[str, Any]:
    return {
        "order_list": [
            {
                "key": key,
                "date": "2024/05/01 10:00:00 +0000",
                "autoConfirm": auto_confirm,
                "recipient_details": {
                    "recipient": "Mario Rossi",
                    "address": {
                        "street_name": "Via Po",
                        "zip": "10124",
                        "city": "Torino",
                        "countrycode": "IT",
                    },
                },
                "item_list": [{"stock_id": sid, "quantity": q} for sid, q in lines],
            }
        ]
    }


def acquire_body(lines: Sequence[tuple[int, int]]) -> dict[str, Any]:
    return {"products": [{"stock_id": sid, "quantity": q} for sid, q in lines], "autoConfirm": False}


def race(count: int, job: Callable[[int, Callable[[], None]], T], *, timeout: float = 300) -> list[T]:
    """Run job(n, go) for n in 0..count-1 on real threads; each calls go() when ready, and go() returns
    in all threads together, so their requests truly collide. Answers the jobs' results in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def go() -> None:
        barrier.wait(timeout)

    def run(n: int) -> None:
        try:
            results[n] = job(n, go)
        except BaseException as error:  # re-raised in the test's thread below
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(n,), name=f"client-{n}") for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a client thread never finished"
    if errors:
        raise errors[0]
    return results


_warming = threading.Lock()


def warm_up(http: httpx.Client) -> None:
    """A first request before the race: connected, and the password verified by the server process.

    One client at a time: the processes then verify the shared password once each, instead of every
    client paying argon2 at once (which, on two cores, would take longer than the race itself).
    """
    with _warming:
        response = http.get(LOCKED)
        assert response.status_code == 200, response.text


def http_client(base_url: str, client: Client) -> httpx.Client:
    return httpx.Client(base_url=base_url, auth=client.auth, headers=JSON, timeout=60)


@dataclass(frozen=True)
class Books:
    """What the database says after a run."""

    on_hand: dict[int, int]
    locked: dict[int, int]
    sold: dict[int, int]  # stock_id -> units in orders
    orders: dict[int, tuple[int, str | None]]  # order_id -> (account_id, key), reservations excluded
    breaches: list[str]


def read_books(rt: Runtime, stock_ids: Sequence[int]) -> Books:
    with rt.engine.connect() as c:
        stock = c.execute(
            select(models.c.id, models.c.on_hand, models.c.locked).where(models.c.id.in_(stock_ids))
        ).all()
        sold = c.execute(
            select(order_lines.c.stock_id, func.sum(order_lines.c.quantity))
            .where(order_lines.c.stock_id.in_(stock_ids))
            .group_by(order_lines.c.stock_id)
        ).all()
        placed = c.execute(
            select(orders.c.id, orders.c.account_id, orders.c.key).where(orders.c.kind != "reservation")
        ).all()
    return Books(
        on_hand={int(r[0]): int(r[1]) for r in stock},
        locked={int(r[0]): int(r[2]) for r in stock},
        sold={sid: 0 for sid in stock_ids} | {int(r[0]): int(r[1]) for r in sold},
        orders={int(r[0]): (int(r[1]), r[2]) for r in placed},
        breaches=check_invariants(rt.db),
    )

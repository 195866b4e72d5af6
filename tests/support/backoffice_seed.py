"""A small, lived-in platform for looking at the back-office: screenshots and manual tries.

Everything goes through the service functions, so the books balance (`stockgate check` passes).
"""

from __future__ import annotations

import random
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal

from stockgate.domain.errors import InvalidTransition
from stockgate.domain.returns import ReturnItem, ReturnRequest
from stockgate.services.accounts import create_account
from stockgate.services.admins import create_admin
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.return_requests import open_return
from stockgate.services.return_workflow import authorize_return
from stockgate.services.supplier_orders import show_order
from stockgate.services.unit_of_work import Database
from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD, dropship, principal
from tests.support.supplier import lock

SHOPS = [
    ("orders@modaverde.example", "Moda Verde", "1250.00", True),
    ("buyer@lunashoes.example", "Luna Shoes", "35.40", False),
    ("shop@atelier-nord.example", "Atelier Nord", "0.00", False),
    ("hello@cittabags.example", "Città Bags", "480.00", False),
]
RECIPIENTS = [
    "Mario Rossi",
    "Giulia Bianchi",
    "Hans Müller",
    "Claire Dubois",
    "Lucía García",
    "Anna Kowalska",
]
COUNTRIES = ["IT", "IT", "DE", "FR", "ES", "PL"]


@dataclass
class Seeded:
    shops: dict[str, tuple[str, int]] = field(default_factory=dict)  # email -> (api key, id)
    orders: list[int] = field(default_factory=list)


def seed(db: Database, *, products: int = 120, orders: int = 40) -> Seeded:
    """Catalog, carriers, an admin, four shops, their orders and reservations."""
    rng = random.Random(11)
    records = list(generate_catalog(products=products, seed=7, locales=3))
    import_products(db, records=records, actor="seed")
    add_carrier(db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    add_carrier(db, carrier_id=20, name="UPS", cost=Decimal("7.50"), countries="IT,FR,DE,ES")
    add_carrier(
        db, carrier_id=30, name="Poste Italiane", cost=Decimal("5.90"), countries="IT", max_weight=Decimal(30)
    )
    create_admin(db, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    seeded = Seeded()
    for email, name, ecredit, auto_confirm in SHOPS:
        new = create_account(
            db,
            email=email,
            password="shop password 1",
            ecredit=Decimal(ecredit),
            auto_confirm=auto_confirm,
            name=name,
            address="Via Roma, 1, 10100, Torino, TO, IT",
            actor="seed",
        )
        seeded.shops[email] = (new.api_key, new.id)
    plenty = [m.id for r in records for m in r.models if m.availability >= 12]
    for n in range(orders):
        email = SHOPS[n % len(SHOPS)][0]
        key, account_id = seeded.shops[email]
        lines = {sid: rng.randint(1, 2) for sid in rng.sample(plenty, rng.randint(1, 3))}
        who = principal(db, account_id, key)
        slot = rng.randrange(len(RECIPIENTS))
        seeded.orders.append(
            dropship(db, who, f"WEB-{1000 + n}", lines, recipient=RECIPIENTS[slot], country=COUNTRIES[slot])
        )
    # The warehouse at work: orders in every status, and returns at every step.
    for n, order_id in enumerate(seeded.orders[:24]):
        _move(db, order_id, n)
    for order_id in seeded.orders[:4]:
        _return(db, seeded, order_id)
    for email, count in [(SHOPS[1][0], 6), (SHOPS[2][0], 3), (SHOPS[3][0], 2)]:
        key, account_id = seeded.shops[email]
        lock(
            db,
            principal(db, account_id, key),
            [(sid, rng.randint(1, 4)) for sid in rng.sample(plenty, count)],
        )
    return seeded


def _move(db: Database, order_id: int, n: int) -> None:
    """Take the n-th order somewhere along the workflow (cancelled, rejected, or forward)."""
    if n % 8 == 6:
        cancel_order(db, order_id=order_id, reason="customer changed their mind", actor="seed")
        return
    if n % 8 == 7:
        cancel_order(
            db, order_id=order_id, reason="address refused by the carrier", reject=True, actor="seed"
        )
        return
    target = [3, 3, 3, 3002, 3001, 2][n % 6]
    tracking = {
        "tracking_code": f"1Z{order_id:08d}",
        "tracking_url": f"https://track.example/1Z{order_id:08d}",
    }
    with suppress(InvalidTransition):  # already confirmed when it was placed
        advance_order(db, order_id=order_id, to=target, actor="seed", **(tracking if target == 3 else {}))


def _return(db: Database, seeded: Seeded, order_id: int) -> None:
    order = show_order(db, order_id=order_id)
    if order.fields["status"] != 3:
        return
    email = order.fields["account_email"]
    key, account_id = seeded.shops[email]
    line = order.lines[0]
    items = (ReturnItem(line.stock_id, line.quantity, 2 if order_id % 2 else 6, "seen in the seed"),)
    ids = open_return(
        db, principal=principal(db, account_id, key), request=ReturnRequest(order_id, items), actor="seed"
    )
    if order_id % 3 == 0:
        authorize_return(db, return_id=ids[0], actor="seed")

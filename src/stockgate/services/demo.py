"""Demo data for `stockgate serve --demo`: a catalog, carriers and a dropshipper with e-credit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stockgate.domain.stock import make_operation
from stockgate.services.accounts import create_account
from stockgate.services.auth import Principal
from stockgate.services.carriers import add_carrier
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_products
from stockgate.services.passwords import api_key_hash
from stockgate.services.reservations import reserve
from stockgate.services.unit_of_work import Database

DEMO_EMAIL = "demo@stockgate.test"
# Fixed so a restarted demo prints the same working curl line; `--demo` is for trying stockgate out.
DEMO_API_KEY = "5a3c1e2d-0000-4000-8000-00000000de00"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - published on purpose


@dataclass(frozen=True)
class DemoAccount:
    email: str
    api_key: str
    password: str
    created: bool


def load_demo(db: Database, *, products: int = 300) -> DemoAccount:
    """Load the demo data into an empty database; on one that has it already, change nothing."""
    if db.read(lambda tx: tx.accounts.by_email(DEMO_EMAIL)) is not None:
        return DemoAccount(DEMO_EMAIL, DEMO_API_KEY, DEMO_PASSWORD, created=False)
    import_products(db, records=generate_catalog(products=products, locales=3), actor="demo")
    add_carrier(db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True)
    add_carrier(db, carrier_id=20, name="UPS", cost=Decimal("7.50"), countries="IT,FR,DE,ES")
    add_carrier(
        db, carrier_id=30, name="Poste Italiane", cost=Decimal("5.90"), countries="IT", max_weight=Decimal(30)
    )
    account = create_account(
        db,
        email=DEMO_EMAIL,
        password=DEMO_PASSWORD,
        ecredit=Decimal("500.00"),
        name="Demo Shop",
        address="Via Roma, 1, 10100, Torino, TO, IT",
        actor="demo",
        api_key=DEMO_API_KEY,
    )
    # A reservation to look at straight away: two units of the first two models in stock.
    catalog = generate_catalog(products=products, locales=3)
    in_stock = [m.id for p in catalog for m in p.models if m.availability >= 2][:2]
    principal = Principal(account.id, None, api_key_hash(DEMO_API_KEY))
    reserve(
        db, principal=principal, operations=[make_operation("lock", [(s, 2) for s in in_stock])], actor="demo"
    )
    return DemoAccount(DEMO_EMAIL, DEMO_API_KEY, DEMO_PASSWORD, created=True)

"""Supplier-side carrier management."""

from __future__ import annotations

from decimal import Decimal

from stockgate.domain.carriers import Carrier
from stockgate.domain.countries import country_code
from stockgate.domain.errors import InvalidInput
from stockgate.services.unit_of_work import Database


def add_carrier(
    db: Database,
    *,
    carrier_id: int,
    name: str,
    cost: Decimal,
    default: bool = False,
    countries: str = "",
    max_weight: Decimal | None = None,
) -> Carrier:
    """Add or replace a carrier; a new default replaces the old one."""
    if carrier_id <= 0:
        raise InvalidInput("id", "carrier id must be a positive integer")
    if not name.strip():
        raise InvalidInput("name", "carrier name is required")
    if cost < 0:
        raise InvalidInput("cost", "carrier cost cannot be negative")
    if max_weight is not None and max_weight <= 0:
        raise InvalidInput("max-weight", "max weight must be positive")
    codes = frozenset(country_code(c, "countries") for c in countries.split(",") if c.strip())
    carrier = Carrier(carrier_id, name.strip(), cost, codes, max_weight, default)
    db.write(lambda tx: tx.carriers.upsert(carrier))
    return carrier


def list_carriers(db: Database) -> list[Carrier]:
    return db.read(lambda tx: tx.carriers.all())

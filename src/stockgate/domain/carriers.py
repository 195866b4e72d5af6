"""Carriers and the rule that picks one for an order (ghost API section 2, Carrier)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Carrier:
    id: int
    name: str
    cost: Decimal
    countries: frozenset[str]  # empty: every country
    max_weight: Decimal | None
    is_default: bool

    def serves(self, country: str, weight: Decimal) -> bool:
        """True when the carrier delivers to `country` and takes `weight` (the max itself included)."""
        if self.countries and country.upper() not in self.countries:
            return False
        return self.max_weight is None or weight <= self.max_weight


def choose_carrier(
    carriers: Sequence[Carrier], requested_id: int | None, country: str, weight: Decimal
) -> Carrier | None:
    """The requested carrier when it serves the shipment, else the default that does, else none."""
    if requested_id is not None:
        for carrier in carriers:
            if carrier.id == requested_id and carrier.serves(country, weight):
                return carrier
    for carrier in carriers:
        if carrier.is_default and carrier.serves(country, weight):
            return carrier
    return None

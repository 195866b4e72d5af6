"""What a shop asks for when it orders: validated requests of E5 and E6 (ghost API 4.4-4.6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from stockgate.domain.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Address:
    street_name: str
    zip: str
    city: str
    countrycode: str
    street_type: str | None = None
    address_number: str | None = None
    province: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    recipient: str
    address: Address
    careof: str | None = None
    cfpiva: str | None = None
    customer_key: str | None = None
    notes: str | None = None
    phone_prefix: str | None = None
    phone_number: str | None = None


@dataclass(frozen=True, slots=True)
class DropshipOrderRequest:
    key: str
    date: datetime
    recipient: Recipient
    lines: dict[int, int]  # stock_id -> requested quantity, repeated stock_ids merged
    carrier_id: int | None = None
    auto_confirm: bool = True


@dataclass(frozen=True, slots=True)
class AcquireRequest:
    lines: dict[int, int]
    carrier_id: int | None = None
    auto_confirm: bool = True


def merge_lines(lines: Iterable[tuple[int, int]], where: str) -> dict[int, int]:
    """Merge order lines by stock_id; each quantity must be a positive integer, at least one line."""
    merged: dict[int, int] = {}
    for stock_id, quantity in lines:
        if quantity <= 0:
            raise InvalidInput("quantity", f"quantity of stock_id {stock_id} in {where} must be positive")
        merged[stock_id] = merged.get(stock_id, 0) + quantity
    if not merged:
        raise InvalidInput("item_list", f"{where} has no item")
    return merged

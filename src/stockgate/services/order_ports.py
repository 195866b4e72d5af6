"""What use cases need from storage about orders: their rows, lines and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class OrderStatusRow:
    order_id: int
    account_id: int
    key: str | None
    status: int
    substatus: int | None
    last_update: datetime
    tracking_code: str | None
    tracking_url: str | None
    tracking_carrier: str | None


@dataclass(frozen=True, slots=True)
class OrderLine:
    stock_id: int
    quantity: int
    unit_price: Decimal
    from_lock: int


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    kind: str
    reason: str
    status: int | None
    stock_id: int | None
    on_hand_delta: int
    locked_delta: int
    credit_delta: Decimal
    return_id: int | None = None


@dataclass(frozen=True, slots=True)
class OrderDetail:
    """An order as the supplier sees it: everything the row holds, its lines and its history."""

    fields: dict[str, Any]
    lines: list[OrderLine]
    history: list[HistoryEntry]


@dataclass(frozen=True, slots=True)
class OrderState:
    """What the warehouse workflow reads of an order, under a row lock."""

    order_id: int
    account_id: int
    key: str | None
    status: int
    substatus: int | None
    total: Decimal
    paid: Decimal  # debited from e-credit and not paid back
    carrier_name: str | None
    tracking_code: str | None
    tracking_url: str | None
    tracking_carrier: str | None
    last_update: datetime


class Orders(Protocol):
    def id_by_key(self, account_id: int, key: str) -> int | None: ...
    def insert(self, values: Mapping[str, Any]) -> int: ...
    def insert_lines(self, order_id: int, lines: Sequence[Mapping[str, Any]]) -> None: ...
    def status(
        self, account_id: int, *, order_id: int | None = None, key: str | None = None
    ) -> OrderStatusRow | None: ...
    def detail(self, order_id: int) -> OrderDetail | None: ...
    def listing(
        self, *, status: int | None, account_id: int | None, after_id: int | None, limit: int
    ) -> list[dict[str, Any]]: ...
    def owner(self, order_id: int) -> int | None: ...
    def ids_by_key(self, key: str) -> list[int]: ...
    def for_update(self, order_id: int) -> OrderState | None: ...
    def change(self, order_id: int, values: Mapping[str, Any]) -> None: ...
    def lines(self, order_id: int) -> list[OrderLine]: ...

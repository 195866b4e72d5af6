"""What use cases need from storage about stock: models' on-hand and locks, the ledger that records
every change, and the audit of the invariants between them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StockLine:
    """A model as an order or reservation sees it, with this account's lock on it."""

    stock_id: int
    on_hand: int
    locked: int  # by all accounts
    mine: int  # by this account
    taxable: Decimal
    weight: Decimal

    @property
    def free(self) -> int:
        return self.on_hand - self.locked


@dataclass(frozen=True, slots=True)
class StockChange:
    stock_id: int
    on_hand_delta: int
    locked_delta: int
    mine_after: int  # this account's lock after the change (0 removes the line)


# One model of an account's reservation: (stock_id, locked by this account, available to anyone). A
# plain tuple, as the driver answers the row: every answer of E3, E4 and E6 carries the whole
# reservation, and a named tuple made of each driver row cost 1.8k instructions a line
# (bench/README.md).
ReservedModel = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    kind: str
    actor: str
    reason: str = ""
    account_id: int | None = None
    stock_id: int | None = None
    order_id: int | None = None
    on_hand_delta: int = 0
    locked_delta: int = 0
    credit_delta: Decimal = Decimal(0)
    status: int | None = None
    return_id: int | None = None


class Stock(Protocol):
    def lines_for_update(self, account_id: int, stock_ids: Iterable[int]) -> dict[int, StockLine]: ...
    def apply(self, account_id: int, changes: Sequence[StockChange]) -> None: ...
    def reservation(self, account_id: int, also: Iterable[int] = ()) -> list[ReservedModel]: ...
    def set_on_hand(self, stock_id: int, quantity: int) -> int: ...
    def release(self, account_id: int, stock_id: int | None) -> list[tuple[int, int]]: ...
    def holdings(self, account_id: int | None) -> list[tuple[int, int, int]]: ...
    def holdings_page(
        self, *, account_id: int | None, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, str, int, int]]: ...


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...


class Audit(Protocol):
    def breaches(self) -> list[str]: ...

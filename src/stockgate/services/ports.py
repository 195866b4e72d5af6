"""The small protocols through which use cases reach storage (implemented in stockgate.storage).

A use case hands a function of a `Tx` to `Database.write` or `Database.read`; the database runs it in
one transaction, retrying the whole function on a serialization failure or deadlock, so the function
must have no effect outside the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from stockgate.domain.carriers import Carrier
from stockgate.domain.catalog import ImportCounts, ProductRecord
from stockgate.services.webhook_ports import WebhookStore

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Credentials:
    account_id: int
    password_hash: str
    enabled: bool
    reservation_id: int | None


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: int
    email: str
    name: str
    api_key_hint: str
    ecredit: Decimal
    auto_confirm: bool
    enabled: bool
    reservation_id: int | None
    street_name: str
    address_number: str
    zip: str
    city: str
    province: str
    countrycode: str
    # Event types some enabled webhook endpoint of the account wants ("" for most accounts): writers
    # learn from the row they lock anyway whether to look for endpoints at all.
    webhook_events: str = ""


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


@dataclass(frozen=True, slots=True)
class ReservedModel:
    stock_id: int
    locked: int  # this account's lock
    available: int  # free for anyone


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


@dataclass(frozen=True, slots=True)
class OrderDetail:
    """An order as the supplier sees it: everything the row holds, its lines and its history."""

    fields: dict[str, Any]
    lines: list[OrderLine]
    history: list[HistoryEntry]


class Accounts(Protocol):
    def credentials(self, api_key_hash: str) -> Credentials | None: ...
    def lock(self, account_id: int) -> AccountRow: ...
    def by_email(self, email: str) -> AccountRow | None: ...
    def create(self, values: Mapping[str, Any]) -> int: ...
    def update(self, account_id: int, values: Mapping[str, Any]) -> None: ...
    def add_credit(self, account_id: int, delta: Decimal) -> Decimal: ...
    def listing(self) -> list[tuple[AccountRow, int]]: ...


class Stock(Protocol):
    def lines_for_update(self, account_id: int, stock_ids: Iterable[int]) -> dict[int, StockLine]: ...
    def apply(self, account_id: int, changes: Sequence[StockChange]) -> None: ...
    def reservation(self, account_id: int, also: Iterable[int] = ()) -> list[ReservedModel]: ...
    def set_on_hand(self, stock_id: int, quantity: int) -> int: ...
    def release(self, account_id: int, stock_id: int | None) -> list[tuple[int, int]]: ...
    def holdings(self, account_id: int | None) -> list[tuple[int, int, int]]: ...


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


class Carriers(Protocol):
    def for_account(self, account_id: int) -> list[Carrier]: ...
    def all(self) -> list[Carrier]: ...
    def upsert(self, carrier: Carrier) -> None: ...


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...


class Catalog(Protocol):
    def upsert(self, records: Sequence[ProductRecord]) -> tuple[ImportCounts, list[tuple[int, int]]]: ...


class Audit(Protocol):
    def breaches(self) -> list[str]: ...


class Tx(Protocol):
    """One open transaction and the repositories bound to it."""

    @property
    def accounts(self) -> Accounts: ...
    @property
    def stock(self) -> Stock: ...
    @property
    def orders(self) -> Orders: ...
    @property
    def carriers(self) -> Carriers: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def audit(self) -> Audit: ...
    @property
    def catalog(self) -> Catalog: ...
    @property
    def webhooks(self) -> WebhookStore: ...


class Database(Protocol):
    def write(self, work: Callable[[Tx], T]) -> T: ...
    def read(self, work: Callable[[Tx], T]) -> T: ...

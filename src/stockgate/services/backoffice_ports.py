"""The protocols behind the back-office: admin users, their sessions, and the read models of its pages.

The pages' lists are read models of their own (one query each, paginated by key in the database)
rather than the CLI's whole-table listings, so they stay fast on a large catalog and order book.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from stockgate.services.paging import Window


@dataclass(frozen=True, slots=True)
class AdminRow:
    id: int
    email: str
    password_hash: str
    enabled: bool
    failed_logins: int
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A live back-office session and the admin behind it."""

    token_hash: str
    admin_id: int
    email: str
    csrf_token: str
    expires_at: datetime
    flash: str | None


@dataclass(frozen=True, slots=True)
class OrderFilter:
    status: int | None = None
    account_id: int | None = None
    key: str | None = None  # the shop's key, or an order id when all digits
    created_from: datetime | None = None  # inclusive
    created_to: datetime | None = None  # exclusive


@dataclass(frozen=True, slots=True)
class OrderSummary:
    id: int
    key: str | None
    kind: str
    status: int
    substatus: int | None
    account_email: str
    recipient: str | None
    countrycode: str | None
    total: Decimal
    paid: Decimal
    carrier_name: str | None
    tracking_code: str | None
    created_at: datetime
    last_update: datetime


@dataclass(frozen=True, slots=True)
class ModelSummary:
    stock_id: int
    product_id: int
    code: str
    barcode: str
    color: str
    size: str
    taxable: Decimal
    on_hand: int
    locked: int

    @property
    def free(self) -> int:
        return self.on_hand - self.locked


@dataclass(frozen=True, slots=True)
class ProductSummary:
    id: int
    code: str
    name: str
    online: bool
    models: list[ModelSummary] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CatalogQuery:
    text: str = ""  # stock_id, product id, barcode, code prefix or words of the name
    max_free: int | None = None  # only products with a model at most this free


@dataclass(frozen=True, slots=True)
class NamedModel:
    """A model with the name of its product, as a person picking it off a shelf needs it."""

    model: ModelSummary
    product_name: str


@dataclass(frozen=True, slots=True)
class AccountSummary:
    id: int
    email: str
    name: str
    ecredit: Decimal
    auto_confirm: bool
    enabled: bool
    api_key_hint: str
    held_units: int


@dataclass(frozen=True, slots=True)
class ReservationSummary:
    account_id: int
    email: str
    models: int
    units: int


@dataclass(frozen=True, slots=True)
class HeldLine:
    stock_id: int
    quantity: int
    product_name: str
    code: str
    color: str
    size: str
    on_hand: int
    locked: int  # by every account


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: int
    orders: int


@dataclass(frozen=True, slots=True)
class Takings:
    orders: int
    revenue: Decimal  # totals of the orders not cancelled


class Admins(Protocol):
    def create(self, email: str, password_hash: str) -> int: ...
    def by_email(self, email: str) -> AdminRow | None: ...
    def update(self, admin_id: int, values: Mapping[str, Any]) -> None: ...
    def listing(self) -> list[AdminRow]: ...


class AdminSessions(Protocol):
    def open(self, token_hash: str, admin_id: int, csrf_token: str, expires_at: datetime) -> None: ...
    def find(self, token_hash: str, now: datetime) -> ActiveSession | None: ...
    def extend(self, token_hash: str, expires_at: datetime) -> None: ...
    def set_flash(self, token_hash: str, flash: str | None) -> None: ...
    def close(self, token_hash: str) -> None: ...
    def close_all(self, admin_id: int) -> None: ...
    def purge(self, now: datetime) -> None: ...


class BackOfficeViews(Protocol):
    def status_counts(
        self, open_statuses: Sequence[int], closed_statuses: Sequence[int], since: datetime
    ) -> list[StatusCount]: ...
    def takings(self, start: datetime, end: datetime) -> Takings: ...
    def low_stock(self, max_free: int, limit: int) -> list[NamedModel]: ...
    def largest_reservations(self, limit: int) -> list[ReservationSummary]: ...
    def low_credit(self, below: Decimal, limit: int) -> list[AccountSummary]: ...
    def orders(self, selection: OrderFilter, window: Window) -> list[OrderSummary]: ...
    def products(self, query: CatalogQuery, window: Window) -> list[ProductSummary]: ...
    def accounts(self, text: str, window: Window) -> list[AccountSummary]: ...
    def account(self, account_id: int) -> AccountSummary | None: ...
    def reservations(self, window: Window) -> list[ReservationSummary]: ...
    def held_lines(self, account_id: int, window: Window) -> list[HeldLine]: ...
    def account_emails(self, account_ids: Sequence[int]) -> dict[int, str]: ...
    def returns_in(self, status: int) -> int: ...
    def named_models(self, stock_ids: Sequence[int]) -> dict[int, NamedModel]: ...

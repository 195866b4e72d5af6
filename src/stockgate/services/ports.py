"""The small protocols through which use cases reach storage (implemented in stockgate.storage).

A use case hands a function of a `Tx` to `Database.write` or `Database.read`; the database runs it in
one transaction, retrying the whole function on a serialization failure or deadlock, so the function
must have no effect outside the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol, TypeVar

from stockgate.domain.carriers import Carrier
from stockgate.domain.catalog import CatalogFilter, ImportCounts, ProductRecord
from stockgate.domain.returns import ReturnItem
from stockgate.domain.throttle import RateLimit
from stockgate.services.backoffice_ports import Admins, AdminSessions, BackOfficeViews
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


class ReservedModel(NamedTuple):
    # A tuple: every answer of E3, E4 and E6 carries the whole reservation, and a frozen dataclass
    # cost a microsecond a line to make.
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
    return_id: int | None = None


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


class Busy(Exception):
    """The database could not finish a unit of work for contention or overload (after bounded retries).

    Nothing was changed; the same request may be sent again later. Not a defect, and not the client's
    fault: the HTTP layer answers 503 with Retry-After.
    """


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


@dataclass(frozen=True, slots=True)
class ReturnLine:
    """One returned unit (ghost API 4.8) and where the supplier has got with it."""

    id: int
    request_id: int
    order_id: int
    order_key: str | None
    account_id: int
    stock_id: int
    unit_price: Decimal
    reason_code: int
    notes: str | None
    request_ext_ref: str | None
    status: int
    refund_status: int
    refund_amount: Decimal
    paid_by: str | None
    return_code: str | None
    restocked: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ManifestLine:
    return_id: int
    stock_id: int
    product_name: str
    model_code: str
    size: str
    color: str
    reason_code: int
    notes: str | None


@dataclass(frozen=True, slots=True)
class ManifestFacts:
    """What a printed return manifest (E14) shows, but the supplier's own address."""

    return_code: str
    order_id: int
    order_key: str | None
    account_name: str
    account_email: str
    paid_by: str | None
    authorised_at: datetime | None
    lines: list[ManifestLine]


@dataclass(frozen=True, slots=True)
class AdminTokenRow:
    id: int
    name: str
    token_hint: str
    created_at: datetime
    revoked_at: datetime | None


class Accounts(Protocol):
    def credentials(self, api_key_hash: str) -> Credentials | None: ...
    def lock(self, account_id: int) -> AccountRow: ...
    def by_email(self, email: str) -> AccountRow | None: ...
    def create(self, values: Mapping[str, Any]) -> int: ...
    def update(self, account_id: int, values: Mapping[str, Any]) -> None: ...
    def add_credit(self, account_id: int, delta: Decimal) -> Decimal: ...
    def listing(self) -> list[tuple[AccountRow, int]]: ...
    def by_id(self, account_id: int) -> AccountRow | None: ...
    def page(self, *, after_id: int | None, limit: int) -> list[tuple[AccountRow, int]]: ...


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


class Carriers(Protocol):
    def for_account(self, account_id: int) -> list[Carrier]: ...
    def all(self) -> list[Carrier]: ...
    def upsert(self, carrier: Carrier) -> None: ...
    def set_for_account(self, account_id: int, entries: Sequence[tuple[int, object]]) -> None: ...
    def own_list(self, account_id: int) -> list[tuple[int, Decimal | None]]: ...


class Ledger(Protocol):
    def append(self, entries: Sequence[LedgerEntry]) -> None: ...


@dataclass
class UpsertResult:
    counts: ImportCounts  # created / updated / unchanged
    stock_moves: list[tuple[int, int]] = field(default_factory=list)  # (stock_id, on-hand delta)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (product id, why), nothing written


class Catalog(Protocol):
    def upsert(self, records: Sequence[ProductRecord]) -> UpsertResult: ...
    def locked(self, stock_ids: Sequence[int]) -> dict[int, int]: ...
    def count(self, selection: CatalogFilter) -> int: ...
    def page(
        self, selection: CatalogFilter, *, after: int | None, limit: int, free: bool
    ) -> list[ProductRecord]: ...
    def locales(self) -> list[tuple[str, str]]: ...
    def tag_values(self) -> list[tuple[str, str]]: ...
    def recent_full_exports(self, account_id: int, since: datetime) -> list[datetime]: ...
    def log_full_export(self, account_id: int, at: datetime, forget_before: datetime) -> None: ...


class Returns(Protocol):
    def requested(self, order_id: int) -> dict[int, int]: ...
    def open_request(
        self, order_id: int, account_id: int, units: Sequence[ReturnItem], prices: Mapping[int, Decimal]
    ) -> list[int]: ...
    def for_order(self, order_id: int) -> list[ReturnLine]: ...
    def get(self, return_id: int, *, for_update: bool = False) -> ReturnLine | None: ...
    def change(self, return_id: int, values: Mapping[str, Any]) -> None: ...
    def request_code(self, request_id: int) -> str | None: ...
    def manifest(self, return_code: str) -> ManifestFacts | None: ...
    def page(
        self, *, order_id: int | None, status: int | None, after_id: int | None, limit: int
    ) -> list[ReturnLine]: ...


class AdminTokens(Protocol):
    def create_token(self, name: str, token_hash: str, hint: str) -> int: ...
    def token(self, token_hash: str) -> AdminTokenRow | None: ...
    def tokens(self) -> list[AdminTokenRow]: ...
    def revoke_token(self, name: str) -> bool: ...


class Audit(Protocol):
    def breaches(self) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class Gate:
    """What authentication reads in one statement: the key's account and any lockout in force."""

    credentials: Credentials | None
    locked_until_ms: int  # the later lockout of the key and the client address; 0 when none


@dataclass(frozen=True, slots=True)
class FailureCounter:
    """Failed authentications counted against one subject: an API key (scope "key", name: the key's
    SHA-256) or a client address (scope "addr")."""

    scope: str
    name: str
    account_id: int | None = None
    failures: int = 0
    last_failure_ms: int = 0
    locked_until_ms: int = 0


@dataclass(frozen=True, slots=True)
class LockedOutKey:
    api_key_hash: str
    account_id: int | None
    email: str | None
    failures: int
    locked_until_ms: int


@dataclass(frozen=True, slots=True)
class Bucket:
    """An account's shared token bucket as stored, with its own limit when it has one."""

    tokens_milli: int
    refreshed_ms: int
    limit: RateLimit | None  # None: the server's default


class AuthThrottle(Protocol):
    def gate(self, api_key_hash: str, address: str) -> Gate: ...
    def counters(self, subjects: Sequence[FailureCounter]) -> list[FailureCounter]: ...
    def save(self, counter: FailureCounter) -> None: ...
    def release(self, scope: str, name: str) -> int: ...
    def release_account(self, account_id: int) -> int: ...
    def locked_out_keys(self, now_ms: int) -> list[LockedOutKey]: ...
    def forget_stale(self, before_ms: int) -> int: ...


class RateBuckets(Protocol):
    def locked(self, account_id: int, full_milli: int, now_ms: int) -> Bucket: ...
    def save(self, account_id: int, tokens_milli: int, refreshed_ms: int) -> None: ...
    def configure(self, account_id: int, limit: RateLimit | None) -> None: ...
    def configured(self, account_id: int) -> RateLimit | None: ...


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
    @property
    def throttle(self) -> AuthThrottle: ...
    @property
    def rate_buckets(self) -> RateBuckets: ...
    @property
    def returns(self) -> Returns: ...
    @property
    def admin_tokens(self) -> AdminTokens: ...
    @property
    def admins(self) -> Admins: ...
    @property
    def admin_sessions(self) -> AdminSessions: ...
    @property
    def views(self) -> BackOfficeViews: ...


class Database(Protocol):
    def write(self, work: Callable[[Tx], T]) -> T: ...
    def read(self, work: Callable[[Tx], T]) -> T: ...
    def glance(self, work: Callable[[Tx], T]) -> T:
        """A read of exactly one statement: it needs no transaction of its own (a statement always
        sees one consistent state), so where the engine allows it none is opened."""
        ...

    def snapshot(self) -> AbstractContextManager[Tx]:
        """A read-only transaction whose view stays fixed until closed, for reads spread over time
        (a streamed export); unlike `read`, it is never retried."""
        ...

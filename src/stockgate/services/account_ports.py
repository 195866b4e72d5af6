"""What use cases need from storage about shops' accounts: their credentials, settings and carriers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from stockgate.domain.carriers import Carrier


class Credentials(NamedTuple):
    # NamedTuple, like Principal: read on every ghost request, and a frozen dataclass took
    # three times as long to make (bench/README.md).
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


class Carriers(Protocol):
    def for_account(self, account_id: int) -> list[Carrier]: ...
    def all(self) -> list[Carrier]: ...
    def upsert(self, carrier: Carrier) -> None: ...
    def set_for_account(self, account_id: int, entries: Sequence[tuple[int, object]]) -> None: ...
    def own_list(self, account_id: int) -> list[tuple[int, Decimal | None]]: ...

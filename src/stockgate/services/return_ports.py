"""What use cases need from storage about returns: the returned units and their manifests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from stockgate.domain.returns import ReturnItem


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

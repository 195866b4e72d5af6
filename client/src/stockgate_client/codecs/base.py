"""What a wire format must do for the client: the Codec and CatalogReader protocols."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..models import (
    Carrier,
    DropshipOrder,
    Line,
    Locale,
    Operation,
    OrderStatus,
    PlacedOrders,
    Reservation,
    ReturnItem,
    Returns,
    TagValue,
)
from ..products import Product
from .results import Outcome

__all__ = ["CatalogReader", "Codec"]


class CatalogReader(Protocol):
    """Push parser of a catalog export: fed bytes as they arrive, hands back finished products."""

    @property
    def total(self) -> int | None:
        """How many products the export announced, once read (None until then, or if it did not say)."""
        ...

    @property
    def last_update(self) -> datetime | None:
        """The export's ``lastUpdate``, once read."""
        ...

    def feed(self, chunk: bytes) -> list[Product]:
        """Take the next bytes of the body; return the products completed by them."""
        ...

    def close(self) -> list[Product]:
        """Signal the end of the body; return the last products or raise if it was cut short."""
        ...


class Codec(Protocol):
    """One wire format (XML or JSON): request bodies out, typed results in."""

    name: str
    media_type: str

    def encode_reserve(self, operations: Sequence[Operation]) -> bytes:
        """The E3 body."""
        ...

    def encode_orders(self, orders: Sequence[DropshipOrder]) -> bytes:
        """The E6 body."""
        ...

    def encode_acquire(
        self, lines: Sequence[Line], carrier_id: int | None, auto_confirm: bool | None
    ) -> bytes:
        """The E5 body."""
        ...

    def encode_return(self, order_id: int, items: Sequence[ReturnItem]) -> bytes:
        """The E9 body."""
        ...

    def decode_carriers(self, body: bytes) -> list[Carrier]:
        """The E2 answer."""
        ...

    def decode_reservation(self, body: bytes) -> Reservation:
        """The E3/E4 answer."""
        ...

    def decode_placed(self, body: bytes) -> PlacedOrders:
        """The E6 answer."""
        ...

    def decode_order_statuses(self, body: bytes) -> list[OrderStatus]:
        """The E7/E8 answer."""
        ...

    def decode_outcome(self, body: bytes) -> Outcome:
        """The E9 answer (also the body of its 400)."""
        ...

    def decode_returns(self, body: bytes) -> Returns:
        """The E10/E11 answer."""
        ...

    def decode_locales(self, body: bytes) -> list[Locale]:
        """The E12 answer."""
        ...

    def decode_tags(self, body: bytes) -> list[TagValue]:
        """The E13 answer."""
        ...

    def catalog_reader(self) -> CatalogReader:
        """A fresh push parser for one E1 export."""
        ...

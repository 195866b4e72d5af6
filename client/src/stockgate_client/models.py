"""What goes into and comes out of the reservation, order and return endpoints.

Every class is a frozen dataclass: money is ``Decimal``, ids and quantities are ``int``, datetimes
are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal, TypeAlias

from .codes import OrderState

__all__ = [
    "Address",
    "Carrier",
    "DropshipOrder",
    "Line",
    "Lines",
    "Locale",
    "Operation",
    "OperationType",
    "OrderStatus",
    "Phone",
    "PlacedOrders",
    "Recipient",
    "Reservation",
    "ReservedModel",
    "ReturnItem",
    "ReturnLine",
    "Returns",
    "TagValue",
    "to_lines",
]

OperationType: TypeAlias = Literal["lock", "unlock", "set", "ensure"]


@dataclass(frozen=True)
class Line:
    """A quantity of one model (stock_id): a reservation model, an order item, an acquire product."""

    stock_id: int
    quantity: int


# The methods take lines as Line objects or, shorter to write, as a {stock_id: quantity} mapping.
Lines: TypeAlias = Mapping[int, int] | Iterable[Line]


def to_lines(lines: Lines) -> tuple[Line, ...]:
    """Normalise a {stock_id: quantity} mapping or an iterable of Line into a tuple of Line."""
    if isinstance(lines, Mapping):
        return tuple(Line(int(stock_id), int(quantity)) for stock_id, quantity in lines.items())
    return tuple(lines)


@dataclass(frozen=True)
class Operation:
    """One reserve operation: lock, unlock, set or ensure quantities of some models."""

    type: OperationType
    lines: tuple[Line, ...]

    @classmethod
    def of(cls, type: OperationType, lines: Lines) -> Operation:
        """Build an operation from a {stock_id: quantity} mapping or Line objects."""
        return cls(type, to_lines(lines))


@dataclass(frozen=True)
class Carrier:
    """A carrier this account may use."""

    id: int
    name: str
    cost: Decimal


@dataclass(frozen=True)
class ReservedModel:
    """One model of the reservation: my lock on it and what is still free for anyone."""

    stock_id: int
    locked: int
    available: int


@dataclass(frozen=True)
class Reservation:
    """The account's reservation (the "growing order"); order_id is 0 before the first lock."""

    order_id: int
    models: tuple[ReservedModel, ...]

    def locked(self, stock_id: int) -> int:
        """My locked quantity of one model (0 when it is not in the reservation)."""
        return next((m.locked for m in self.models if m.stock_id == stock_id), 0)


@dataclass(frozen=True)
class PlacedOrders:
    """The answer to a dropshipping order: the new order ids and the reservation left after it."""

    order_ids: tuple[int, ...]
    reservation: Reservation

    @property
    def order_id(self) -> int:
        """The id of the (last) order created."""
        return self.order_ids[-1]


@dataclass(frozen=True)
class Phone:
    """A customer's phone number, stored as given."""

    prefix: str | None = None
    number: str | None = None


@dataclass(frozen=True)
class Address:
    """A shipping address; countrycode is ISO 3166-1 alpha-2."""

    street_name: str
    zip: str
    city: str
    countrycode: str
    street_type: str | None = None
    address_number: str | None = None
    province: str | None = None


@dataclass(frozen=True)
class Recipient:
    """Who receives a dropshipping order."""

    name: str
    address: Address
    careof: str | None = None
    cfpiva: str | None = None
    customer_key: str | None = None
    notes: str | None = None
    phone: Phone | None = None


@dataclass(frozen=True)
class DropshipOrder:
    """An order shipped to the shop's customer; ``key`` is the shop's own order id."""

    key: str
    date: datetime
    recipient: Recipient
    items: tuple[Line, ...]
    carrier_id: int | None = None
    auto_confirm: bool | None = None

    @classmethod
    def of(
        cls,
        key: str,
        date: datetime,
        recipient: Recipient,
        items: Lines,
        *,
        carrier_id: int | None = None,
        auto_confirm: bool | None = None,
    ) -> DropshipOrder:
        """Build an order with items given as a {stock_id: quantity} mapping or Line objects."""
        return cls(key, date, recipient, to_lines(items), carrier_id, auto_confirm)


@dataclass(frozen=True)
class OrderStatus:
    """Where an order stands; tracking fields are None until it is dispatched."""

    order_id: int
    ext_ref: str | None
    status: int
    substatus: int | None
    last_update: datetime
    tracking_code: str | None = None
    tracking_url: str | None = None
    carrier_name: str | None = None

    @property
    def dispatched(self) -> bool:
        """True once the order was handed to the carrier."""
        return self.status == OrderState.DISPATCHED

    @property
    def state(self) -> OrderState | None:
        """The status as an OrderState, or None for a code this library does not know."""
        try:
            return OrderState(self.status)
        except ValueError:
            return None


@dataclass(frozen=True)
class ReturnItem:
    """One line of a return request: units of a model sent back, and why."""

    stock_id: int
    quantity: int
    reason: int
    notes: str | None = None
    ext_ref: str | None = None


@dataclass(frozen=True)
class ReturnLine:
    """One returned unit as the supplier tracks it; return_code and pdf_link come on authorisation."""

    stock_id: int
    quantity: int
    reason: int
    status: int
    refund_status: int
    notes: str | None = None
    ext_ref: str | None = None
    return_code: str | None = None
    pdf_link: str | None = None


@dataclass(frozen=True)
class Returns:
    """The return lines of one order."""

    order_id: int
    lines: tuple[ReturnLine, ...] = field(default=())


@dataclass(frozen=True)
class Locale:
    """A locale the catalog carries (key like ``en_US``, name like ``English``)."""

    key: str
    name: str


@dataclass(frozen=True)
class TagValue:
    """One tag value in use in the catalog (tag like ``brand``, value like ``Acme``)."""

    tag: str
    value: str

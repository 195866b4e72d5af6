"""The warehouse workflow of an order (supplier.md section 2): which moves are allowed, and what they mean.

An order moves forward along BOOKED -> TO DISPATCH -> WORKING ON -> READY -> DISPATCHED; steps may be
skipped, never reversed. Before dispatch it may be cancelled or rejected. Everything else is an
InvalidTransition that names where the order is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from stockgate.domain.errors import InvalidInput, InvalidTransition
from stockgate.domain.statuses import OrderStatus, Substatus, status_label

FLOW = (
    OrderStatus.BOOKED,
    OrderStatus.TO_DISPATCH,
    OrderStatus.WORKING_ON,
    OrderStatus.READY,
    OrderStatus.DISPATCHED,
)
_RANK: dict[int, int] = {int(status): rank for rank, status in enumerate(FLOW)}

# Web-shop states are accepted on import and never produced by the API; they are not yet dispatched,
# so a supplier can still cancel them, but the forward flow starts at BOOKED.
CANCELLABLE = frozenset(
    {
        OrderStatus.PENDING,
        OrderStatus.MONEY_WAITING,
        OrderStatus.VERIFY_FAILED,
        OrderStatus.BOOKED,
        OrderStatus.TO_DISPATCH,
        OrderStatus.WORKING_ON,
        OrderStatus.READY,
    }
)

MAX_TRACKING = {"tracking_code": 100, "tracking_url": 500, "carrier_name": 100}


@dataclass(frozen=True, slots=True)
class Tracking:
    """What the carrier gave the warehouse; all optional, but dispatch needs a code or a url."""

    code: str | None = None
    url: str | None = None
    carrier_name: str | None = None

    @property
    def given(self) -> bool:
        return bool(self.code or self.url or self.carrier_name)


def tracking(code: str | None, url: str | None, carrier_name: str | None) -> Tracking:
    """Trim and bound tracking values; blank means absent."""
    values = {}
    for name, value in (("tracking_code", code), ("tracking_url", url), ("carrier_name", carrier_name)):
        value = (value or "").strip() or None
        if value is not None and len(value) > MAX_TRACKING[name]:
            raise InvalidInput(name, f"{name} is longer than {MAX_TRACKING[name]} characters")
        values[name] = value
    return Tracking(values["tracking_code"], values["tracking_url"], values["carrier_name"])


def refuse(order_id: int, current: int, target: int, because: str = "") -> InvalidTransition:
    return InvalidTransition(order_id, current, status_label(current), target, because)


def check_advance(order_id: int, current: int, target: int, substatus: int | None, given: Tracking) -> None:
    """Refuse a move that is not forward along the flow, or a dispatch without tracking or while blocked."""
    if target not in _RANK or target == OrderStatus.BOOKED:
        raise refuse(order_id, current, target, "orders move to 2, 3001, 3002 or 3")
    if current not in _RANK:
        raise refuse(order_id, current, target)
    if _RANK[target] <= _RANK[current]:
        raise refuse(order_id, current, target, "orders never move backwards")
    if target == OrderStatus.DISPATCHED:
        if substatus == Substatus.NOT_ALLOWED_TO_DISPATCH:
            raise refuse(order_id, current, target, "it is blocked (substatus 5, not allowed to dispatch)")
        if not (given.code or given.url):
            raise InvalidInput("tracking_code", "dispatching needs a tracking code or a tracking url")


def check_cancel(order_id: int, current: int) -> None:
    """Only an order that has not left the warehouse can be cancelled or rejected."""
    if current not in CANCELLABLE:
        raise refuse(order_id, current, OrderStatus.CANCELLED)


def leaves_booking(current: int, target: int) -> bool:
    """Leaving BOOKED confirms the order: it is paid with e-credit now, or marked payment due."""
    return current == OrderStatus.BOOKED and target != OrderStatus.BOOKED


def cancelled_substatus(reject: bool) -> Substatus:
    return Substatus.REJECTED if reject else Substatus.CANCELLED_REFUNDED


# A block (substatus 5) makes sense only on a confirmed order still in the warehouse.
BLOCKABLE = frozenset({OrderStatus.TO_DISPATCH, OrderStatus.WORKING_ON, OrderStatus.READY})


def pushed_substatus(order_id: int, status: int, requested: int, paid: Decimal, total: Decimal) -> Substatus:
    """The substatus a status push may set: 5 blocks a confirmed order still in the warehouse, and its
    payment substatus (1 when fully paid with e-credit, else 2) lifts the block. The money substatuses
    must stay true, and cancellation ones come only with cancelling."""
    if requested not in set(Substatus):
        raise InvalidInput("substatus", f"substatus {requested} is not one of 1, 2, 5")
    if requested in (Substatus.REJECTED, Substatus.CANCELLED_REFUNDED):
        raise InvalidInput("substatus", "substatus 3 and 4 come with cancelling the order, not on their own")
    if status not in BLOCKABLE:
        raise refuse(order_id, status, status, f"substatus {requested} is set only on orders 2, 3001, 3002")
    if requested == Substatus.NOT_ALLOWED_TO_DISPATCH:
        return Substatus.NOT_ALLOWED_TO_DISPATCH
    expected = payment_substatus(paid, total)
    if requested != expected:
        raise InvalidInput(
            "substatus", f"order {order_id} is {_PAYMENT[expected]}; substatus {requested} is not true"
        )
    return expected


_PAYMENT = {
    Substatus.PAID_WITH_ECREDIT: "paid with e-credit (1)",
    Substatus.PAYMENT_DUE: "waiting for payment (2)",
}


def payment_substatus(paid: Decimal, total: Decimal) -> Substatus:
    """What a confirmed order's substatus says about its money."""
    return Substatus.PAID_WITH_ECREDIT if paid == total else Substatus.PAYMENT_DUE

"""Returns (ghost API 4.8): what a shop may ask to send back, and the supplier's steps per return line.

Each returned unit is one return line. A line is requested (PENDING), authorised with who pays the
shipping back, received (OK or not) or declared not received, refused, refunded to e-credit, completed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum

from stockgate.domain.errors import InvalidReturnTransition, ReturnRefused
from stockgate.domain.statuses import OrderStatus


class ReturnStatus(IntEnum):
    PENDING = 0
    AUTHORIZED_CUSTOMER_PAYS = 1
    AUTHORIZED_SUPPLIER_PAYS = 2
    RECEIVED_OK = 3
    RECEIVED_NOT_OK = 4
    NOT_RECEIVED = 5
    REFUSED = 7
    COMPLETED = 9

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ReturnStatus.PENDING: "PENDING",
    ReturnStatus.AUTHORIZED_CUSTOMER_PAYS: "AUTHORIZED (paid by customer)",
    ReturnStatus.AUTHORIZED_SUPPLIER_PAYS: "AUTHORIZED (paid by supplier)",
    ReturnStatus.RECEIVED_OK: "RECEIVED OK",
    ReturnStatus.RECEIVED_NOT_OK: "RECEIVED NOT OK",
    ReturnStatus.NOT_RECEIVED: "NOT RECEIVED",
    ReturnStatus.REFUSED: "REFUSED",
    ReturnStatus.COMPLETED: "COMPLETED",
}

REASON_CODES = {
    0: "other",
    1: "purchased by mistake",
    2: "damaged",
    3: "wrong item",
    4: "defective",
    5: "unordered",
    6: "not my size",
    7: "don't like it",
    8: "missing",
}
MAX_NOTES = 500
MAX_EXT_REF = 100
MAX_UNITS_PER_REQUEST = 1000


class Refusal(IntEnum):
    """The `code` of an E9 answer that refuses the request (0 is success)."""

    ORDER_NOT_FOUND = 1
    NOT_DISPATCHED = 2
    NOT_IN_ORDER = 3
    TOO_MANY = 4
    BAD_REASON = 5
    MALFORMED = 6


@dataclass(frozen=True, slots=True)
class ReturnItem:
    stock_id: int
    quantity: int
    reason_code: int = 0
    notes: str | None = None
    request_ext_ref: str | None = None


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    order_id: int
    items: tuple[ReturnItem, ...]


def return_item(
    stock_id: int, quantity: int, reason_code: int, notes: str | None, request_ext_ref: str | None
) -> ReturnItem:
    """One validated item of an E9 request."""
    if quantity <= 0:
        raise ReturnRefused(f"quantity of stockModelId {stock_id} must be positive", Refusal.MALFORMED)
    if reason_code not in REASON_CODES:
        raise ReturnRefused(
            f"reasonCode {reason_code} of stockModelId {stock_id} is not one of 0-8", Refusal.BAD_REASON
        )
    if notes is not None and len(notes) > MAX_NOTES:
        raise ReturnRefused(f"notes are longer than {MAX_NOTES} characters", Refusal.MALFORMED)
    if request_ext_ref is not None and len(request_ext_ref) > MAX_EXT_REF:
        raise ReturnRefused(f"requestExtRef is longer than {MAX_EXT_REF} characters", Refusal.MALFORMED)
    return ReturnItem(stock_id, quantity, reason_code, notes, request_ext_ref)


def check_request(
    request: ReturnRequest, order_status: int, shipped: Mapping[int, int], requested_before: Mapping[int, int]
) -> None:
    """The order must be dispatched, and no model may come back more often than it was shipped, counting
    every unit already in a return request (of any outcome)."""
    if order_status != OrderStatus.DISPATCHED:
        raise ReturnRefused(
            f"order {request.order_id} is not dispatched; only dispatched orders can be returned",
            Refusal.NOT_DISPATCHED,
        )
    if not request.items:
        raise ReturnRefused("the request has no item", Refusal.MALFORMED)
    wanted: dict[int, int] = {}
    for item in request.items:
        wanted[item.stock_id] = wanted.get(item.stock_id, 0) + item.quantity
    if sum(wanted.values()) > MAX_UNITS_PER_REQUEST:
        raise ReturnRefused(f"at most {MAX_UNITS_PER_REQUEST} units per request", Refusal.MALFORMED)
    for stock_id, quantity in sorted(wanted.items()):
        if stock_id not in shipped:
            raise ReturnRefused(
                f"stockModelId {stock_id} is not in order {request.order_id}", Refusal.NOT_IN_ORDER
            )
        left = shipped[stock_id] - requested_before.get(stock_id, 0)
        if quantity > left:
            raise ReturnRefused(
                f"stockModelId {stock_id}: {quantity} asked, but only {left} of the {shipped[stock_id]}"
                " shipped can still be returned",
                Refusal.TOO_MANY,
            )


def units(items: Sequence[ReturnItem]) -> list[ReturnItem]:
    """One item of quantity 1 per unit, in request order."""
    return [
        ReturnItem(i.stock_id, 1, i.reason_code, i.notes, i.request_ext_ref)
        for i in items
        for _ in range(i.quantity)
    ]


# Reasons that are the supplier's fault: by default the supplier pays the shipping back.
SUPPLIER_FAULTS = frozenset({2, 3, 4, 5, 8})
PAYERS = ("supplier", "customer")


def default_payer(reason_code: int) -> str:
    return "supplier" if reason_code in SUPPLIER_FAULTS else "customer"


# Where each supplier step may start from.
_FROM: dict[str, frozenset[ReturnStatus]] = {
    "authorised": frozenset({ReturnStatus.PENDING}),
    "received": frozenset({ReturnStatus.AUTHORIZED_CUSTOMER_PAYS, ReturnStatus.AUTHORIZED_SUPPLIER_PAYS}),
    "declared not received": frozenset(
        {ReturnStatus.AUTHORIZED_CUSTOMER_PAYS, ReturnStatus.AUTHORIZED_SUPPLIER_PAYS}
    ),
    "refused": frozenset(
        {
            ReturnStatus.PENDING,
            ReturnStatus.AUTHORIZED_CUSTOMER_PAYS,
            ReturnStatus.AUTHORIZED_SUPPLIER_PAYS,
            ReturnStatus.RECEIVED_NOT_OK,
            ReturnStatus.NOT_RECEIVED,
        }
    ),
    "refunded": frozenset(
        {
            ReturnStatus.AUTHORIZED_CUSTOMER_PAYS,
            ReturnStatus.AUTHORIZED_SUPPLIER_PAYS,
            ReturnStatus.RECEIVED_OK,
            ReturnStatus.RECEIVED_NOT_OK,
            ReturnStatus.NOT_RECEIVED,
        }
    ),
    "completed": frozenset(
        {ReturnStatus.RECEIVED_OK, ReturnStatus.RECEIVED_NOT_OK, ReturnStatus.NOT_RECEIVED}
    ),
}
ACTIONS = tuple(_FROM)


def _check(return_id: int, current: int, action: str) -> None:
    if current not in _FROM[action]:
        raise InvalidReturnTransition(return_id, current, _label(current), action)


def _label(code: int) -> str:
    try:
        return ReturnStatus(code).label
    except ValueError:
        return str(code)


def authorise(return_id: int, current: int, *, paid_by_supplier: bool) -> ReturnStatus:
    _check(return_id, current, "authorised")
    if paid_by_supplier:
        return ReturnStatus.AUTHORIZED_SUPPLIER_PAYS
    return ReturnStatus.AUTHORIZED_CUSTOMER_PAYS


def receive(return_id: int, current: int, *, ok: bool) -> ReturnStatus:
    """A unit received in good order goes back on the shelf (the caller restocks it)."""
    _check(return_id, current, "received")
    return ReturnStatus.RECEIVED_OK if ok else ReturnStatus.RECEIVED_NOT_OK


def not_received(return_id: int, current: int) -> ReturnStatus:
    _check(return_id, current, "declared not received")
    return ReturnStatus.NOT_RECEIVED


def refuse(return_id: int, current: int, refunded: bool) -> ReturnStatus:
    _check(return_id, current, "refused")
    if refunded:
        raise InvalidReturnTransition(return_id, current, _label(current) + ", refunded", "refused")
    return ReturnStatus.REFUSED


def refund(return_id: int, current: int, refunded: bool) -> ReturnStatus:
    """Refunding a received line closes it: nothing is left to do."""
    _check(return_id, current, "refunded")
    if refunded:
        raise InvalidReturnTransition(return_id, current, _label(current) + ", already refunded", "refunded")
    if current in (ReturnStatus.RECEIVED_OK, ReturnStatus.RECEIVED_NOT_OK):
        return ReturnStatus.COMPLETED
    return ReturnStatus(current)


def complete(return_id: int, current: int) -> ReturnStatus:
    _check(return_id, current, "completed")
    return ReturnStatus.COMPLETED

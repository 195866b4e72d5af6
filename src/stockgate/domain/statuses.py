"""Order status and substatus codes of the ghost API (section 2)."""

from __future__ import annotations

from enum import IntEnum


class OrderStatus(IntEnum):
    PENDING = 0
    MONEY_WAITING = 1
    TO_DISPATCH = 2
    DISPATCHED = 3
    BOOKED = 5
    CANCELLED = 2000
    VERIFY_FAILED = 2002
    WORKING_ON = 3001
    READY = 3002
    GROWING = 5003

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    OrderStatus.PENDING: "PENDING",
    OrderStatus.MONEY_WAITING: "MONEY WAITING",
    OrderStatus.TO_DISPATCH: "TO DISPATCH",
    OrderStatus.DISPATCHED: "DISPATCHED",
    OrderStatus.BOOKED: "BOOKED",
    OrderStatus.CANCELLED: "CANCELLED",
    OrderStatus.VERIFY_FAILED: "VERIFY FAILED",
    OrderStatus.WORKING_ON: "WORKING ON",
    OrderStatus.READY: "READY",
    OrderStatus.GROWING: "DROPSHIPPER GROWING",
}


class Substatus(IntEnum):
    PAID_WITH_ECREDIT = 1
    PAYMENT_DUE = 2
    REJECTED = 3
    CANCELLED_REFUNDED = 4
    NOT_ALLOWED_TO_DISPATCH = 5


def status_label(code: int) -> str:
    """Human name of a status code, or the bare number for codes we do not know."""
    try:
        return OrderStatus(code).label
    except ValueError:
        return str(code)

"""The numeric codes of the ghost API, named.

Result objects keep codes as plain ints, since a Rewix site may send one this list does not know;
these enums are IntEnums, so ``status == OrderState.DISPATCHED`` reads well and still works.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["OrderState", "RefundStatus", "ReturnReason", "ReturnStatus"]


class OrderState(IntEnum):
    """Order status codes (``status`` of E7/E8)."""

    PENDING = 0
    MONEY_WAITING = 1
    TO_DISPATCH = 2
    DISPATCHED = 3
    BOOKED = 5
    CANCELLED = 2000
    VERIFY_FAILED = 2002
    WORKING_ON = 3001
    READY = 3002
    DROPSHIPPER_GROWING = 5003


class ReturnReason(IntEnum):
    """Why goods are returned (``reasonCode``)."""

    OTHER = 0
    PURCHASED_BY_MISTAKE = 1
    DAMAGED = 2
    WRONG_ITEM = 3
    DEFECTIVE = 4
    UNORDERED = 5
    NOT_MY_SIZE = 6
    DONT_LIKE_IT = 7
    MISSING = 8


class ReturnStatus(IntEnum):
    """Where a return line stands (``status`` of E10/E11)."""

    PENDING = 0
    AUTHORIZED_PAID_BY_CUSTOMER = 1
    AUTHORIZED_PAID_BY_SUPPLIER = 2
    RECEIVED_OK = 3
    RECEIVED_NOT_OK = 4
    NOT_RECEIVED = 5
    REFUSED = 7
    COMPLETED = 9


class RefundStatus(IntEnum):
    """Whether a return line was refunded (``refundStatus``)."""

    NOT_REFUNDED = 0
    REFUNDED = 1

"""The autoConfirm rule (ghost API section 2) and the order total."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from stockgate.domain.money import cents
from stockgate.domain.statuses import OrderStatus, Substatus


def order_total(lines: Iterable[tuple[Decimal, int]], carrier_cost: Decimal | None) -> Decimal:
    """Sum of unit price x quantity plus the carrier's cost."""
    total = sum((price * quantity for price, quantity in lines), Decimal(0))
    return cents(total + (carrier_cost or Decimal(0)))


@dataclass(frozen=True, slots=True)
class Confirmation:
    status: OrderStatus
    substatus: Substatus | None
    debit: Decimal  # what to take from e-credit now (0 when unpaid)


BOOKED = Confirmation(OrderStatus.BOOKED, None, Decimal(0))


def confirm(total: Decimal, ecredit: Decimal) -> Confirmation:
    """Confirm an order: paid when e-credit covers it, else payment due."""
    if ecredit >= total:
        return Confirmation(OrderStatus.TO_DISPATCH, Substatus.PAID_WITH_ECREDIT, total)
    return Confirmation(OrderStatus.TO_DISPATCH, Substatus.PAYMENT_DUE, Decimal(0))


def decide_on_creation(
    *, auto_confirm: bool, has_carrier: bool, total: Decimal, ecredit: Decimal, account_auto_confirm: bool
) -> Confirmation:
    """Status of a new order: confirmed when asked, a carrier exists, and credit or the setting allows."""
    if not auto_confirm or not has_carrier:
        return BOOKED
    if ecredit >= total or account_auto_confirm:
        return confirm(total, ecredit)
    return BOOKED

"""Money: Decimal with two places, parsed strictly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stockgate.domain.errors import InvalidInput

CENT = Decimal("0.01")
# Far above any real balance or price, far below what the storage's integer cents can hold.
MAX_AMOUNT = Decimal(10) ** 12


def cents(value: Decimal) -> Decimal:
    """Round to two places the way invoices do (half up)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str, field: str = "amount") -> Decimal:
    """Parse a money amount such as "29.80"; at most two decimals, finite."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise InvalidInput(field, f"{field} {text!r} is not an amount") from None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise InvalidInput(field, f"{field} {text!r} must be a number below {MAX_AMOUNT:,.0f}")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise InvalidInput(field, f"{field} {text!r} must be a number with at most two decimals")
    return cents(value)

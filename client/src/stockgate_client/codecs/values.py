"""Lenient readers for scalar values that arrive as JSON numbers, strings or XML text."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = ["boolean", "decimal", "integer", "money", "opt_integer", "text"]

_CENT = Decimal("0.01")


def text(value: object) -> str | None:
    """A trimmed string, or None for a missing or empty value."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def integer(value: object) -> int:
    """An int from a JSON number or a numeric string; anything else is a ValueError."""
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"expected an integer, got {value!r}")


def opt_integer(value: object) -> int | None:
    """An int, or None for a missing or empty value."""
    return None if text(value) is None else integer(value)


def decimal(value: object) -> Decimal | None:
    """A Decimal from a number or numeric string, or None for a missing or empty value."""
    raw = text(value)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"expected a number, got {value!r}") from None


def money(value: object) -> Decimal | None:
    """An amount of money as a Decimal with two places, or None."""
    amount = decimal(value)
    return None if amount is None else amount.quantize(_CENT)


def boolean(value: object, default: bool = False) -> bool:
    """A bool from a JSON boolean or ``true``/``false``/``1``/``0`` text."""
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return default
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise ValueError(f"expected a boolean, got {value!r}")

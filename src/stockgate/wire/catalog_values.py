"""Reading the scalar values of catalog files (TEAL XML, CSV): numbers, amounts, flags.

Lenient the way spreadsheets need (surrounding blanks, `29,80` for 29.80, `yes`/`no`), strict about
what is not a value at all. Ranges and decimal places are the catalog rules' business
(domain/catalog_rules.py), so every problem names the product it belongs to.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from stockgate.domain.errors import InvalidInput
from stockgate.wire.nodes import as_int

_TRUE = frozenset({"true", "1", "yes", "y"})
_FALSE = frozenset({"false", "0", "no", "n"})


def integer(text: str | None, name: str, default: int | None = None) -> int:
    """An integer; `default` when empty (InvalidInput when empty and there is no default)."""
    value = (text or "").strip()
    if not value:
        if default is None:
            raise InvalidInput(name, f"{name} is required")
        return default
    return as_int(value, name)


def amount(text: str | None, name: str, default: Decimal = Decimal("0.00")) -> Decimal:
    """A decimal number such as `29.80` (or `29,80`); `default` when empty."""
    value = (text or "").strip()
    if not value:
        return default
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(name, f"{name} {value!r} is not a number") from None
    if not number.is_finite():
        raise InvalidInput(name, f"{name} {value!r} is not a number")
    return number


def flag(text: str | None, name: str, default: bool) -> bool:
    """true/false, 1/0, yes/no in any case; `default` when empty."""
    value = (text or "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(name, f"{name} {value!r} is not true or false")

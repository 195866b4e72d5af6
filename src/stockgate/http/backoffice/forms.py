"""Reading typed values from query strings and form fields; bad input names its field."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from stockgate.domain.errors import InvalidInput
from stockgate.domain.money import parse_amount
from stockgate.services.backoffice_queries import day_bounds


def optional_int(raw: str | None, field: str, *, minimum: int | None = None) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.lstrip("-").isdigit() or len(text) > 18:
        raise InvalidInput(field, f"{field} {text!r} is not a whole number")
    value = int(text)
    if minimum is not None and value < minimum:
        raise InvalidInput(field, f"{field} must be at least {minimum}")
    return value


def required_int(raw: str | None, field: str, *, minimum: int | None = None) -> int:
    value = optional_int(raw, field, minimum=minimum)
    if value is None:
        raise InvalidInput(field, f"{field} is required")
    return value


def optional_amount(raw: str | None, field: str) -> Decimal | None:
    text = (raw or "").strip().replace(",", ".")
    return parse_amount(text, field) if text else None


def required_amount(raw: str | None, field: str) -> Decimal:
    value = optional_amount(raw, field)
    if value is None:
        raise InvalidInput(field, f"{field} is required")
    return value


def optional_decimal(raw: str | None, field: str, places: int) -> Decimal | None:
    text = (raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(field, f"{field} {text!r} is not a number") from None
    if not value.is_finite() or value != round(value, places):
        raise InvalidInput(field, f"{field} {text!r} must be a number with at most {places} decimals")
    return value


def day_start(raw: str | None, field: str, zone: ZoneInfo, *, following: bool = False) -> datetime | None:
    """The instant a YYYY-MM-DD day starts in `zone` (or, `following`, the instant it ends)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{field} {text!r} is not a date (YYYY-MM-DD)") from None
    start, end = day_bounds(day, zone)
    return end if following else start


def checkbox(raw: str | None) -> bool:
    return (raw or "") in ("on", "1", "true", "yes")

"""Column types: exact decimals stored as scaled integers.

SQLite has no decimal type (it would round through floats); integers are exact on both engines, and
SUM() over them stays exact, which the invariant check relies on.

Each type also offers `prepared_bind` / `prepared_result`: one function per value for the hot
statements of storage/prepared.py, instead of SQLAlchemy's wrapper calling `process_bind_param` and
then the column's own processor (three Python calls per value; an order converts about forty values).
They give the same values as Core; tests/unit/test_column_types.py compares them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of places, stored as an integer count of the smallest unit."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self._to_units = _units_writer(places)
        self._from_units = _units_reader(places)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        return self._to_units(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return self._from_units(value)

    def prepared_bind(self, dialect: Dialect) -> Callable[[Any], int | None]:
        return self._to_units  # BigInteger has no processor of its own on either engine

    def prepared_result(self, dialect: Dialect) -> Callable[[Any], Decimal | None]:
        return self._from_units


def _units_writer(places: int) -> Callable[[Any], int | None]:
    def to_units(value: Any) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value).scaleb(places)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {places} decimal places")
        return int(scaled)

    return to_units


def _units_reader(places: int) -> Callable[[Any], Decimal | None]:
    def from_units(value: Any) -> Decimal | None:
        # An integer scaled down already has exactly `places` decimals ("29.80"); no quantize needed.
        return None if value is None else Decimal(int(value)).scaleb(-places)

    return from_units


def Money() -> ScaledDecimal:
    """Euros with two places (cents in the database)."""
    return ScaledDecimal(2)


def Weight() -> ScaledDecimal:
    """Kilograms with three places (grams in the database)."""
    return ScaledDecimal(3)


NAIVE = "naive datetimes are not stored: give every instant a time zone"


class UtcInstant(TypeDecorator[datetime]):
    """A timezone-aware instant, stored in UTC. SQLite keeps no offset, so one is put back on reading."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        moment = _in_utc(value)
        return moment.replace(tzinfo=None) if moment is not None and dialect.name == "sqlite" else moment

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return _as_utc(value)

    def prepared_bind(self, dialect: Dialect) -> Callable[[Any], Any]:
        # SQLite: straight to the text its DATETIME type stores ("2026-12-03 04:50:00.000000").
        return _utc_text if dialect.name == "sqlite" else _in_utc

    def prepared_result(self, dialect: Dialect) -> Callable[[Any], Any]:
        # SQLite answers that text, which its DATETIME type reads with fromisoformat.
        return _utc_from_text if dialect.name == "sqlite" else _as_utc


def _in_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(NAIVE)
    moment: datetime = value.astimezone(UTC)
    return moment


def _as_utc(value: Any) -> datetime | None:
    if value is None:
        return None
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# The SQLite pair in one call each (these run for every instant of every hot statement).
def _utc_text(value: Any) -> str | None:
    global _last_text
    seen, text = _last_text
    if value is seen:  # one transaction's "now" is written to several columns and rows
        return text
    moment = _in_utc(value)
    if moment is None:
        return None
    text = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
    _last_text = (value, text)  # one assignment: a thread reads the old pair or the new, whole
    return text


_last_text: tuple[datetime | None, str | None] = (None, None)


def _utc_from_text(value: Any) -> datetime | None:
    return None if value is None else _as_utc(datetime.fromisoformat(value))

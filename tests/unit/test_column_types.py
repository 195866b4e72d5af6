"""The prepared statements' one-call processors give exactly what SQLAlchemy's own give, both ways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from stockgate.storage.types import Money, ScaledDecimal, UtcInstant, Weight

DIALECTS = [sqlite.dialect(), postgresql.dialect()]  # type: ignore[no-untyped-call]
TYPES = [Money(), Weight(), UtcInstant()]

instants = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
) | st.datetimes(timezones=st.just(timezone(timedelta(hours=-3, minutes=-30))))
amounts = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12)


def _core(type_: Any, dialect: Dialect) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """SQLAlchemy's own processors, as a Core statement uses them (identity where it has none)."""
    bind = type_._cached_bind_processor(dialect) or (lambda value: value)
    result = type_._cached_result_processor(dialect, None) or (lambda value: value)
    return bind, result


def _outcome(process: Callable[[Any], Any], value: Any) -> Any:
    try:
        return process(value)
    except ValueError as error:
        return ("ValueError", str(error))


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("type_", TYPES, ids=lambda t: type(t).__name__ + str(getattr(t, "places", "")))
def test_none_passes_through_both_ways(type_: Any, dialect: Dialect) -> None:
    assert type_.prepared_bind(dialect)(None) is None
    assert type_.prepared_result(dialect)(None) is None


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@given(moment=instants)
def test_instants_are_stored_and_read_back_as_core_does(dialect: Dialect, moment: datetime) -> None:
    type_ = UtcInstant()
    bind, result = _core(type_, dialect)
    stored = type_.prepared_bind(dialect)(moment)
    assert stored == bind(moment)
    # In UTC: an instant in a zone's repeated hour never equals one of another zone (PEP 495).
    assert type_.prepared_result(dialect)(stored) == result(stored) == moment.astimezone(UTC)
    assert result(stored).tzinfo is UTC


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_a_naive_instant_is_refused_alike(dialect: Dialect) -> None:
    type_ = UtcInstant()
    bind, _ = _core(type_, dialect)
    naive = datetime(2026, 12, 3, 4, 50)
    assert _outcome(type_.prepared_bind(dialect), naive) == _outcome(bind, naive)
    assert _outcome(bind, naive)[0] == "ValueError"


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("places", [2, 3])
@given(amount=amounts)
def test_amounts_are_stored_and_read_back_as_core_does(
    dialect: Dialect, places: int, amount: Decimal
) -> None:
    type_ = ScaledDecimal(places)
    bind, result = _core(type_, dialect)
    stored = _outcome(type_.prepared_bind(dialect), amount)
    assert stored == _outcome(bind, amount)  # too many places: the same ValueError
    if isinstance(stored, int):
        assert type_.prepared_result(dialect)(stored) == result(stored) == amount
        assert str(result(stored)) == str(type_.prepared_result(dialect)(stored))  # "29.80", not "29.8"

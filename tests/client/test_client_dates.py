"""The ghost date formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from stockgate_client.dates import format_ghost_date, parse_ghost_date, parse_instant

PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021/02/03 14:36:55 +0000", datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)),
        ("2021/02/03 14:36:55 +0200", datetime(2021, 2, 3, 14, 36, 55, tzinfo=PLUS_TWO)),
        ("2017/01/31 23:59:59 0800", datetime(2017, 1, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=8)))),
        (
            "2017/01/31 23:59:59 -0500",
            datetime(2017, 1, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
        ),
        ("  2021/02/03 14:36:55 +0000 ", datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)),
        ("2021/02/03 14:36:55", datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)),
    ],
)
def test_parse_ghost_date(text: str, expected: datetime) -> None:
    parsed = parse_ghost_date(text)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_format_ghost_date_round_trips() -> None:
    when = datetime(2021, 2, 3, 14, 36, 55, tzinfo=PLUS_TWO)
    assert format_ghost_date(when) == "2021/02/03 14:36:55 +0200"
    assert parse_ghost_date(format_ghost_date(when)) == when


def test_naive_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_ghost_date(datetime(2021, 2, 3))


@pytest.mark.parametrize(
    "value",
    [
        1612363015000,
        Decimal("1612363015000"),
        "1612363015000",
        "2021-02-03T14:36:55+00:00",
        "2021-02-03T16:36:55+02:00",
        "2021-02-03T14:36:55",
        "2021-02-03T14:36:55Z",
        "2021/02/03 14:36:55 +0000",
    ],
)
def test_parse_instant(value: object) -> None:
    parsed = parse_instant(value)
    assert parsed == datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)
    assert parsed.tzinfo is not None


@pytest.mark.parametrize("value", [None, True, "yesterday", [1]])
def test_parse_instant_refuses_what_is_no_instant(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        parse_instant(value)

"""The pure rules: clamps, carrier choice, confirmation, dates, countries, money."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from stockgate.domain.carriers import Carrier, choose_carrier
from stockgate.domain.confirmation import decide_on_creation, order_total
from stockgate.domain.countries import country_code
from stockgate.domain.dates import format_order_date, parse_order_date
from stockgate.domain.errors import InvalidInput, UnknownOperation
from stockgate.domain.money import parse_amount
from stockgate.domain.orders import merge_lines
from stockgate.domain.statuses import OrderStatus, Substatus
from stockgate.domain.stock import make_operation, new_lock, take_for_order


@pytest.mark.parametrize(
    ("op", "mine", "free", "quantity", "after"),
    [
        ("lock", 0, 5, 3, 3),
        ("lock", 2, 5, 9, 7),
        ("lock", 2, 0, 9, 2),
        ("unlock", 4, 0, 1, 3),
        ("unlock", 4, 0, 9, 0),
        ("set", 4, 1, 9, 5),
        ("set", 4, 1, 2, 2),
        ("ensure", 4, 1, 2, 4),
        ("ensure", 4, 1, 9, 5),
        ("ensure", 0, 0, 3, 0),
    ],
)
def test_new_lock_never_exceeds_mine_plus_free(
    op: str, mine: int, free: int, quantity: int, after: int
) -> None:
    assert new_lock(op, mine, free, quantity) == after
    assert 0 <= after <= mine + free


def test_operation_merges_duplicates_and_refuses_bad_input() -> None:
    assert make_operation("lock", [(1, 2), (1, 3), (2, 0)]).quantities == {1: 5, 2: 0}
    with pytest.raises(UnknownOperation):
        make_operation("grab", [])
    with pytest.raises(InvalidInput, match="must not be negative"):
        make_operation("lock", [(1, -1)])


@pytest.mark.parametrize(
    ("mine", "free", "requested", "from_lock", "from_free"),
    [(3, 5, 2, 2, 0), (3, 5, 3, 3, 0), (3, 5, 6, 3, 3), (3, 5, 50, 3, 5), (0, 0, 4, 0, 0)],
)
def test_order_takes_lock_first_then_free(
    mine: int, free: int, requested: int, from_lock: int, from_free: int
) -> None:
    take = take_for_order(mine, free, requested)
    assert (take.from_lock, take.from_free) == (from_lock, from_free)


DHL = Carrier(10, "DHL", Decimal("9.80"), frozenset(), None, True)
UPS = Carrier(20, "UPS", Decimal("7.50"), frozenset({"IT", "FR"}), Decimal("30"), False)
POST = Carrier(30, "Post", Decimal("3"), frozenset({"IT"}), Decimal("2"), True)


def test_carrier_choice() -> None:
    assert choose_carrier([DHL, UPS], 20, "IT", Decimal(1)) is UPS
    assert choose_carrier([DHL, UPS], 20, "it", Decimal(30)) is UPS  # exactly the max weight is served
    assert choose_carrier([DHL, UPS], 20, "IT", Decimal("30.001")) is DHL
    assert choose_carrier([DHL, UPS], 20, "DE", Decimal(1)) is DHL
    assert choose_carrier([DHL, UPS], None, "IT", Decimal(1)) is DHL
    assert choose_carrier([UPS], None, "IT", Decimal(1)) is None
    assert choose_carrier([POST], None, "IT", Decimal(3)) is None


def test_confirmation_branches() -> None:
    total = Decimal("50.00")
    paid = decide_on_creation(
        auto_confirm=True, has_carrier=True, total=total, ecredit=Decimal(50), account_auto_confirm=False
    )
    assert (paid.status, paid.substatus, paid.debit) == (
        OrderStatus.TO_DISPATCH,
        Substatus.PAID_WITH_ECREDIT,
        total,
    )
    due = decide_on_creation(
        auto_confirm=True, has_carrier=True, total=total, ecredit=Decimal(49), account_auto_confirm=True
    )
    assert (due.status, due.substatus, due.debit) == (OrderStatus.TO_DISPATCH, Substatus.PAYMENT_DUE, 0)
    for kwargs in (
        {"auto_confirm": True, "has_carrier": True, "ecredit": Decimal(49), "account_auto_confirm": False},
        {"auto_confirm": False, "has_carrier": True, "ecredit": Decimal(99), "account_auto_confirm": True},
        {"auto_confirm": True, "has_carrier": False, "ecredit": Decimal(99), "account_auto_confirm": True},
    ):
        booked = decide_on_creation(total=total, **kwargs)  # type: ignore[arg-type]
        assert (booked.status, booked.substatus, booked.debit) == (OrderStatus.BOOKED, None, 0)


def test_order_total_rounds_to_cents() -> None:
    assert order_total([(Decimal("10.10"), 3), (Decimal("0.335"), 1)], Decimal("9.80")) == Decimal("40.44")
    assert order_total([(Decimal("1.00"), 1)], None) == Decimal("1.00")


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2017/01/31 23:59:59 +0000", timedelta(0)),
        ("2017/01/31 23:59:59 +0200", timedelta(hours=2)),
        ("2017/01/31 23:59:59 -0530", -timedelta(hours=5, minutes=30)),
        ("2017/01/31 23:59:59 0800", timedelta(hours=8)),  # unsigned, as the seed writes it
        ("  2017/01/31 23:59:59 +02:00 ", timedelta(hours=2)),
        ("2017/01/31 23:59:59", timedelta(0)),
    ],
)
def test_parse_order_date(text: str, offset: timedelta) -> None:
    moment = parse_order_date(text)
    assert moment.utcoffset() == offset
    assert moment.replace(tzinfo=None) == datetime(2017, 1, 31, 23, 59, 59)


@pytest.mark.parametrize(
    "text",
    [
        "2017-01-31 23:59:59",
        "2017/13/01 00:00:00 +0000",
        "2017/01/31 24:00:00",
        "2017/01/31 10:00:00 +2500",
        "yesterday",
    ],
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_order_date(text)


def test_format_order_date() -> None:
    assert format_order_date(datetime(2021, 2, 3, 14, 36, 55, tzinfo=UTC)) == "2021/02/03 14:36:55 +0000"


def test_country_codes() -> None:
    assert country_code(" it ") == "IT"
    assert country_code("gb") == "GB"
    for bad in ("UK", "XX", "ITA", ""):
        with pytest.raises(InvalidInput):
            country_code(bad)


def test_amounts() -> None:
    assert parse_amount("29.8") == Decimal("29.80")
    assert parse_amount("-5") == Decimal("-5.00")
    for bad in ("1.001", "NaN", "Infinity", "abc", ""):
        with pytest.raises(InvalidInput):
            parse_amount(bad)


def test_merge_lines() -> None:
    assert merge_lines([(1, 2), (1, 1), (2, 4)], "order x") == {1: 3, 2: 4}
    with pytest.raises(InvalidInput, match="has no item"):
        merge_lines([], "order x")
    with pytest.raises(InvalidInput, match="must be positive"):
        merge_lines([(1, 0)], "order x")

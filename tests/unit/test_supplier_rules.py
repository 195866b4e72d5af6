"""Pure rules of the warehouse workflow and of returns (domain/fulfilment.py, domain/returns.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from stockgate.domain import returns as r
from stockgate.domain.errors import InvalidInput, InvalidReturnTransition, InvalidTransition, ReturnRefused
from stockgate.domain.fulfilment import (
    Tracking,
    check_advance,
    check_cancel,
    leaves_booking,
    payment_substatus,
    pushed_substatus,
    tracking,
)
from stockgate.domain.returns import Refusal, ReturnItem, ReturnRequest, ReturnStatus

FLOW = [5, 2, 3001, 3002, 3]
TRACKED = Tracking(code="T")


@pytest.mark.parametrize("current", FLOW)
@pytest.mark.parametrize("target", [*FLOW, 0, 1, 2000, 2002, 5003, 42])
def test_orders_only_move_forward(current: int, target: int) -> None:
    forward = target in FLOW[1:] and FLOW.index(target) > FLOW.index(current)
    if forward:
        check_advance(1, current, target, None, TRACKED)
    else:
        with pytest.raises(InvalidTransition) as raised:
            check_advance(1, current, target, None, TRACKED)
        assert raised.value.current == current and f"({current})" in raised.value.message


@pytest.mark.parametrize("current", [0, 1, 2000, 2002, 5003])
def test_orders_outside_the_flow_do_not_advance(current: int) -> None:
    with pytest.raises(InvalidTransition):
        check_advance(1, current, 3, None, TRACKED)


def test_dispatch_needs_tracking_and_no_block() -> None:
    with pytest.raises(InvalidInput, match="tracking code or a tracking url"):
        check_advance(1, 3002, 3, None, Tracking(carrier_name="UPS"))
    check_advance(1, 3002, 3, None, Tracking(url="https://t.example/1"))
    with pytest.raises(InvalidTransition, match="blocked"):
        check_advance(1, 3002, 3, 5, TRACKED)
    check_advance(1, 2, 3002, 5, Tracking())  # a block stops only the dispatch


def test_tracking_values_are_trimmed_and_bounded() -> None:
    assert tracking(" 1Z ", "  ", None) == Tracking("1Z", None, None)
    with pytest.raises(InvalidInput, match="tracking_url is longer than 500"):
        tracking(None, "u" * 501, None)


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        (0, True),
        (1, True),
        (2002, True),
        (5, True),
        (2, True),
        (3001, True),
        (3002, True),
        (3, False),
        (2000, False),
        (5003, False),
    ],
)
def test_cancel_only_before_dispatch(current: int, allowed: bool) -> None:
    if allowed:
        check_cancel(1, current)
    else:
        with pytest.raises(InvalidTransition, match=rf"\({current}\); it cannot move to status 2000"):
            check_cancel(1, current)


def test_leaving_booking_confirms() -> None:
    assert leaves_booking(5, 2) and leaves_booking(5, 3)
    assert not leaves_booking(2, 3001)


def test_pushed_substatus_stays_true() -> None:
    paid, total = Decimal("10.00"), Decimal("10.00")
    assert pushed_substatus(1, 2, 5, paid, total) == 5
    assert pushed_substatus(1, 3001, 1, paid, total) == 1
    assert payment_substatus(Decimal(0), total) == 2
    with pytest.raises(InvalidInput, match="substatus 2 is not true"):
        pushed_substatus(1, 2, 2, paid, total)
    with pytest.raises(InvalidInput, match="substatus 1 is not true"):
        pushed_substatus(1, 2, 1, Decimal(0), total)
    for cancelling in (3, 4):
        with pytest.raises(InvalidInput, match="come with cancelling"):
            pushed_substatus(1, 2, cancelling, paid, total)
    with pytest.raises(InvalidInput, match="not one of 1, 2, 5"):
        pushed_substatus(1, 2, 0, paid, total)
    for status in (5, 3, 2000):
        with pytest.raises(InvalidTransition):
            pushed_substatus(1, status, 5, paid, total)


def request(*items: tuple[int, int]) -> ReturnRequest:
    return ReturnRequest(7, tuple(ReturnItem(sid, q) for sid, q in items))


def test_return_requests_follow_the_rules() -> None:
    shipped = {100: 3, 200: 1}
    r.check_request(request((100, 2), (100, 1), (200, 1)), 3, shipped, {})
    cases = [
        (request((100, 1)), 3002, {}, Refusal.NOT_DISPATCHED),
        (request((300, 1)), 3, {}, Refusal.NOT_IN_ORDER),
        (request((100, 2), (100, 2)), 3, {}, Refusal.TOO_MANY),
        (request((100, 2)), 3, {100: 2}, Refusal.TOO_MANY),
        (request(), 3, {}, Refusal.MALFORMED),
        (request((100, 1001)), 3, {}, Refusal.MALFORMED),
    ]
    for req, status, before, code in cases:
        with pytest.raises(ReturnRefused) as raised:
            r.check_request(req, status, shipped, before)
        assert raised.value.code == code


def test_return_items_are_validated_and_split_into_units() -> None:
    with pytest.raises(ReturnRefused) as raised:
        r.return_item(1, 1, 9, None, None)
    assert raised.value.code == Refusal.BAD_REASON
    for quantity in (0, -2):
        with pytest.raises(ReturnRefused, match="must be positive"):
            r.return_item(1, quantity, 0, None, None)
    with pytest.raises(ReturnRefused, match="notes are longer"):
        r.return_item(1, 1, 0, "x" * 501, None)
    units = r.units([ReturnItem(5, 2, 3, "n", "x"), ReturnItem(6, 1)])
    assert [(u.stock_id, u.quantity, u.reason_code) for u in units] == [(5, 1, 3), (5, 1, 3), (6, 1, 0)]


def test_return_line_steps() -> None:
    s = ReturnStatus
    assert r.authorise(1, s.PENDING, paid_by_supplier=True) == s.AUTHORIZED_SUPPLIER_PAYS
    assert r.authorise(1, s.PENDING, paid_by_supplier=False) == s.AUTHORIZED_CUSTOMER_PAYS
    assert r.receive(1, s.AUTHORIZED_CUSTOMER_PAYS, ok=True) == s.RECEIVED_OK
    assert r.receive(1, s.AUTHORIZED_SUPPLIER_PAYS, ok=False) == s.RECEIVED_NOT_OK
    assert r.not_received(1, s.AUTHORIZED_SUPPLIER_PAYS) == s.NOT_RECEIVED
    assert r.refund(1, s.RECEIVED_OK, False) == s.COMPLETED
    assert r.refund(1, s.AUTHORIZED_SUPPLIER_PAYS, False) == s.AUTHORIZED_SUPPLIER_PAYS
    assert r.refund(1, s.NOT_RECEIVED, False) == s.NOT_RECEIVED
    assert r.complete(1, s.RECEIVED_NOT_OK) == s.COMPLETED
    assert r.refuse(1, s.RECEIVED_NOT_OK, False) == s.REFUSED
    refused = [
        lambda: r.authorise(1, s.AUTHORIZED_CUSTOMER_PAYS, paid_by_supplier=True),
        lambda: r.receive(1, s.PENDING, ok=True),
        lambda: r.receive(1, s.RECEIVED_OK, ok=True),
        lambda: r.refund(1, s.PENDING, False),
        lambda: r.refund(1, s.REFUSED, False),
        lambda: r.refund(1, s.RECEIVED_OK, True),
        lambda: r.refuse(1, s.RECEIVED_OK, False),
        lambda: r.refuse(1, s.NOT_RECEIVED, True),
        lambda: r.complete(1, s.PENDING),
        lambda: r.complete(1, s.COMPLETED),
    ]
    for step in refused:
        with pytest.raises(InvalidReturnTransition):
            step()


def test_who_pays_the_shipping_back_by_default() -> None:
    assert [r.default_payer(code) for code in range(9)] == [
        "customer",  # other
        "customer",  # purchased by mistake
        "supplier",  # damaged
        "supplier",  # wrong item
        "supplier",  # defective
        "supplier",  # unordered
        "customer",  # not my size
        "customer",  # don't like it
        "supplier",  # missing
    ]

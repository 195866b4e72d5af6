"""The warehouse workflow through its service functions: advance, confirm, dispatch, cancel, status push."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from stockgate.bootstrap import Runtime
from stockgate.domain.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.status_push import StatusPush, push_order_status
from stockgate.services.supplier_orders import show_order
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.supplier import (
    assert_books_balance,
    dispatched,
    ecredit,
    lock,
    locks,
    on_hand,
    order_fields,
    place,
)


@pytest.fixture
def stocked(runtime: Runtime, catalog: list[int]) -> list[int]:
    for sid in catalog[:3]:
        set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    return catalog[:3]


@pytest.fixture
def rich(make_account: AccountFactory) -> Shop:
    return make_account(ecredit="5000")


def booked(runtime: Runtime, principal: Principal, key: str, lines: dict[int, int]) -> int:
    order_id = place(runtime, principal, key, lines, auto_confirm=False)
    assert order_fields(runtime, order_id)["status"] == 5
    return order_id


def test_confirming_a_booked_order_debits_the_credit_that_covers_it(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    order_id = booked(runtime, principal_of(rich), "K1", {stocked[0]: 2})
    total = order_fields(runtime, order_id)["total"]
    assert isinstance(total, Decimal) and total > 0
    moved = advance_order(runtime.db, order_id=order_id, to=2, actor="tester", reason="phoned")
    assert (moved.previous, moved.status, moved.substatus) == (5, 2, 1)
    assert moved.debited == total and moved.paid == total
    assert ecredit(runtime, rich.email) == Decimal("5000.00") - total
    fields = order_fields(runtime, order_id)
    assert fields["paid"] == total and fields["last_update"] == moved.last_update
    last = show_order(runtime.db, order_id=order_id).history[-1]
    assert (last.kind, last.status, last.actor, last.reason) == ("status", 2, "tester", "phoned")
    assert_books_balance(runtime)


def test_confirming_without_enough_credit_marks_payment_due(
    runtime: Runtime,
    make_account: AccountFactory,
    stocked: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    poor = make_account(ecredit="1.00")
    order_id = booked(runtime, principal_of(poor), "K1", {stocked[0]: 1})
    moved = advance_order(runtime.db, order_id=order_id, to=3001, actor="tester")
    assert (moved.status, moved.substatus, moved.debited, moved.paid) == (3001, 2, 0, 0)
    assert ecredit(runtime, poor.email) == Decimal("1.00")
    assert_books_balance(runtime)


def test_forward_steps_skips_and_dispatch_with_tracking(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    order_id = place(runtime, principal_of(rich), "K1", {stocked[0]: 1})
    assert order_fields(runtime, order_id)["status"] == 2  # auto-confirmed
    advance_order(runtime.db, order_id=order_id, to=3001, actor="t")
    advance_order(runtime.db, order_id=order_id, to=3002, actor="t")
    with pytest.raises(InvalidInput, match="tracking code or a tracking url"):
        advance_order(runtime.db, order_id=order_id, to=3, actor="t")
    moved = advance_order(runtime.db, order_id=order_id, to=3, tracking_code=" 1Z999 ", actor="t")
    assert moved.status == 3
    fields = order_fields(runtime, order_id)
    # Without a carrier name the order's assigned carrier (UPS, id 20) is the one reported.
    assert (fields["tracking_code"], fields["tracking_url"], fields["tracking_carrier"]) == (
        "1Z999",
        None,
        "UPS",
    )
    statuses = [h.status for h in show_order(runtime.db, order_id=order_id).history if h.kind == "status"]
    assert statuses == [2, 3001, 3002, 3]
    assert_books_balance(runtime)

    skipping = place(runtime, principal_of(rich), "K2", {stocked[1]: 1})
    moved = advance_order(
        runtime.db, order_id=skipping, to=3, tracking_url="https://t.example/1", carrier_name="DHL", actor="t"
    )
    assert (moved.previous, moved.status) == (2, 3)
    assert order_fields(runtime, skipping)["tracking_carrier"] == "DHL"


ILLEGAL = [
    ([3001], 2, "WORKING ON (3001)"),
    ([3002], 3001, "READY (3002)"),
    ([], 5, "TO DISPATCH (2)"),
    ([], 2, "TO DISPATCH (2)"),
    ([], 2000, "TO DISPATCH (2)"),
    ([], 42, "TO DISPATCH (2)"),
    ([3], 3002, "DISPATCHED (3)"),
    ([3], 3, "DISPATCHED (3)"),
]


def test_illegal_moves_name_the_current_status_and_change_nothing(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    for number, (path, target, current) in enumerate(ILLEGAL):
        order_id = place(runtime, principal_of(rich), f"K{number}", {stocked[0]: 1})
        for step in path:
            advance_order(runtime.db, order_id=order_id, to=step, tracking_code="T", actor="t")
        before = order_fields(runtime, order_id)
        with pytest.raises(InvalidTransition, match=re.escape(f"order {order_id} is {current};")) as raised:
            advance_order(runtime.db, order_id=order_id, to=target, tracking_code="T", actor="t")
        assert (raised.value.current, raised.value.target) == (before["status"], target)
        assert order_fields(runtime, order_id) == before
    assert_books_balance(runtime)


def test_cancel_restores_stock_and_credit_exactly(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    a, b, _ = stocked
    principal = principal_of(rich)
    lock(runtime.db, principal, [(a, 3)])
    credit_before, stock_before = ecredit(runtime, rich.email), (on_hand(runtime, a), on_hand(runtime, b))
    order_id = place(runtime, principal, "K1", {a: 5, b: 2})
    assert (on_hand(runtime, a), on_hand(runtime, b)) == (5, 8)
    advance_order(runtime.db, order_id=order_id, to=3002, actor="t")
    paid = order_fields(runtime, order_id)["paid"]
    assert paid and ecredit(runtime, rich.email) == credit_before - paid  # type: ignore[operator]

    moved = cancel_order(runtime.db, order_id=order_id, reason="customer changed mind", actor="tester")
    assert (moved.previous, moved.status, moved.substatus, moved.refunded, moved.paid) == (
        3002,
        2000,
        4,
        paid,
        0,
    )
    assert (on_hand(runtime, a), on_hand(runtime, b)) == stock_before
    assert ecredit(runtime, rich.email) == credit_before
    assert locks(runtime, rich.email) == {}  # the units went back to stock, not to the lock
    fields = order_fields(runtime, order_id)
    assert (fields["status"], fields["substatus"], fields["paid"]) == (2000, 4, 0)
    history = show_order(runtime.db, order_id=order_id).history
    assert [(h.stock_id, h.on_hand_delta) for h in history if h.kind == "stock"] == [(a, 5), (b, 2)]
    assert [h.credit_delta for h in history if h.kind == "credit"][-1] == paid
    assert (history[-1].status, history[-1].reason, history[-1].actor) == (
        2000,
        "customer changed mind",
        "tester",
    )
    assert_books_balance(runtime)

    with pytest.raises(InvalidTransition, match=r"is CANCELLED \(2000\)"):
        cancel_order(runtime.db, order_id=order_id, actor="t")
    with pytest.raises(InvalidTransition, match=r"is CANCELLED \(2000\)"):
        advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T", actor="t")


def test_reject_sets_substatus_3_and_unpaid_orders_refund_nothing(
    runtime: Runtime,
    make_account: AccountFactory,
    stocked: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    poor = make_account(ecredit="0.50", auto_confirm=True)
    order_id = place(runtime, principal_of(poor), "K1", {stocked[0]: 2})
    assert order_fields(runtime, order_id)["substatus"] == 2  # confirmed, payment due
    moved = cancel_order(runtime.db, order_id=order_id, reject=True, actor="t")
    assert (moved.status, moved.substatus, moved.refunded) == (2000, 3, 0)
    assert ecredit(runtime, poor.email) == Decimal("0.50")
    assert on_hand(runtime, stocked[0]) == 10
    assert show_order(runtime.db, order_id=order_id).history[-1].reason == "order rejected"
    assert_books_balance(runtime)


def test_dispatched_orders_cannot_be_cancelled_and_unknown_orders_are_not_found(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    order_id = dispatched(runtime, principal_of(rich), "K1", {stocked[0]: 1})
    with pytest.raises(InvalidTransition, match=r"is DISPATCHED \(3\); it cannot move to status 2000"):
        cancel_order(runtime.db, order_id=order_id, actor="t")
    with pytest.raises(NotFound):
        cancel_order(runtime.db, order_id=999_999, actor="t")
    with pytest.raises(NotFound):
        advance_order(runtime.db, order_id=999_999, to=2, actor="t")
    reservation_id = principal_of(rich).reservation_id
    if reservation_id is not None:  # the reservation's own row is not an order
        with pytest.raises(NotFound):
            advance_order(runtime.db, order_id=reservation_id, to=2, actor="t")
    assert_books_balance(runtime)


def test_status_push_blocks_unblocks_dispatches_and_corrects(
    runtime: Runtime, rich: Shop, stocked: list[int], principal_of: Callable[[Shop], Principal]
) -> None:
    order_id = place(runtime, principal_of(rich), "K-77", {stocked[0]: 1})
    blocked = push_order_status(runtime.db, push=StatusPush(order_id=order_id, substatus=5), actor="wh")
    assert (blocked.status, blocked.substatus) == (2, 5)
    with pytest.raises(InvalidTransition, match="blocked"):
        advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T", actor="t")
    with pytest.raises(InvalidInput, match="substatus 2 is not true"):
        push_order_status(runtime.db, push=StatusPush(order_id=order_id, substatus=2), actor="wh")
    with pytest.raises(InvalidInput, match="substatus 3 and 4"):
        push_order_status(runtime.db, push=StatusPush(order_id=order_id, substatus=4), actor="wh")
    freed = push_order_status(runtime.db, push=StatusPush(ext_ref="K-77", substatus=1), actor="wh")
    assert (freed.status, freed.substatus) == (2, 1)

    sent = push_order_status(
        runtime.db,
        push=StatusPush(ext_ref="K-77", substatus=1, tracking_code="TRK1", carrier_name="BRT"),
        actor="wh",
    )
    assert (sent.previous, sent.status) == (2, 3)
    fields = order_fields(runtime, order_id)
    assert (fields["tracking_code"], fields["tracking_carrier"]) == ("TRK1", "BRT")

    fixed = push_order_status(
        runtime.db, push=StatusPush(order_id=order_id, tracking_url="https://t.example/2"), actor="wh"
    )
    assert fixed.status == 3
    fields = order_fields(runtime, order_id)
    assert (fields["tracking_code"], fields["tracking_url"]) == (None, "https://t.example/2")
    kinds = [h.kind for h in show_order(runtime.db, order_id=order_id).history]
    assert kinds.count("substatus") == 2 and kinds[-1] == "tracking"
    with pytest.raises(InvalidTransition, match=r"DISPATCHED \(3\)"):
        push_order_status(runtime.db, push=StatusPush(order_id=order_id, substatus=5), actor="wh")
    assert_books_balance(runtime)


def test_status_push_errors(
    runtime: Runtime,
    make_account: AccountFactory,
    stocked: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    one, two = make_account(ecredit="100"), make_account(ecredit="100")
    first = place(runtime, principal_of(one), "SAME", {stocked[0]: 1})
    place(runtime, principal_of(two), "SAME", {stocked[0]: 1})
    with pytest.raises(Conflict, match="send orderId"):
        push_order_status(runtime.db, push=StatusPush(ext_ref="SAME", tracking_code="T"), actor="wh")
    with pytest.raises(NotFound):
        push_order_status(runtime.db, push=StatusPush(ext_ref="NONE", tracking_code="T"), actor="wh")
    with pytest.raises(NotFound):
        push_order_status(
            runtime.db, push=StatusPush(order_id=first, ext_ref="OTHER", tracking_code="T"), actor="wh"
        )
    with pytest.raises(InvalidInput, match="neither a substatus nor tracking"):
        push_order_status(runtime.db, push=StatusPush(order_id=first), actor="wh")
    with pytest.raises(InvalidInput, match="orderId or extRef"):
        push_order_status(runtime.db, push=StatusPush(tracking_code="T"), actor="wh")
    cancel_order(runtime.db, order_id=first, actor="t")
    with pytest.raises(InvalidTransition, match=r"CANCELLED \(2000\)"):
        push_order_status(runtime.db, push=StatusPush(order_id=first, tracking_code="T"), actor="wh")
    assert_books_balance(runtime)

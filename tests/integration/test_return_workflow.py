"""The supplier's steps on return lines, and the invariants `stockgate check` adds for orders and returns."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import update

from stockgate.bootstrap import Runtime
from stockgate.domain.errors import Conflict, InvalidInput, InvalidReturnTransition, NotFound
from stockgate.domain.returns import ReturnItem, ReturnRequest
from stockgate.services.auth import Principal
from stockgate.services.check import check_invariants
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_requests import open_return
from stockgate.services.return_workflow import (
    authorize_return,
    complete_return,
    get_return,
    mark_not_received,
    receive_return,
    refund_return,
    refuse_return,
)
from stockgate.services.supplier_stock import set_stock
from stockgate.storage.order_tables import ledger, order_lines, orders
from stockgate.storage.supplier_tables import return_lines
from tests.conftest import AccountFactory, Shop
from tests.support.supplier import assert_books_balance, on_hand, order_fields, place


@pytest.fixture
def returned(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> Callable[..., list[int]]:
    """Make a dispatched order of `units` of one model and return them all; answers the line ids."""
    sid = catalog[0]
    set_stock(runtime.db, stock_id=sid, quantity=50, actor="test")
    counter = iter(range(1000))

    def make(units: int = 3, ecredit: str = "1000", auto_confirm: bool = False) -> list[int]:
        shop = make_account(ecredit=ecredit, auto_confirm=auto_confirm)
        principal = principal_of(shop)
        order_id = place(runtime, principal, f"O{next(counter)}", {sid: units})
        advance_order(runtime.db, order_id=order_id, to=3, tracking_code="T", actor="test")
        request = ReturnRequest(order_id, (ReturnItem(sid, units, 4),))
        return open_return(runtime.db, principal=principal, request=request, actor="shop")

    return make


def test_each_step_from_where_it_may_start(runtime: Runtime, returned: Callable[..., list[int]]) -> None:
    one, two, three = returned(3)
    line = get_return(runtime.db, return_id=one)
    stock_before = on_hand(runtime, line.stock_id)
    for step, message in [
        (
            lambda: receive_return(runtime.db, return_id=one, ok=True, actor="t"),
            r"PENDING \(0\); it cannot be received",
        ),
        (lambda: refund_return(runtime.db, return_id=one, actor="t"), "it cannot be refunded"),
        (lambda: complete_return(runtime.db, return_id=one, actor="t"), "it cannot be completed"),
        (lambda: mark_not_received(runtime.db, return_id=one, actor="t"), "cannot be declared not received"),
    ]:
        with pytest.raises(InvalidReturnTransition, match=message):
            step()
    with pytest.raises(InvalidInput, match="supplier or customer"):
        authorize_return(runtime.db, return_id=one, paid_by="nobody", actor="t")
    with pytest.raises(NotFound):
        authorize_return(runtime.db, return_id=999_999, actor="t")

    # Defective (4) is the supplier's fault: it pays the shipping unless told otherwise.
    assert authorize_return(runtime.db, return_id=one, actor="t").status == 2
    assert authorize_return(runtime.db, return_id=two, paid_by="customer", actor="t").status == 1
    with pytest.raises(InvalidReturnTransition, match=r"AUTHORIZED \(paid by supplier\) \(2\)"):
        authorize_return(runtime.db, return_id=one, actor="t")

    # Not OK: nothing back on hand; a refund then closes the line.
    bad = receive_return(runtime.db, return_id=two, ok=False, actor="t")
    assert (bad.status, bad.restocked) == (4, False)
    assert on_hand(runtime, line.stock_id) == stock_before
    assert refund_return(runtime.db, return_id=two, actor="t").status == 9
    with pytest.raises(InvalidReturnTransition, match=r"COMPLETED \(9\); it cannot be refunded"):
        refund_return(runtime.db, return_id=two, actor="t")
    # Refunded before it arrives (goodwill): the line stays authorised, and is never refunded twice.
    early = refund_return(runtime.db, return_id=one, actor="t")
    assert (early.status, early.refund_status) == (2, 1)
    with pytest.raises(InvalidReturnTransition, match="already refunded"):
        refund_return(runtime.db, return_id=one, actor="t")

    # Never arrived: declared so, then closed without a refund; a refused line cannot be refunded.
    assert mark_not_received(runtime.db, return_id=one, actor="t").status == 5
    assert complete_return(runtime.db, return_id=one, actor="t").status == 9
    assert refuse_return(runtime.db, return_id=three, actor="t").status == 7
    with pytest.raises(InvalidReturnTransition, match=r"REFUSED \(7\)"):
        refund_return(runtime.db, return_id=three, actor="t")
    assert_books_balance(runtime)


def test_refunds_come_out_of_what_the_order_paid(
    runtime: Runtime, returned: Callable[..., list[int]]
) -> None:
    # Confirmed with payment due (e-credit too low, auto-confirm on): nothing to pay back from e-credit.
    [unpaid] = returned(1, ecredit="0", auto_confirm=True)
    line = get_return(runtime.db, return_id=unpaid)
    assert order_fields(runtime, line.order_id)["paid"] == 0
    authorize_return(runtime.db, return_id=unpaid, actor="t")
    with pytest.raises(Conflict, match=r"holds 0.00 paid with e-credit"):
        refund_return(runtime.db, return_id=unpaid, actor="t")
    assert get_return(runtime.db, return_id=unpaid).refund_status == 0

    # Paid: each refund gives back exactly the unit price, and the order holds that much less.
    first, second = returned(2)
    line = get_return(runtime.db, return_id=first)
    paid = order_fields(runtime, line.order_id)["paid"]
    for return_id in (first, second):
        authorize_return(runtime.db, return_id=return_id, actor="t")
        receive_return(runtime.db, return_id=return_id, ok=True, actor="t")
        done = refund_return(runtime.db, return_id=return_id, actor="t")
        assert (done.refund_status, done.refund_amount, done.status) == (1, line.unit_price, 9)
    assert order_fields(runtime, line.order_id)["paid"] == paid - 2 * line.unit_price  # type: ignore[operator]
    assert_books_balance(runtime)


def test_receiving_in_good_order_restocks_once(runtime: Runtime, returned: Callable[..., list[int]]) -> None:
    [one] = returned(1)
    sid = get_return(runtime.db, return_id=one).stock_id
    before = on_hand(runtime, sid)
    authorize_return(runtime.db, return_id=one, actor="t")
    assert receive_return(runtime.db, return_id=one, ok=True, actor="t").restocked is True
    assert on_hand(runtime, sid) == before + 1
    with pytest.raises(InvalidReturnTransition, match=r"RECEIVED OK \(3\)"):
        receive_return(runtime.db, return_id=one, ok=True, actor="t")
    assert complete_return(runtime.db, return_id=one, actor="t").status == 9
    assert on_hand(runtime, sid) == before + 1
    assert_books_balance(runtime)


def tamper(runtime: Runtime, statement: Any) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(statement)


def test_check_reports_order_and_return_breaches(
    runtime: Runtime, returned: Callable[..., list[int]], make_account: AccountFactory
) -> None:
    first, second = returned(2)
    line = get_return(runtime.db, return_id=first)
    authorize_return(runtime.db, return_id=first, actor="t")
    refund_return(runtime.db, return_id=first, actor="t")
    assert_books_balance(runtime)
    order_id = line.order_id

    tamper(runtime, update(orders).where(orders.c.id == order_id).values(status=3002))
    tamper(runtime, update(orders).where(orders.c.id == order_id).values(paid=Decimal("0.01")))
    tamper(runtime, update(return_lines).where(return_lines.c.id == second).values(status=3))
    tamper(
        runtime, update(return_lines).where(return_lines.c.id == first).values(refund_amount=Decimal("0.01"))
    )
    breaches = check_invariants(runtime.db)
    assert f"order {order_id}: status 3002 but the ledger last says 3" in breaches
    assert any(b.startswith(f"order {order_id}: paid 0.01 but the ledger says") for b in breaches)
    assert f"return line {second}: status 3 but the ledger last says 0" in breaches
    assert f"return line {first}: refunded 0.01 but the ledger credited {line.unit_price}" in breaches

    # More units in returns than shipped, refunds above the debit, a cancelled order holding money.
    tamper(runtime, update(return_lines).where(return_lines.c.id == second).values(status=0))
    tamper(
        runtime, update(return_lines).where(return_lines.c.id == first).values(refund_amount=line.unit_price)
    )
    tamper(runtime, update(orders).where(orders.c.id == order_id).values(status=3))
    tamper(
        runtime,
        update(ledger)
        .where(ledger.c.order_id == order_id, ledger.c.credit_delta < 0)
        .values(credit_delta=Decimal("-0.01")),
    )
    breaches = check_invariants(runtime.db)
    assert any("more than its debit of 0.01" in b for b in breaches), breaches
    tamper(runtime, update(orders).where(orders.c.id == order_id).values(status=2000))
    assert any(f"order {order_id}: cancelled but still holds" in b for b in check_invariants(runtime.db))
    tamper(
        runtime,
        update(order_lines).where(order_lines.c.order_id == order_id).values(quantity=1, from_lock=0),
    )
    assert (
        f"order {order_id}: 2 units of stock_id {line.stock_id} in returns but 1 shipped"
        in check_invariants(runtime.db)
    )

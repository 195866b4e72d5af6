"""Concurrent supplier operations on both engines: each unit returned once, each order either cancelled or
dispatched, each line refunded once, and the books balance afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from stockgate.bootstrap import Runtime
from stockgate.domain.errors import DomainError, InvalidReturnTransition, InvalidTransition, ReturnRefused
from stockgate.domain.returns import Refusal, ReturnItem, ReturnRequest
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.return_requests import open_return
from stockgate.services.return_workflow import authorize_return, list_returns, refund_return
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.supplier import assert_books_balance, dispatched, ecredit, on_hand, order_fields, place

THREADS = 8


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once (as near as threads allow); answers each result or the error it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except DomainError as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


class Customer(NamedTuple):
    shop: Shop
    principal: Principal
    sid: int


@pytest.fixture
def customer(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> Customer:
    """A shop with e-credit, and a model with 10 on hand for it to order and send back."""
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    return Customer(shop, principal_of(shop), catalog[0])


def test_racing_return_requests_never_return_a_unit_twice(runtime: Runtime, customer: Customer) -> None:
    principal, sid = customer.principal, customer.sid
    order_id = dispatched(runtime, principal, "R-1", {sid: 3})
    request = ReturnRequest(order_id, (ReturnItem(sid, 1),))
    results = race(
        [lambda: open_return(runtime.db, principal=principal, request=request, actor="s")] * THREADS
    )
    opened = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ReturnRefused)]
    assert len(opened) == 3 and len(refused) == THREADS - 3
    assert {r.code for r in refused} == {Refusal.TOO_MANY}
    assert len(list_returns(runtime.db, order_id=order_id)) == 3
    assert_books_balance(runtime)


def test_cancel_racing_dispatch_lets_exactly_one_win(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> None:
    a, b = catalog[:2]
    for sid in (a, b):
        set_stock(runtime.db, stock_id=sid, quantity=100, actor="test")
    shop = make_account(ecredit="5000")
    principal = principal_of(shop)
    credit_before = ecredit(runtime, shop.email)
    orders = [place(runtime, principal, f"C-{n}", {a: 1, b: 2}) for n in range(THREADS // 2)]
    calls: list[Callable[[], Any]] = []
    for order_id in orders:
        calls.append(lambda o=order_id: cancel_order(runtime.db, order_id=o, actor="c"))
        calls.append(
            lambda o=order_id: advance_order(runtime.db, order_id=o, to=3, tracking_code="T", actor="d")
        )
    results = race(calls)
    for index, order_id in enumerate(orders):
        cancelled, dispatched = results[2 * index], results[2 * index + 1]
        assert isinstance(cancelled, InvalidTransition) != isinstance(dispatched, InvalidTransition)
        final = order_fields(runtime, order_id)["status"]
        assert final == (3 if isinstance(cancelled, InvalidTransition) else 2000)
    kept = [o for o in orders if order_fields(runtime, o)["status"] == 3]
    assert on_hand(runtime, a) == 100 - len(kept) and on_hand(runtime, b) == 100 - 2 * len(kept)
    spent = sum((order_fields(runtime, o)["paid"] for o in kept), Decimal(0))  # type: ignore[misc]
    assert ecredit(runtime, shop.email) == credit_before - spent
    assert_books_balance(runtime)


def test_a_line_is_refunded_once(runtime: Runtime, customer: Customer) -> None:
    shop, principal, sid = customer
    order_id = dispatched(runtime, principal, "F-1", {sid: 1})
    [line] = open_return(
        runtime.db, principal=principal, request=ReturnRequest(order_id, (ReturnItem(sid, 1),)), actor="s"
    )
    authorize_return(runtime.db, return_id=line, actor="t")
    before = ecredit(runtime, shop.email)
    results = race([lambda: refund_return(runtime.db, return_id=line, actor="r")] * THREADS)
    assert sum(1 for r in results if not isinstance(r, DomainError)) == 1
    assert all(isinstance(r, InvalidReturnTransition) for r in results if isinstance(r, DomainError))
    unit_price = list_returns(runtime.db, order_id=order_id)[0].unit_price
    assert ecredit(runtime, shop.email) == before + unit_price
    assert_books_balance(runtime)


def test_statements_per_operation(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> None:
    """Each verb is a handful of statements, however many lines the order has (no loop per line)."""
    from tests.integration.test_order_rules import counted

    lines = {sid: 1 for sid in catalog[:5]}
    for sid in lines:
        set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    shop = make_account(ecredit="5000")
    principal = principal_of(shop)
    booked = place(runtime, principal, "S-1", lines, auto_confirm=False)
    spent = {}
    with counted(runtime) as statements:
        advance_order(runtime.db, order_id=booked, to=2, actor="t")
    spent["confirm"] = len(statements)
    with counted(runtime) as statements:
        advance_order(runtime.db, order_id=booked, to=3, tracking_code="T", actor="t")
    spent["dispatch"] = len(statements)
    other = place(runtime, principal, "S-2", lines)
    with counted(runtime) as statements:
        cancel_order(runtime.db, order_id=other, actor="t")
    spent["cancel"] = len(statements)
    request = ReturnRequest(booked, tuple(ReturnItem(sid, 1) for sid in lines))
    with counted(runtime) as statements:
        [first, *_] = open_return(runtime.db, principal=principal, request=request, actor="s")
    spent["return request (5 units)"] = len(statements)
    authorize_return(runtime.db, return_id=first, actor="t")
    with counted(runtime) as statements:
        refund_return(runtime.db, return_id=first, actor="t")
    spent["refund"] = len(statements)
    assert spent["confirm"] <= 8 and spent["dispatch"] <= 8 and spent["cancel"] <= 10
    assert spent["refund"] <= 12
    assert spent["return request (5 units)"] <= 10  # the lines go in as one executemany

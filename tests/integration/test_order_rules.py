"""Service-level rules of order creation: autoConfirm, carriers, totals, idempotency, SQL cost."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from functools import partial

import pytest
from sqlalchemy import event

from stockgate.bootstrap import Runtime
from stockgate.domain.errors import LineUnavailable, NothingAvailable, UnknownStockId
from stockgate.domain.orders import AcquireRequest, DropshipOrderRequest
from stockgate.services.accounts import find_account
from stockgate.services.acquire import acquire
from stockgate.services.auth import Principal
from stockgate.services.check import check_invariants
from stockgate.services.dropship import place_dropship_orders
from stockgate.services.supplier_orders import list_orders, show_order
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.supplier import lock, order_request


@pytest.fixture
def models(runtime: Runtime, catalog: list[int]) -> list[int]:
    """Two models with on-hand 10; prices as generated (read back through show_order)."""
    for sid in catalog[:2]:
        set_stock(runtime.db, stock_id=sid, quantity=10, actor="test")
    return catalog[:2]


@pytest.fixture
def funded(make_account: AccountFactory) -> Shop:
    """A shop with e-credit enough for every order here."""
    return make_account(ecredit="1000")


# Orders here ask for no carrier unless a test says which: the default carrier (DHL, 9.80) is assigned.
request = partial(order_request, carrier_id=None)


def place(runtime: Runtime, principal: Principal, *requests: DropshipOrderRequest) -> list[int]:
    return place_dropship_orders(
        runtime.db, principal=principal, requests=list(requests), actor="test"
    ).order_ids


def line_total(runtime: Runtime, order_id: int) -> Decimal:
    order = show_order(runtime.db, order_id=order_id)
    return sum((line.unit_price * line.quantity for line in order.lines), Decimal(0))


@pytest.mark.parametrize(
    ("ecredit", "auto_confirm_account", "auto_confirm", "status", "substatus", "paid"),
    [
        ("1000", False, True, 2, 1, True),  # credit covers: confirmed and paid
        ("0", False, True, 5, None, False),  # credit does not cover: booked
        ("0", True, True, 2, 2, False),  # auto-confirm account: confirmed, payment due
        ("1000", True, False, 5, None, False),  # autoConfirm false: always booked
    ],
)
def test_auto_confirm_branches(
    runtime: Runtime,
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
    models: list[int],
    ecredit: str,
    auto_confirm_account: bool,
    auto_confirm: bool,
    status: int,
    substatus: int | None,
    paid: bool,
) -> None:
    shop = make_account(ecredit=ecredit, auto_confirm=auto_confirm_account)
    [order_id] = place(runtime, principal_of(shop), request("a1", {models[0]: 2}, auto_confirm=auto_confirm))
    order = show_order(runtime.db, order_id=order_id).fields
    assert (order["status"], order["substatus"]) == (status, substatus)
    assert order["total"] == line_total(runtime, order_id) + order["carrier_cost"]
    assert order["paid"] == (order["total"] if paid else Decimal(0))
    balance = find_account(runtime.db, email=shop.email).ecredit
    assert balance == Decimal(ecredit) - order["paid"]
    assert check_invariants(runtime.db) == []


def test_no_carrier_assignable_means_booked(
    runtime: Runtime, funded: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    from stockgate.services.carriers import add_carrier

    # Make the default carrier serve only France: an Italian order then has no carrier at all
    # (UPS serves IT but is not requested; Light serves up to 1 kg only).
    add_carrier(runtime.db, carrier_id=10, name="DHL", cost=Decimal("9.80"), default=True, countries="FR")
    [order_id] = place(runtime, principal_of(funded), request("nc", {models[0]: 9}))
    order = show_order(runtime.db, order_id=order_id).fields
    assert order["carrier_id"] is None and order["status"] == 5 and order["paid"] == 0


@pytest.mark.parametrize(
    ("carrier_id", "country", "expected"),
    [
        (20, "IT", 20),  # requested and serves IT
        (20, "DE", 10),  # requested but not for DE: the default
        (None, "IT", 10),  # nothing requested: the default
        (99, "IT", 10),  # unknown: the default
    ],
)
def test_carrier_choice(
    runtime: Runtime,
    shop: Shop,
    principal_of: Callable[[Shop], Principal],
    models: list[int],
    carrier_id: int | None,
    country: str,
    expected: int,
) -> None:
    [order_id] = place(
        runtime, principal_of(shop), request("c", {models[0]: 1}, carrier_id=carrier_id, country=country)
    )
    assert show_order(runtime.db, order_id=order_id).fields["carrier_id"] == expected


def test_lines_record_the_price_of_the_moment(
    runtime: Runtime, shop: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    [order_id] = place(runtime, principal_of(shop), request("p", {models[0]: 2, models[1]: 1}))
    order = show_order(runtime.db, order_id=order_id)
    assert [(line.stock_id, line.quantity) for line in order.lines] == [(models[0], 2), (models[1], 1)]
    assert all(line.unit_price > 0 for line in order.lines)
    assert order.fields["total"] == line_total(runtime, order_id) + Decimal("9.80")


def test_a_key_twice_in_one_request_makes_the_first_order_only(
    runtime: Runtime, shop: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    first = request("twice", {models[0]: 2}, country="IT")
    second = request("twice", {models[1]: 1}, country="FR")
    order_id, again = place(runtime, principal_of(shop), first, second)
    assert again == order_id and len(list_orders(runtime.db)) == 1
    order = show_order(runtime.db, order_id=order_id)
    assert [(line.stock_id, line.quantity) for line in order.lines] == [(models[0], 2)]
    assert order.fields["countrycode"] == "IT"
    assert check_invariants(runtime.db) == []


def test_errors_change_nothing(
    runtime: Runtime, funded: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    principal = principal_of(funded)
    with pytest.raises(UnknownStockId):
        place(runtime, principal, request("e1", {models[0]: 1, 424242: 1}))
    set_stock(runtime.db, stock_id=models[1], quantity=0, actor="test")
    with pytest.raises(NothingAvailable):
        place(runtime, principal, request("ok", {models[0]: 1}), request("e2", {models[1]: 1}))
    assert list_orders(runtime.db) == []
    assert find_account(runtime.db, email=funded.email).ecredit == Decimal("1000.00")
    assert check_invariants(runtime.db) == []


def test_same_key_twenty_times_at_once_makes_one_order(
    runtime: Runtime, shop: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    principal = principal_of(shop)
    answers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(20)

    def post() -> None:
        try:
            start.wait()
            answers.extend(place(runtime, principal, request("same", {models[0]: 1})))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(answers)) == 1 and len(answers) == 20
    assert len(list_orders(runtime.db)) == 1
    assert check_invariants(runtime.db) == []


@contextmanager
def counted(runtime: Runtime) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)


def test_a_two_line_order_takes_at_most_twelve_statements(
    runtime: Runtime, funded: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    principal = principal_of(funded)
    a, b = models
    # The costliest shape: one line partly from the lock (the lock shrinks), one wholly (it goes), paid.
    lock(runtime.db, principal, [(a, 3), (b, 1)])
    with counted(runtime) as statements:
        place(runtime, principal, request("sql", {a: 2, b: 4}))
    assert len(statements) <= 12, "\n".join(statements)


def test_acquire_rules(
    runtime: Runtime, funded: Shop, principal_of: Callable[[Shop], Principal], models: list[int]
) -> None:
    principal = principal_of(funded)
    a, b = models
    lock(runtime.db, principal, [(a, 4), (b, 2)])
    # less than reserved on a (rest stays), equal on b (leaves the reservation)
    order_id = acquire(runtime.db, principal=principal, request=AcquireRequest({a: 1, b: 2}), actor="t")
    order = show_order(runtime.db, order_id=order_id).fields
    assert order["key"] is None and order["city"] == "Torino" and order["countrycode"] == "IT"
    assert order["status"] == 2 and order["substatus"] == 1
    # more than reserved: the extra comes from free stock, clamped (a: 3 locked + 6 free = 9)
    order_id = acquire(runtime.db, principal=principal, request=AcquireRequest({a: 50}), actor="t")
    assert [(line.quantity, line.from_lock) for line in show_order(runtime.db, order_id=order_id).lines] == [
        (9, 3)
    ]
    # nothing left anywhere: 404-style error, nothing changed
    with pytest.raises(LineUnavailable):
        acquire(runtime.db, principal=principal, request=AcquireRequest({a: 1, b: 1}), actor="t")
    assert len(list_orders(runtime.db)) == 2
    assert check_invariants(runtime.db) == []

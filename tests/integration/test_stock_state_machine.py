"""Random sequences of lock / unlock / set / ensure / stock set / orders / releases / dispatches /
cancellations against a reference model that anyone can check by eye, on both databases (hypothesis stateful testing, service level).

The reference below is written from the contract (ghost API 4.2, 4.4-4.6), not from the domain code,
so a wrong clamp in either shows up as a disagreement. After every step the database must agree with
it model by model and account by account, and `check` must find the books balanced.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select

from stockgate.bootstrap import Runtime
from stockgate.domain.catalog import ModelRecord, ProductRecord
from stockgate.domain.errors import (
    Conflict,
    InvalidTransition,
    LineUnavailable,
    NothingAvailable,
    UnknownStockId,
)
from stockgate.domain.orders import AcquireRequest, Address, DropshipOrderRequest, Recipient
from stockgate.domain.stock import make_operation
from stockgate.services.acquire import acquire
from stockgate.services.auth import Principal
from stockgate.services.catalog_import import import_products
from stockgate.services.check import check_invariants
from stockgate.services.dropship import place_dropship_orders
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.passwords import api_key_hash, hash_password
from stockgate.services.reservations import reserve
from stockgate.services.supplier_stock import release_reservation, set_stock
from stockgate.services.unit_of_work import Tx
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import order_lines, orders

MODELS = 3
ACCOUNTS = 2
UNKNOWN = 1  # never a stock_id (generated ids are far larger)
_ids = itertools.count(1)
_HASH = hash_password("correct horse battery")

quantities = st.integers(min_value=0, max_value=6)
positive = st.integers(min_value=1, max_value=6)
slots = st.integers(min_value=0, max_value=MODELS - 1)
who = st.integers(min_value=0, max_value=ACCOUNTS - 1)
op_types = st.sampled_from(["lock", "unlock", "set", "ensure"])
operations = st.lists(
    st.tuples(op_types, st.lists(st.tuples(slots, quantities), min_size=1, max_size=3)),
    min_size=1,
    max_size=3,
)
order_lines_ = st.lists(st.tuples(slots, positive), min_size=1, max_size=3)


class Reference:
    """The contract, naively: on-hand per model, locks per (account, model), orders per key."""

    def __init__(self, on_hand: dict[int, int]) -> None:
        self.on_hand = dict(on_hand)
        self.locks: dict[tuple[int, int], int] = defaultdict(int)
        self.sold: dict[int, int] = defaultdict(int)
        self.keys: dict[tuple[int, str], int] = {}  # (account, key) -> order_id
        self.orders: list[tuple[int, dict[int, int]]] = []  # (order_id, units per stock_id)
        self.state: dict[int, str] = {}  # order_id -> open | dispatched | cancelled

    def free(self, sid: int) -> int:
        return self.on_hand[sid] - sum(q for (_, s), q in self.locks.items() if s == sid)

    def reserve(self, account: int, ops: list[tuple[str, dict[int, int]]]) -> None:
        for op_type, lines in ops:
            for sid, quantity in lines.items():
                mine, free = self.locks[account, sid], self.free(sid)
                wanted = {
                    "lock": mine + quantity,
                    "unlock": mine - quantity,
                    "set": quantity,
                    "ensure": max(mine, quantity),
                }[op_type]
                # Never below zero, never above what I hold plus what is free; ensure never lowers.
                self.locks[account, sid] = max(0, min(wanted, mine + free))

    def takes(self, account: int, lines: dict[int, int]) -> dict[int, tuple[int, int]]:
        """stock_id -> (from my lock, from free stock), lines that get nothing left out."""
        out = {}
        for sid, quantity in lines.items():
            from_lock = min(quantity, self.locks[account, sid])
            from_free = min(quantity - from_lock, self.free(sid))
            if from_lock + from_free:
                out[sid] = (from_lock, from_free)
        return out

    def take(self, account: int, order_id: int, takes: dict[int, tuple[int, int]]) -> None:
        for sid, (from_lock, from_free) in takes.items():
            self.locks[account, sid] -= from_lock
            self.on_hand[sid] -= from_lock + from_free
            self.sold[sid] += from_lock + from_free  # order lines stay, even when cancelled
        self.orders.append((order_id, {sid: a + b for sid, (a, b) in takes.items()}))
        self.state[order_id] = "open"

    def cancel(self, order_id: int, units: dict[int, int]) -> None:
        """The units go back on hand, free for anyone (the lock they came from is not restored)."""
        for sid, quantity in units.items():
            self.on_hand[sid] += quantity
        self.state[order_id] = "cancelled"


def merged(pairs: list[tuple[int, int]]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for sid, quantity in pairs:
        out[sid] += quantity
    return dict(out)


def build_machine(rt: Runtime) -> type[RuleBasedStateMachine]:
    class StockMachine(RuleBasedStateMachine):
        @initialize(stock=st.lists(st.integers(min_value=0, max_value=8), min_size=MODELS, max_size=MODELS))
        def open_shop(self, stock: list[int]) -> None:
            n = next(_ids)
            product = 900_000 + n
            self.sids = [product * 10 + i for i in range(MODELS)]
            records = [
                ProductRecord(
                    id=product,
                    models=[
                        ModelRecord(id=sid, availability=q, taxable=Decimal("10.00"), weight=Decimal("0.500"))
                        for sid, q in zip(self.sids, stock, strict=True)
                    ],
                )
            ]
            import_products(rt.db, records=records, actor="test")
            self.emails = [f"machine{n}-{a}@example.com" for a in range(ACCOUNTS)]
            self.principals = [self._account(email) for email in self.emails]
            self.ref = Reference(dict(zip(self.sids, stock, strict=True)))
            self.orders = 0

        def _account(self, email: str) -> Principal:
            key = f"key-{email}"

            def work(tx: Tx) -> int:
                return tx.accounts.create(
                    {
                        "email": email,
                        "password_hash": _HASH,
                        "api_key_hash": api_key_hash(key),
                        "api_key_hint": "k",
                    }
                )

            return Principal(rt.db.write(work), None, api_key_hash(key))

        @rule(account=who, ops=operations, unknown=st.booleans())
        def reserve_stock(
            self, account: int, ops: list[tuple[str, list[tuple[int, int]]]], unknown: bool
        ) -> None:
            lines = [(t, [(self.sids[slot], q) for slot, q in models_]) for t, models_ in ops]
            if unknown:  # one unknown stock_id anywhere rejects the whole request
                lines[-1][1].append((UNKNOWN, 1))
            request = [make_operation(t, pairs) for t, pairs in lines]
            if unknown:
                with pytest.raises(UnknownStockId):
                    reserve(rt.db, principal=self.principals[account], operations=request, actor="test")
                return
            result = reserve(rt.db, principal=self.principals[account], operations=request, actor="test")
            self.ref.reserve(account, [(t, merged(pairs)) for t, pairs in lines])
            named = {sid for _, pairs in lines for sid, _ in pairs}
            expected = [
                (sid, self.ref.locks[account, sid], self.ref.free(sid))
                for sid in self.sids
                if sid in named or self.ref.locks[account, sid]
            ]
            assert result.models == expected
            assert result.order_id > 0 or not any(self.ref.locks[account, s] for s in self.sids)

        @rule(slot=slots, quantity=st.integers(min_value=0, max_value=10))
        def supplier_sets_stock(self, slot: int, quantity: int) -> None:
            sid = self.sids[slot]
            locked = self.ref.on_hand[sid] - self.ref.free(sid)
            if quantity < locked:
                with pytest.raises(Conflict):
                    set_stock(rt.db, stock_id=sid, quantity=quantity, actor="test")
                return
            set_stock(rt.db, stock_id=sid, quantity=quantity, actor="test")
            self.ref.on_hand[sid] = quantity

        @rule(account=who, lines=order_lines_, reuse=st.booleans())
        def dropship_order(self, account: int, lines: list[tuple[int, int]], reuse: bool) -> None:
            wanted = merged([(self.sids[slot], q) for slot, q in lines])
            seen = [k for (a, k) in self.ref.keys if a == account]
            key = seen[0] if reuse and seen else f"k{self.orders}"
            self.orders += 1
            request = DropshipOrderRequest(
                key=key,
                date=datetime(2024, 5, 1, tzinfo=UTC),
                recipient=Recipient("Mario Rossi", Address("Via Po", "10124", "Torino", "IT")),
                lines=wanted,
            )
            principal = self.principals[account]
            if (account, key) in self.ref.keys:  # a key seen before answers with its order, changes nothing
                placed = place_dropship_orders(rt.db, principal=principal, requests=[request], actor="test")
                assert placed.order_ids == [self.ref.keys[account, key]]
                return
            takes = self.ref.takes(account, wanted)
            if not takes:
                with pytest.raises(NothingAvailable):
                    place_dropship_orders(rt.db, principal=principal, requests=[request], actor="test")
                return
            placed = place_dropship_orders(rt.db, principal=principal, requests=[request], actor="test")
            self.ref.take(account, placed.order_ids[0], takes)
            self.ref.keys[account, key] = placed.order_ids[0]
            self._assert_lines(placed.order_ids[0], takes)

        @rule(account=who, lines=order_lines_)
        def acquire_order(self, account: int, lines: list[tuple[int, int]]) -> None:
            wanted = merged([(self.sids[slot], q) for slot, q in lines])
            takes = self.ref.takes(account, wanted)
            request = AcquireRequest(lines=wanted, auto_confirm=False)
            if len(takes) < len(wanted):  # a line that can get nothing refuses the whole order
                with pytest.raises(LineUnavailable):
                    acquire(rt.db, principal=self.principals[account], request=request, actor="test")
                return
            order_id = acquire(rt.db, principal=self.principals[account], request=request, actor="test")
            self.ref.take(account, order_id, takes)
            self._assert_lines(order_id, takes)

        @precondition(lambda self: any(self.ref.locks.values()))
        @rule(account=who, one=st.none() | slots)
        def supplier_releases(self, account: int, one: int | None) -> None:
            sid = None if one is None else self.sids[one]
            released = release_reservation(rt.db, email=self.emails[account], stock_id=sid, actor="test")
            expected = sum(
                q for (a, s), q in self.ref.locks.items() if a == account and (sid is None or s == sid)
            )
            assert released == expected
            for a, s in list(self.ref.locks):
                if a == account and (sid is None or s == sid):
                    self.ref.locks[a, s] = 0

        @precondition(lambda self: bool(self.ref.orders))
        @rule(pick=st.integers(min_value=0, max_value=100), reject=st.booleans())
        def supplier_cancels(self, pick: int, reject: bool) -> None:
            order_id, units = self.ref.orders[pick % len(self.ref.orders)]
            if self.ref.state[order_id] != "open":  # dispatched or already cancelled: refused
                with pytest.raises(InvalidTransition):
                    cancel_order(rt.db, order_id=order_id, reject=reject, actor="test")
                return
            cancel_order(rt.db, order_id=order_id, reject=reject, actor="test")
            self.ref.cancel(order_id, units)

        @precondition(lambda self: bool(self.ref.orders))
        @rule(pick=st.integers(min_value=0, max_value=100))
        def supplier_dispatches(self, pick: int) -> None:
            order_id, _ = self.ref.orders[pick % len(self.ref.orders)]
            if self.ref.state[order_id] != "open":
                with pytest.raises(InvalidTransition):
                    advance_order(rt.db, order_id=order_id, to=3, tracking_code="TRK1", actor="test")
                return
            advance_order(rt.db, order_id=order_id, to=3, tracking_code="TRK1", actor="test")
            self.ref.state[order_id] = "dispatched"

        def _assert_lines(self, order_id: int, takes: dict[int, tuple[int, int]]) -> None:
            with rt.engine.connect() as c:
                rows = c.execute(
                    select(order_lines.c.stock_id, order_lines.c.quantity, order_lines.c.from_lock).where(
                        order_lines.c.order_id == order_id
                    )
                ).all()
            assert sorted(tuple(r) for r in rows) == sorted((s, a + b, a) for s, (a, b) in takes.items())

        @invariant()
        def database_agrees(self) -> None:
            if not hasattr(self, "sids"):
                return
            with rt.engine.connect() as c:
                stock = dict(
                    (int(r[0]), (int(r[1]), int(r[2])))
                    for r in c.execute(
                        select(models.c.id, models.c.on_hand, models.c.locked).where(
                            models.c.id.in_(self.sids)
                        )
                    )
                )
                sold = dict(
                    (int(r[0]), int(r[1]))
                    for r in c.execute(
                        select(order_lines.c.stock_id, func.sum(order_lines.c.quantity))
                        .where(order_lines.c.stock_id.in_(self.sids))
                        .group_by(order_lines.c.stock_id)
                    )
                )
                placed = c.execute(
                    select(func.count())
                    .select_from(orders)
                    .where(
                        orders.c.account_id.in_([p.account_id for p in self.principals]),
                        orders.c.kind == "dropship",
                    )
                ).scalar()
                statuses = dict(
                    c.execute(
                        select(orders.c.id, orders.c.status).where(orders.c.id.in_(list(self.ref.state)))
                    ).all()
                )
            for sid in self.sids:
                assert stock[sid] == (self.ref.on_hand[sid], self.ref.on_hand[sid] - self.ref.free(sid))
                assert sold.get(sid, 0) == self.ref.sold[sid]
            assert placed == len(self.ref.keys)
            codes = {"open": 5, "dispatched": 3, "cancelled": 2000}
            assert statuses == {order_id: codes[state] for order_id, state in self.ref.state.items()}

        def teardown(self) -> None:
            if hasattr(self, "sids"):
                assert check_invariants(rt.db) == []

    return StockMachine


def test_random_sequences_agree_with_the_reference(runtime: Runtime) -> None:
    machine = build_machine(runtime)
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()

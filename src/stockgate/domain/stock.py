"""The clamp rules of reservations and orders (ghost API 4.2, 4.4).

Every function takes what the account holds (`mine`) and what is free for anyone (`free`) and answers
with the account's new lock; nothing here can grant more than `mine + free`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stockgate.domain.errors import InvalidInput, UnknownOperation

OPERATION_TYPES = ("lock", "unlock", "set", "ensure")


@dataclass(frozen=True, slots=True)
class Operation:
    """One reserve operation: a type and quantities per stock_id (duplicates already summed)."""

    type: str
    quantities: dict[int, int]


def make_operation(op_type: str, lines: Iterable[tuple[int, int]]) -> Operation:
    """Validate an operation and merge repeated stock_ids by summing their quantities."""
    if op_type not in OPERATION_TYPES:
        raise UnknownOperation(op_type)
    quantities: dict[int, int] = {}
    for stock_id, quantity in lines:
        if quantity < 0:
            raise InvalidInput("quantity", f"quantity of stock_id {stock_id} must not be negative")
        quantities[stock_id] = quantities.get(stock_id, 0) + quantity
    return Operation(op_type, quantities)


def new_lock(op_type: str, mine: int, free: int, quantity: int) -> int:
    """The account's lock after applying one operation line, clamped silently."""
    if op_type == "lock":
        return mine + min(quantity, free)
    if op_type == "unlock":
        return mine - min(quantity, mine)
    if op_type == "set":
        return min(quantity, mine + free)
    if op_type == "ensure":
        return max(mine, min(quantity, mine + free))
    raise UnknownOperation(op_type)


@dataclass(frozen=True, slots=True)
class Take:
    """What an order line takes: first from the account's lock, then from free stock."""

    from_lock: int
    from_free: int

    @property
    def quantity(self) -> int:
        return self.from_lock + self.from_free


def take_for_order(mine: int, free: int, requested: int) -> Take:
    """Split an order line between the lock and free stock, clamped to `mine + free`."""
    from_lock = min(requested, mine)
    return Take(from_lock, min(requested - from_lock, free))

"""What a use case did to stock, counted for the operator's metrics (never for the shop's answer)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Tally:
    """Filled by a use case once its transaction has committed, so a retried attempt counts once."""

    orders_created: int = 0
    clamped_lines: int = 0  # lines that got less than they asked for (stock-outs included)
    stock_outs: int = 0  # lines that asked for units and got none

    def line(self, asked: int, got: int) -> None:
        if asked > 0 and got < asked:
            self.clamped_lines += 1
            if got <= 0:
                self.stock_outs += 1

    def add(self, other: Tally) -> None:
        self.orders_created += other.orders_created
        self.clamped_lines += other.clamped_lines
        self.stock_outs += other.stock_outs


def extra_asked(op_type: str, mine: int, quantity: int) -> int:
    """Units a reserve operation line asks for beyond the account's current lock (0 for decreases)."""
    if op_type == "lock":
        return quantity
    if op_type in ("set", "ensure"):
        return max(0, quantity - mine)
    return 0

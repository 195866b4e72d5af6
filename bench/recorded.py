"""Recorded SQL: what one request handed the database driver (bench.capture records it, bench.replay
replays it). Kept apart so the replay processes import only this and the driver, not the application."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TRANSACTION_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


@dataclass
class Step:
    """A statement as the driver received it, or a transaction's start or end.

    SQLite's BEGIN goes straight to the driver (storage.engine), unseen by statement listeners: the
    "begin" step carries it, so the replay starts its transactions the same way.
    """

    kind: str  # "sql" | "begin" | "commit" | "rollback"
    sql: str = ""
    params: Any = None
    many: bool = False
    names: list[str] | None = None  # bind names in order, for positional parameter styles

    @property
    def is_statement(self) -> bool:
        return self.kind == "sql" and not TRANSACTION_CONTROL.match(self.sql)


@dataclass
class Operation:
    """One request's SQL, with what a replay must make fresh each time (the order key and id)."""

    scenario: str
    steps: list[Step] = field(default_factory=list)
    order_key: str | None = None
    order_id: int | None = None

    @property
    def statements(self) -> int:
        return sum(step.is_statement for step in self.steps)

    @property
    def transactions(self) -> int:
        return sum(step.kind in ("commit", "rollback") for step in self.steps)

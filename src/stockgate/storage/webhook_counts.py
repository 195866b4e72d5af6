"""The statements behind webhook metrics: counters only ever incremented, and the outbox backlog."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from stockgate.services.webhook_ports import Backlog
from stockgate.storage.webhook_tables import webhook_counters, webhook_deliveries

c = webhook_counters
d = webhook_deliveries


def tally(connection: Connection, names: Sequence[str]) -> None:
    """Add one to each named counter (a name given twice adds two), creating it when missing."""
    if not names:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(c)
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"value": c.c.value + statement.excluded.value}
    )
    # In name order, so concurrent transactions lock the counter rows in one order (no deadlock).
    rows = [{"name": name, "value": n} for name, n in sorted(Counter(names).items())]
    for row in rows:
        connection.execute(statement, row)


def tallies(connection: Connection) -> dict[str, int]:
    return {str(name): int(value) for name, value in connection.execute(select(c.c.name, c.c.value))}


def backlog(connection: Connection) -> Backlog:
    pending = d.c.state == "pending"
    row = connection.execute(
        select(
            func.count(case((pending, 1))),
            func.count(case((pending & (d.c.attempts > 0), 1))),
            func.min(case((pending, d.c.created_at)), type_=d.c.created_at.type),
            func.count(case((d.c.state == "failed", 1))),
        ).where(d.c.state.in_(("pending", "failed")))
    ).one()
    return Backlog(pending=int(row[0]), retrying=int(row[1]), oldest_pending_at=row[2], failed=int(row[3]))

"""Writing thousands of rows in one statement execution, as a catalog import does.

`connection.execute(statement, rows)` spends most of its time on SQLAlchemy's per-row parameter work
(about 40 us a row, against a few us for SQLite itself). Here the statement is compiled once per shape,
each value goes through its column type's own bind processor (so Money still becomes cents and an
instant still becomes what the engine stores), and the rows go straight to the driver's executemany.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect

from stockgate.storage.prepared import Prepared
from stockgate.storage.upsert import prepared_upsert, upsert

# Below this many rows a Prepared statement (storage/prepared.py) is as fast.
THRESHOLD = 50

_Plan = tuple[str, bool, list[tuple[str, Callable[[Any], Any] | None]]]
_plans: dict[tuple[object, ...], _Plan] = {}


def padded(ids: Sequence[int]) -> list[int]:
    """`ids` lengthened to a power of two by repeating the last (IN lists only, where repeats are
    harmless). Each length of an expanded IN list is a new SQL text, and SQLite's driver keeps up to
    128 prepared statements per connection: one per batch size would hold tens of megabytes."""
    size = 8
    while size < len(ids):
        size *= 2
    return [*ids, *[ids[-1]] * (size - len(ids))] if ids else []


def insert_many(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """INSERT every row (all rows carry the same keys)."""
    _run(connection, table, rows, None, ())


def upsert_many(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    keep: Sequence[str] = (),
) -> None:
    """INSERT every row, updating the existing row with the same `keys` (except the `keep` columns)."""
    _run(connection, table, rows, tuple(keys), tuple(keep))


def _run(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: tuple[str, ...] | None,
    keep: tuple[str, ...],
) -> None:
    if not rows:
        return
    if len(rows) < THRESHOLD:
        small = _insert(table) if keys is None else prepared_upsert(connection, table, keys, keep)
        small.many(connection, rows)
        return
    sql, positional, processors = _plan(connection, table, tuple(rows[0]), keys, keep)
    if positional:
        connection.exec_driver_sql(
            sql, [tuple([f(row[n]) if f else row[n] for n, f in processors]) for row in rows]
        )
    else:
        connection.exec_driver_sql(
            sql, [{n: f(row[n]) if f else row[n] for n, f in processors} for row in rows]
        )


@functools.lru_cache(maxsize=64)
def _insert(table: Table) -> Prepared:
    return Prepared(table.insert())


def _plan(
    connection: Connection,
    table: Table,
    columns: tuple[str, ...],
    keys: tuple[str, ...] | None,
    keep: tuple[str, ...],
) -> _Plan:
    dialect: Dialect = connection.dialect
    cache_key = (table.name, dialect.name, columns, keys, keep)
    found = _plans.get(cache_key)
    if found is not None:
        return found
    statement = table.insert() if keys is None else upsert(connection, table, keys, keep)
    compiled = statement.compile(dialect=dialect, column_keys=list(columns))
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    processors: list[tuple[str, Callable[[Any], Any] | None]] = []
    for name in names:
        processors.append((name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)))
    plan = _plans[cache_key] = (compiled.string, compiled.positional, processors)
    return plan

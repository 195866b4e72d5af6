"""Writing many rows in one statement execution, as a catalog import does.

`connection.execute(statement, rows)` spends most of its time on SQLAlchemy's per-row parameter work
(about 40 us a row, against a few us for SQLite itself). The statements here are Prepared
(storage/prepared.py): compiled once per shape, each value through its column type's own bind
processor (so Money still becomes cents and an instant still what the engine stores), and the rows
straight to the driver's executemany.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

from stockgate.storage.prepared import Prepared
from stockgate.storage.upsert import prepared_upsert


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
    _insert(table).many(connection, rows)


def upsert_many(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    keep: Sequence[str] = (),
) -> None:
    """INSERT every row, updating the existing row with the same `keys` (except the `keep` columns)."""
    prepared_upsert(connection, table, keys, keep).many(connection, rows)


@functools.lru_cache(maxsize=64)
def _insert(table: Table) -> Prepared:
    return Prepared(table.insert())

"""INSERT ... ON CONFLICT DO UPDATE for both engines (each dialect has its own construct)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert

from stockgate.storage.prepared import Prepared


def prepared_upsert(
    connection: Connection, table: Table, keys: Sequence[str], keep: Sequence[str] = ()
) -> Prepared:
    """upsert() as a Prepared statement (storage/prepared.py), one per dialect and shape."""
    return _prepared(connection.dialect.name, table, tuple(keys), tuple(keep))


@functools.lru_cache(maxsize=64)
def _prepared(dialect_name: str, table: Table, keys: tuple[str, ...], keep: tuple[str, ...]) -> Prepared:
    return Prepared(_upsert(dialect_name, table, keys, keep))


def upsert(connection: Connection, table: Table, keys: Sequence[str], keep: Sequence[str] = ()) -> Insert:
    """A statement that inserts its parameter rows, updating the other columns where `keys` exist.

    Columns in `keep` are never overwritten on update. Execute the statement with a list of rows to
    send them all in one executemany. Built once per shape: reservations upsert on every lock.
    """
    return _upsert(connection.dialect.name, table, tuple(keys), tuple(keep))


@functools.lru_cache(maxsize=64)
def _upsert(dialect_name: str, table: Table, keys: tuple[str, ...], keep: tuple[str, ...]) -> Insert:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(table)
    fixed = {*keys, *keep}
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in fixed}
    upserting: Insert = statement.on_conflict_do_update(index_elements=list(keys), set_=updates)
    return upserting

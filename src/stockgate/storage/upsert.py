"""INSERT ... ON CONFLICT DO UPDATE for both engines (each dialect has its own construct)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.dml import Insert


def upsert(connection: Connection, table: Table, keys: Sequence[str], keep: Sequence[str] = ()) -> Insert:
    """A statement that inserts its parameter rows, updating the other columns where `keys` exist.

    Columns in `keep` are never overwritten on update. Execute the statement with a list of rows to
    send them all in one executemany.
    """
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    fixed = {*keys, *keep}
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in fixed}
    upserting: Insert = statement.on_conflict_do_update(index_elements=list(keys), set_=updates)
    return upserting

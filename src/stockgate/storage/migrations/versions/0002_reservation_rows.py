"""reservation lines stored in their primary key's order (SQLite: WITHOUT ROWID)

Revision ID: 0002_reservation_rows
Revises: 0001
Create Date: 2026-12-03 17:00:00.000000

A reservation is read by account on every E4 request, and written on every reserve and order. With a
rowid, SQLite keeps the lines in one b-tree and their (account_id, stock_id) key in a second: a read
walks the key's index and then looks each line up in the table. Without it the key is the table, one
b-tree for both: the reservation's statement costs 5,700 fewer instructions an E4 (bench/README.md).
PostgreSQL has no rowid: nothing changes there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reservation_rows"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)


def _rebuild(*, with_rowid: bool) -> None:
    """SQLite cannot change a table's storage in place: Alembic's batch mode copies the table, as it
    is (columns, named constraints, index), into a new one made with the option."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # Reflected alone: following its foreign keys would reflect `models` too, whose expression
    # indexes SQLAlchemy cannot reflect (and warns about).
    table = sa.Table("reservation_lines", sa.MetaData(), autoload_with=bind, resolve_fks=False)
    with op.batch_alter_table(
        "reservation_lines",
        recreate="always",
        copy_from=table,
        table_kwargs={"sqlite_with_rowid": with_rowid},
    ):
        pass

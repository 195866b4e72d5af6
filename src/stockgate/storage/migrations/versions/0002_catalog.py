"""catalog: the full-export log and an index for incremental exports

Revision ID: 0002_catalog
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_catalog"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "catalog_exports",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("account_id", Id, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_catalog_exports_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_exports")),
    )
    with op.batch_alter_table("catalog_exports", schema=None) as batch_op:
        batch_op.create_index("ix_catalog_exports_account_at", ["account_id", "at"], unique=False)
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.create_index("ix_models_updated_at", ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("models", schema=None) as batch_op:
        batch_op.drop_index("ix_models_updated_at")
    with op.batch_alter_table("catalog_exports", schema=None) as batch_op:
        batch_op.drop_index("ix_catalog_exports_account_at")
    op.drop_table("catalog_exports")

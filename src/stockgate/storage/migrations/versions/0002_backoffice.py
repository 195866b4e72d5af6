"""back-office: admin users and sessions; indexes for its paginated lists and searches

Revision ID: 0002_backoffice
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_backoffice"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "admins",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("failed_logins", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", Instant, nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("last_login_at", Instant, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admins")),
        sa.UniqueConstraint("email", name=op.f("uq_admins_email")),
    )
    op.create_table(
        "admin_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("admin_id", Id, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("expires_at", Instant, nullable=False),
        sa.Column("flash", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["admin_id"], ["admins.id"], name=op.f("fk_admin_sessions_admin_id_admins"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_admin_sessions")),
    )
    op.create_index("ix_admin_sessions_admin_id", "admin_sessions", ["admin_id"])
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])

    op.create_index("ix_orders_status_id", "orders", ["status", "id"])
    op.create_index("ix_orders_account_id_id", "orders", ["account_id", "id"])
    op.create_index("ix_orders_key", "orders", ["key"])
    op.create_index("ix_orders_created_at", "orders", ["created_at"])
    op.create_index("ix_models_free", "models", [sa.text("(on_hand - locked)")])
    op.create_index("ix_models_barcode", "models", ["barcode"])
    # PostgreSQL uses an index for LIKE 'prefix%' only with the pattern operator class (or the C
    # collation); SQLite's binary ordering serves the equivalent range query as it is.
    pattern_ops = " text_pattern_ops" if op.get_bind().dialect.name == "postgresql" else ""
    op.create_index("ix_models_code_folded", "models", [sa.text(f"lower(code){pattern_ops}")])
    op.create_index("ix_products_code_folded", "products", [sa.text(f"lower(code){pattern_ops}")])


def downgrade() -> None:
    for name, table in [
        ("ix_products_code_folded", "products"),
        ("ix_models_code_folded", "models"),
        ("ix_models_barcode", "models"),
        ("ix_models_free", "models"),
        ("ix_orders_created_at", "orders"),
        ("ix_orders_key", "orders"),
        ("ix_orders_account_id_id", "orders"),
        ("ix_orders_status_id", "orders"),
    ]:
        op.drop_index(name, table_name=table)
    op.drop_table("admin_sessions")
    op.drop_table("admins")

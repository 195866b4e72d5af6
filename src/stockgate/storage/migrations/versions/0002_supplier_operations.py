"""supplier operations: returns, admin API tokens, ledger.return_id

Revision ID: 0002_supplier_operations
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_supplier_operations"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "return_requests",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_return_requests_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_return_requests_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_requests")),
    )
    op.create_table(
        "return_lines",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("request_id", ID, nullable=False),
        sa.Column("order_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("stock_id", ID, nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("reason_code", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("request_ext_ref", sa.String(length=100), nullable=True),
        sa.Column("status", sa.Integer(), server_default="0", nullable=False),
        sa.Column("refund_status", sa.Integer(), server_default="0", nullable=False),
        sa.Column("refund_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("paid_by", sa.String(length=10), nullable=True),
        sa.Column("return_code", sa.String(length=20), nullable=True),
        sa.Column("restocked", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("updated_at", INSTANT, nullable=False),
        sa.Column("authorised_at", INSTANT, nullable=True),
        sa.Column("received_at", INSTANT, nullable=True),
        sa.Column("refunded_at", INSTANT, nullable=True),
        sa.CheckConstraint("status IN (0, 1, 2, 3, 4, 5, 7, 9)", name=op.f("ck_return_lines_status_known")),
        sa.CheckConstraint("reason_code BETWEEN 0 AND 8", name=op.f("ck_return_lines_reason_known")),
        sa.CheckConstraint(
            "(refund_status = 0 AND refund_amount = 0) OR (refund_status = 1 AND refund_amount >= 0)",
            name=op.f("ck_return_lines_refund_consistent"),
        ),
        sa.CheckConstraint("refund_amount <= unit_price", name=op.f("ck_return_lines_refund_within_price")),
        sa.CheckConstraint(
            "paid_by IS NULL OR paid_by IN ('supplier', 'customer')",
            name=op.f("ck_return_lines_paid_by_known"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["return_requests.id"], name=op.f("fk_return_lines_request_id_return_requests")
        ),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_return_lines_order_id_orders")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_return_lines_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(["stock_id"], ["models.id"], name=op.f("fk_return_lines_stock_id_models")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_lines")),
    )
    with op.batch_alter_table("return_lines", schema=None) as batch_op:
        batch_op.create_index("ix_return_lines_order_stock", ["order_id", "stock_id"], unique=False)
        batch_op.create_index("ix_return_lines_return_code", ["return_code"], unique=False)
        batch_op.create_index("ix_return_lines_status", ["status", "id"], unique=False)

    op.create_table(
        "admin_tokens",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_hint", sa.String(length=12), nullable=False),
        sa.Column("created_at", INSTANT, nullable=False),
        sa.Column("revoked_at", INSTANT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_tokens")),
        sa.UniqueConstraint("name", name=op.f("uq_admin_tokens_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_admin_tokens_token_hash")),
    )
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("return_id", ID, nullable=True))
        batch_op.create_index("ix_ledger_return_id", ["return_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_return_id")
        batch_op.drop_column("return_id")
    op.drop_table("admin_tokens")
    with op.batch_alter_table("return_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_return_lines_status")
        batch_op.drop_index("ix_return_lines_return_code")
        batch_op.drop_index("ix_return_lines_order_stock")
    op.drop_table("return_lines")
    op.drop_table("return_requests")

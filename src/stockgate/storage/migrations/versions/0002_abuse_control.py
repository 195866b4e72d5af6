"""abuse control: shared rate-limit buckets and failed-authentication counters

Revision ID: 0002_abuse_control
Revises: 0001
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_abuse_control"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rate_buckets",
        sa.Column("account_id", Id, nullable=False),
        sa.Column("burst", sa.Integer(), nullable=True),
        sa.Column("per_second_milli", sa.BigInteger(), nullable=True),
        sa.Column("tokens_milli", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refreshed_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("granted", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("burst IS NULL OR burst >= 0", name=op.f("ck_rate_buckets_burst_not_negative")),
        sa.CheckConstraint(
            "per_second_milli IS NULL OR per_second_milli > 0", name=op.f("ck_rate_buckets_refill_positive")
        ),
        sa.CheckConstraint("tokens_milli >= 0", name=op.f("ck_rate_buckets_tokens_not_negative")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_rate_buckets_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_rate_buckets")),
    )
    op.create_table(
        "auth_failures",
        sa.Column("scope", sa.String(length=4), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("account_id", Id, nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_failure_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_auth_failures_failures_not_negative")),
        sa.PrimaryKeyConstraint("scope", "subject", name=op.f("pk_auth_failures")),
    )
    op.create_index(
        op.f("ix_auth_failures_locked_until_ms"), "auth_failures", ["locked_until_ms"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_auth_failures_locked_until_ms"), table_name="auth_failures")
    op.drop_table("auth_failures")
    op.drop_table("rate_buckets")

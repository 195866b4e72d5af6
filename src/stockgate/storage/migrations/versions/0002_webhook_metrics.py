"""webhook metrics: counts of delivery attempts by outcome, shared by every process

Revision ID: 0002_webhook_metrics
Revises: 0001
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_webhook_metrics"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_webhook_counters_value_not_negative")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_webhook_counters")),
    )


def downgrade() -> None:
    op.drop_table("webhook_counters")

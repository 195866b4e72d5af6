"""Tables of the supplier's operations: returns and admin API tokens (migration 0002)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from stockgate.storage.metadata import Id, Instant, metadata
from stockgate.storage.order_tables import ledger
from stockgate.storage.types import Money

# One E9 request: the lines it opened share it, and an authorisation gives them one return code.
return_requests = Table(
    "return_requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("created_at", Instant, nullable=False),
)

# One returned unit (quantity 1, ghost API 4.8).
return_lines = Table(
    "return_lines",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("return_requests.id"), nullable=False),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("stock_id", Id, ForeignKey("models.id"), nullable=False),
    Column("unit_price", Money(), nullable=False),  # what the order charged: the most a refund gives back
    Column("reason_code", Integer, nullable=False),
    Column("notes", Text, nullable=True),
    Column("request_ext_ref", String(100), nullable=True),
    Column("status", Integer, nullable=False, server_default="0"),
    Column("refund_status", Integer, nullable=False, server_default="0"),
    Column("refund_amount", Money(), nullable=False, server_default="0"),
    Column("paid_by", String(10), nullable=True),  # who pays the shipping back: supplier | customer
    Column("return_code", String(20), nullable=True),
    Column("restocked", Boolean, nullable=False, server_default="0"),
    Column("created_at", Instant, nullable=False),
    Column("updated_at", Instant, nullable=False),
    Column("authorised_at", Instant, nullable=True),
    Column("received_at", Instant, nullable=True),
    Column("refunded_at", Instant, nullable=True),
    CheckConstraint("status IN (0, 1, 2, 3, 4, 5, 7, 9)", name="status_known"),
    CheckConstraint("reason_code BETWEEN 0 AND 8", name="reason_known"),
    CheckConstraint(
        "(refund_status = 0 AND refund_amount = 0) OR (refund_status = 1 AND refund_amount >= 0)",
        name="refund_consistent",
    ),
    CheckConstraint("refund_amount <= unit_price", name="refund_within_price"),
    CheckConstraint("paid_by IS NULL OR paid_by IN ('supplier', 'customer')", name="paid_by_known"),
)
Index("ix_return_lines_order_stock", return_lines.c.order_id, return_lines.c.stock_id)
Index("ix_return_lines_return_code", return_lines.c.return_code)
Index("ix_return_lines_status", return_lines.c.status, return_lines.c.id)

# Bearer tokens of the admin API: only a SHA-256 of each is kept.
admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("token_hint", String(12), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("revoked_at", Instant, nullable=True),
)

Index("ix_ledger_return_id", ledger.c.return_id)

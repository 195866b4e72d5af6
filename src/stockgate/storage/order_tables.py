"""Reservations, orders and their lines, and the ledger that records every change of stock, credit and
status.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from stockgate.storage.metadata import Id, Instant, metadata
from stockgate.storage.types import Money

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id"), primary_key=True),
    Column("stock_id", Id, ForeignKey("models.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    # On SQLite the primary key is the table (migration 0002_reservation_rows): one b-tree to read.
    sqlite_with_rowid=False,
)
Index("ix_reservation_lines_stock_id", reservation_lines.c.stock_id)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(12), nullable=False),  # reservation | dropship | acquire
    Column("key", String(100), nullable=True),  # the shop's own order id (ext_ref)
    Column("status", Integer, nullable=False),
    Column("substatus", Integer, nullable=True),
    Column("order_date", Instant, nullable=True),
    Column("carrier_id", Id, nullable=True),
    Column("carrier_name", String(100), nullable=True),
    Column("carrier_cost", Money(), nullable=True),
    Column("total", Money(), nullable=False, server_default="0"),
    Column("paid", Money(), nullable=False, server_default="0"),  # debited from e-credit, still held
    Column("recipient", String(200), nullable=True),
    Column("careof", String(200), nullable=True),
    Column("cfpiva", String(50), nullable=True),
    Column("customer_key", String(100), nullable=True),
    Column("notes", Text, nullable=True),
    Column("street_type", String(50), nullable=True),
    Column("street_name", String(200), nullable=True),
    Column("address_number", String(50), nullable=True),
    Column("zip", String(20), nullable=True),
    Column("city", String(100), nullable=True),
    Column("province", String(100), nullable=True),
    Column("countrycode", String(2), nullable=True),
    Column("phone_prefix", String(20), nullable=True),
    Column("phone_number", String(50), nullable=True),
    Column("tracking_code", String(100), nullable=True),
    Column("tracking_url", String(500), nullable=True),
    Column("tracking_carrier", String(100), nullable=True),
    Column("created_at", Instant, nullable=False),
    Column("last_update", Instant, nullable=False),
    UniqueConstraint("account_id", "key", name="uq_orders_account_key"),
    CheckConstraint("total >= 0 AND paid >= 0 AND paid <= total", name="money_consistent"),
)
Index("ix_orders_status_created", orders.c.status, orders.c.created_at)
Index("ix_orders_account_created", orders.c.account_id, orders.c.created_at)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Id, ForeignKey("orders.id"), primary_key=True),
    Column("stock_id", Id, ForeignKey("models.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Money(), nullable=False),
    Column("from_lock", Integer, nullable=False, server_default="0"),
    CheckConstraint("quantity > 0 AND from_lock >= 0 AND from_lock <= quantity", name="quantity_sane"),
)
Index("ix_order_lines_stock_id", order_lines.c.stock_id)

# Append-only: every change of on-hand, locks, credit and order status, with who and why.
ledger = Table(
    "ledger",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", Instant, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(20), nullable=False),  # stock | lock | credit | status | order
    Column("reason", String(500), nullable=False, server_default=""),
    Column("account_id", Id, nullable=True),
    Column("stock_id", Id, nullable=True),
    Column("order_id", Id, nullable=True),
    Column("on_hand_delta", Integer, nullable=False, server_default="0"),
    Column("locked_delta", Integer, nullable=False, server_default="0"),
    Column("credit_delta", Money(), nullable=False, server_default="0"),
    Column("status", Integer, nullable=True),
    Column("return_id", Id, nullable=True),  # the return line whose status or refund this is
)
Index("ix_ledger_account_id", ledger.c.account_id)
Index("ix_ledger_order_id", ledger.c.order_id)
Index("ix_ledger_stock_id", ledger.c.stock_id)

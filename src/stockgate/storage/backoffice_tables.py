"""Back-office: admin users, their sessions, and the indexes behind its lists and searches (on the
catalog's and the orders' tables).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text, func

from stockgate.storage.catalog_tables import models, products
from stockgate.storage.metadata import Id, Instant, metadata
from stockgate.storage.order_tables import orders

admins = Table(
    "admins",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    # Consecutive failed log-ins; at the limit the account waits until locked_until.
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", Instant, nullable=True),
    Column("created_at", Instant, nullable=False),
    Column("last_login_at", Instant, nullable=True),
)

# Server-side sessions: the cookie holds a random token, the database only its SHA-256, so logging out
# or disabling an admin ends the session everywhere at once.
admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("admin_id", Id, ForeignKey("admins.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", Instant, nullable=False),
    Column("expires_at", Instant, nullable=False),
    Column("flash", Text, nullable=True),  # the message for the next page (JSON), shown once
)
Index("ix_admin_sessions_admin_id", admin_sessions.c.admin_id)
Index("ix_admin_sessions_expires_at", admin_sessions.c.expires_at)

# Keyset pagination walks these: newest orders first, within a status or an account.
Index("ix_orders_status_id", orders.c.status, orders.c.id)
Index("ix_orders_account_id_id", orders.c.account_id, orders.c.id)
Index("ix_orders_key", orders.c.key)
Index("ix_orders_created_at", orders.c.created_at)
Index("ix_orders_status_last_update", orders.c.status, orders.c.last_update)
# Free stock (on_hand - locked) for the low-stock views; case-folded codes for prefix search
# (text_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' whatever the collation).
Index("ix_models_free", (models.c.on_hand - models.c.locked).label("free"), models.c.id)
Index(
    "ix_models_code_folded",
    func.lower(models.c.code).label("code_folded"),
    postgresql_ops={"code_folded": "text_pattern_ops"},
)
Index("ix_models_barcode", models.c.barcode)
Index(
    "ix_products_code_folded",
    func.lower(products.c.code).label("code_folded"),
    postgresql_ops={"code_folded": "text_pattern_ops"},
)
# Also a word index of product names, different per engine and so created by migration 0002_backoffice
# only: a GIN index on to_tsvector('simple', name) on PostgreSQL, the FTS5 table products_name_words
# (kept in step by triggers) on SQLite. storage/catalog_search.py queries them.

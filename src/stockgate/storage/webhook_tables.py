"""Webhooks (supplier.md section 5): endpoints, the outbox of events, their deliveries, and the
counters behind the delivery metrics.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from stockgate.storage.metadata import Id, Instant, metadata

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2000), nullable=False),
    # Kept as given: every delivery signs with it, so it cannot be hashed like the API keys.
    Column("secret", String(200), nullable=False),
    Column("events", String(1000), nullable=False),  # "order.created,order.dispatched"
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("description", String(200), nullable=False, server_default=""),
    Column("created_at", Instant, nullable=False),
)
Index("ix_webhook_endpoints_account_id", webhook_endpoints.c.account_id)

# The outbox: one row per event, written in the transaction of the change it reports.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", String(40), nullable=False, unique=True),  # "evt_...", what receivers see
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(40), nullable=False),
    Column("subject", String(60), nullable=False),  # "order:130": events of one subject keep their order
    Column("body", Text, nullable=False),  # the exact bytes POSTed, so every attempt is identical
    Column("created_at", Instant, nullable=False),
)

# One row per (event, endpoint): the delivery state machine pending -> delivered | failed.
webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("webhook_events.id", ondelete="CASCADE"), nullable=False),
    Column("endpoint_id", Id, ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False),
    Column("subject", String(60), nullable=False),
    Column("state", String(10), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Instant, nullable=False),
    # A worker owns a row while lease_until is in the future; lease_token proves which worker it is.
    Column("lease_until", Instant, nullable=True),
    Column("lease_token", String(32), nullable=True),
    Column("first_attempt_at", Instant, nullable=True),
    Column("last_attempt_at", Instant, nullable=True),
    Column("delivered_at", Instant, nullable=True),
    Column("last_status", Integer, nullable=True),  # HTTP status of the last answer, if any
    Column("last_error", String(500), nullable=True),
    Column("created_at", Instant, nullable=False),
    CheckConstraint("state IN ('pending', 'delivered', 'failed')", name="state_known"),
    CheckConstraint("attempts >= 0", name="attempts_not_negative"),
)
Index("ix_webhook_deliveries_due", webhook_deliveries.c.state, webhook_deliveries.c.next_attempt_at)
Index(
    "ix_webhook_deliveries_sequence",
    webhook_deliveries.c.endpoint_id,
    webhook_deliveries.c.subject,
    webhook_deliveries.c.id,
)
Index("ix_webhook_deliveries_event_id", webhook_deliveries.c.event_id)

# --- Webhook metrics ------------------------------------------------------------------------------------

# Counts of delivery attempts by outcome, kept in the database (migration 0002_webhook_metrics) because
# deliveries run in any process (each server's worker thread, `stockgate webhooks deliver`) while
# /metrics is answered by one: only the database sees them all. Only ever incremented.
webhook_counters = Table(
    "webhook_counters",
    metadata,
    Column("name", String(40), primary_key=True),  # "attempt.delivered", "gave_up", ...
    Column("value", BigInteger, nullable=False, server_default="0"),
    CheckConstraint("value >= 0", name="value_not_negative"),
)

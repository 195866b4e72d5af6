"""The schema, as SQLAlchemy Core tables. Migrations (storage/migrations) create exactly this.

Invariants that must survive any bug above this layer live here as CHECK constraints.
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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

from stockgate.storage.types import Money, UtcInstant, Weight

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Instant = UtcInstant()
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
Id = BigInteger().with_variant(Integer(), "sqlite")

products = Table(
    "products",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("code", String(100), nullable=False, server_default=""),
    Column("name", String(300), nullable=False, server_default=""),
    Column("street_price", Money(), nullable=False, server_default="0"),
    Column("suggested_price", Money(), nullable=False, server_default="0"),
    Column("taxable", Money(), nullable=False, server_default="0"),
    Column("best_taxable", Money(), nullable=False, server_default="0"),
    Column("currency", String(3), nullable=False, server_default="EUR"),
    Column("weight", Weight(), nullable=False, server_default="0"),
    Column("madein", String(100), nullable=False, server_default=""),
    Column("hs", String(30), nullable=False, server_default=""),
    Column("online", Boolean, nullable=False, server_default="1"),
    Column("intangible", Boolean, nullable=False, server_default="0"),
    # Localized texts {"description": {"en_US": "..."}} and pictures [{"id", "url", "name", "modelIds"}]:
    # read and written whole, never queried inside, so JSON text is the cheapest faithful form.
    Column("localizations", Text, nullable=False, server_default="{}"),
    Column("pictures", Text, nullable=False, server_default="[]"),
    Column("updated_at", Instant, nullable=False),
)
Index("ix_products_updated_at", products.c.updated_at)
Index("ix_products_code", products.c.code)

product_tags = Table(
    "product_tags",
    metadata,
    Column("product_id", Id, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("value", String(200), nullable=False),
    Column("locale_values", Text, nullable=False, server_default="{}"),  # {"en_US": "..."}
)
Index("ix_product_tags_filter", product_tags.c.tag_id, product_tags.c.value)

locales = Table(
    "locales",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(100), nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # the stock_id
    Column("product_id", Id, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("model", String(200), nullable=False, server_default=""),
    Column("code", String(100), nullable=False, server_default=""),
    Column("barcode", String(100), nullable=False, server_default=""),
    Column("color", String(100), nullable=False, server_default=""),
    Column("size", String(50), nullable=False, server_default=""),
    Column("street_price", Money(), nullable=False, server_default="0"),
    Column("suggested_price", Money(), nullable=False, server_default="0"),
    Column("taxable", Money(), nullable=False, server_default="0"),
    Column("best_taxable", Money(), nullable=False, server_default="0"),
    Column("currency", String(3), nullable=False, server_default="EUR"),
    Column("weight", Weight(), nullable=False, server_default="0"),
    Column("backorder", Boolean, nullable=False, server_default="0"),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("locked", Integer, nullable=False, server_default="0"),
    Column("updated_at", Instant, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("locked >= 0 AND locked <= on_hand", name="locked_within_on_hand"),
)
Index("ix_models_product_id", models.c.product_id)
Index("ix_models_code", models.c.code)
# Catalog exports with `since` look for models whose stock changed (migration 0002_catalog).
Index("ix_models_updated_at", models.c.updated_at)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(200), nullable=False, server_default=""),
    # Only a SHA-256 of the API key is kept: a stolen database does not hand out working keys.
    Column("api_key_hash", String(64), nullable=False, unique=True),
    Column("api_key_hint", String(8), nullable=False),  # the key's first characters, for humans
    Column("password_hash", String(200), nullable=False),
    Column("ecredit", Money(), nullable=False, server_default="0"),
    Column("auto_confirm", Boolean, nullable=False, server_default="0"),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("reservation_id", Id, nullable=True),  # the 5003 order, allocated on the first lock
    Column("street_name", String(200), nullable=False, server_default=""),
    Column("address_number", String(50), nullable=False, server_default=""),
    Column("zip", String(20), nullable=False, server_default=""),
    Column("city", String(100), nullable=False, server_default=""),
    Column("province", String(100), nullable=False, server_default=""),
    Column("countrycode", String(2), nullable=False, server_default=""),
    Column("created_at", Instant, nullable=False),
    # The union of the enabled webhook endpoints' event types, kept by services/webhooks.py.
    Column("webhook_events", String(1000), nullable=False, server_default=""),
    CheckConstraint("ecredit >= 0", name="ecredit_not_negative"),
)

carriers = Table(
    "carriers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("name", String(100), nullable=False),
    Column("cost", Money(), nullable=False),
    Column("countries", String(1000), nullable=False, server_default=""),  # "IT,FR"; empty: all
    Column("max_weight", Weight(), nullable=True),
    Column("is_default", Boolean, nullable=False, server_default="0"),
    CheckConstraint("cost >= 0", name="cost_not_negative"),
)

# When an account has rows here it may use only those carriers, at the cost given (or the carrier's).
account_carriers = Table(
    "account_carriers",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("carrier_id", Id, ForeignKey("carriers.id", ondelete="CASCADE"), primary_key=True),
    Column("cost", Money(), nullable=True),
)

reservation_lines = Table(
    "reservation_lines",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id"), primary_key=True),
    Column("stock_id", Id, ForeignKey("models.id"), primary_key=True),
    Column("quantity", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity_positive"),
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

# When each account started a full catalog export, for the per-account limit (migration 0002_catalog).
# Kept in the database so the limit holds across server processes; rows older than an hour are pruned.
catalog_exports = Table(
    "catalog_exports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("at", Instant, nullable=False),
)
Index("ix_catalog_exports_account_at", catalog_exports.c.account_id, catalog_exports.c.at)
# --- Abuse control (domain/throttle.py). Times are epoch milliseconds: the token bucket is refilled by
# integer arithmetic inside one UPDATE, which both engines evaluate exactly and alike.

# One row per account that has been rate limited or has its own limit. burst/per_second_milli NULL:
# the server's default; burst 0: no limit. tokens_milli and refreshed_ms are the shared bucket.
rate_buckets = Table(
    "rate_buckets",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("burst", Integer, nullable=True),
    Column("per_second_milli", BigInteger, nullable=True),  # refill, thousandths of a token per second
    Column("tokens_milli", BigInteger, nullable=False, server_default="0"),
    Column("refreshed_ms", BigInteger, nullable=False, server_default="0"),
    Column("granted", Integer, nullable=False, server_default="0"),  # handed out by the last take
    CheckConstraint("burst IS NULL OR burst >= 0", name="burst_not_negative"),
    CheckConstraint("per_second_milli IS NULL OR per_second_milli > 0", name="refill_positive"),
    CheckConstraint("tokens_milli >= 0", name="tokens_not_negative"),
)

# Failed authentications per subject: scope "key" (subject: the API key's SHA-256, account_id when the
# key exists) or "addr" (subject: the client address). Counted before the password is verified, so
# concurrent guesses cannot slip past the lockout; a success takes its own count back.
auth_failures = Table(
    "auth_failures",
    metadata,
    Column("scope", String(4), primary_key=True),
    Column("subject", String(64), primary_key=True),
    Column("account_id", Id, nullable=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("last_failure_ms", BigInteger, nullable=False, server_default="0"),
    Column("locked_until_ms", BigInteger, nullable=False, server_default="0"),
    CheckConstraint("failures >= 0", name="failures_not_negative"),
)
Index("ix_auth_failures_locked_until_ms", auth_failures.c.locked_until_ms)

# Returns and admin API tokens live in their own module; importing it completes `metadata`.
from stockgate.storage import supplier_tables as _supplier_tables  # noqa: E402, F401

# --- Back-office: admin users, their sessions, and the indexes behind its lists and searches. ---

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
# --- Webhooks (supplier.md section 5) -----------------------------------------------------------------

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

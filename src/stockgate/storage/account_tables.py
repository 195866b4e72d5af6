"""Shops' accounts and the carriers they may ship with."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, String, Table

from stockgate.storage.metadata import Id, Instant, metadata
from stockgate.storage.types import Money, Weight

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

"""Abuse control (domain/throttle.py). Times are epoch milliseconds: the token bucket is refilled by
integer arithmetic inside one UPDATE, which both engines evaluate exactly and alike.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from stockgate.storage.metadata import Id, metadata

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

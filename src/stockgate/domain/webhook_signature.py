"""The webhook signature: HMAC-SHA256 over "<timestamp>.<body>", sent as `t=<timestamp>,v1=<hex>`.

The timestamp (Unix seconds of this delivery attempt) is signed with the body so that a captured
request cannot be replayed later: receivers reject signatures older than a few minutes. The scheme
is the one Stripe made familiar; stockgate_client.webhooks.verify_signature checks it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Stockgate-Signature"
SCHEME = "v1"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret
MIN_SECRET_LENGTH = 16


def new_secret() -> str:
    """A fresh endpoint secret: 32 random bytes, URL-safe."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret` (its UTF-8 bytes, prefix included)."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},{SCHEME}={signature(secret, timestamp, body)}"

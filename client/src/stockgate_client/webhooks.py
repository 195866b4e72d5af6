"""Verifying the webhooks stockgate POSTs to a shop.

Every webhook carries the header::

    X-Stockgate-Signature: t=1732350000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

``t`` is the Unix time of the delivery attempt and ``v1`` the hex HMAC-SHA256, keyed with the
endpoint's secret (its UTF-8 bytes, ``whsec_`` prefix included), of the ASCII timestamp, a dot, and the
raw request body exactly as received: ``HMAC(secret, f"{t}." + body)``. Verify before parsing the
body, and reject old timestamps so a captured request cannot be replayed. The body is JSON::

    {"id": "evt_...", "type": "order.dispatched", "created_at": "2026-11-23T10:00:00Z", "data": {...}}

Deliveries are at least once: the same ``id`` can arrive twice (keep the ids you have handled), and a
receiver must answer 2xx within 5 seconds or the delivery is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from .errors import StockgateError

__all__ = ["DEFAULT_TOLERANCE", "InvalidSignature", "verify_signature"]

DEFAULT_TOLERANCE = 300  # seconds


class InvalidSignature(StockgateError, ValueError):
    """The webhook's signature is missing, malformed, wrong, or too old."""


def _parse(header: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1" and value:
            signatures.append(value.lower())
    if timestamp is None or not signatures:
        raise InvalidSignature("the signature header has no t=... and v1=... parts")
    return timestamp, signatures


def verify_signature(
    body: bytes | str,
    header: str | None,
    secret: str,
    *,
    tolerance: float | None = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> int:
    """Check a webhook's ``X-Stockgate-Signature`` against its raw body; answers the signed timestamp.

    Raises InvalidSignature when the header is missing or malformed, no ``v1`` matches, or the
    timestamp is more than ``tolerance`` seconds away from ``now`` (None: no age check).
    """
    if not header:
        raise InvalidSignature("no X-Stockgate-Signature header")
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    timestamp, signatures = _parse(header)
    expected = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + raw, hashlib.sha256)
    digest = expected.hexdigest()
    if not any(hmac.compare_digest(digest, candidate) for candidate in signatures):
        raise InvalidSignature("the signature does not match the body and secret")
    if tolerance is not None:
        moment = time.time() if now is None else now
        if abs(moment - timestamp) > tolerance:
            raise InvalidSignature(
                f"the signature is {abs(moment - timestamp):.0f} s old (tolerance {tolerance:g} s)"
            )
    return timestamp

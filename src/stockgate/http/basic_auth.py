"""HTTP Basic credentials: API key as user name, password as password."""

from __future__ import annotations

import binascii

from stockgate.domain.errors import AuthenticationFailed

MAX_HEADER = 1024


def basic_credentials(header: str | None) -> tuple[str, str]:
    """(api_key, password) from an Authorization header; AuthenticationFailed when absent or malformed."""
    if not header or len(header) > MAX_HEADER:
        raise AuthenticationFailed
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise AuthenticationFailed
    try:
        # Strict: only the base64 alphabet and its padding. ValueError covers a header that is not
        # ASCII (binascii.Error and UnicodeDecodeError are ValueErrors too).
        decoded = binascii.a2b_base64(encoded.strip(), strict_mode=True).decode("utf-8")
    except ValueError:
        raise AuthenticationFailed from None
    api_key, colon, password = decoded.partition(":")
    if not colon or not api_key:
        raise AuthenticationFailed
    return api_key, password

"""Typed client for the Rewix ghost API."""

from .webhooks import InvalidSignature, verify_signature  # noqa: F401 - public

"""Content negotiation of the ghost API (section 1, Formats)."""

from __future__ import annotations

import functools
from typing import Literal

Format = Literal["xml", "json"]

_REQUEST_TYPES: dict[str, Format] = {
    "application/xml": "xml",
    "text/xml": "xml",
    "application/json": "json",
}
# Clients that send these (or nothing) get their body sniffed instead.
_SNIFFED_TYPES = frozenset({"", "application/x-www-form-urlencoded", "text/plain"})
_RESPONSE_TYPES: dict[str, Format] = {**_REQUEST_TYPES}


class UnsupportedMediaType(Exception):
    """The request body is neither XML nor JSON (415)."""


class NotAcceptable(Exception):
    """The Accept header allows neither XML nor JSON (406)."""


def media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def body_format(content_type: str | None, body: bytes) -> Format | None:
    """The request body's format, or None for an empty body."""
    stripped = body.lstrip()
    if not stripped:
        return None
    declared = media_type(content_type)
    if declared in _REQUEST_TYPES:
        return _REQUEST_TYPES[declared]
    if declared in _SNIFFED_TYPES or declared.endswith("+xml") or declared.endswith("+json"):
        first = stripped[:1]
        if first == b"<":
            return "xml"
        if first in (b"{", b"["):
            return "json"
    raise UnsupportedMediaType(f"unsupported body type {declared or 'unknown'}: send XML or JSON")


def response_format(accept: str | None, request_format: Format | None) -> Format:
    """Pick XML or JSON from an Accept header with q-values; `*/*` or none follows the request body."""
    # A shop sends the same Accept header on every request: its answer is remembered (parsing it
    # cost 2% of an E4 request), for the short headers clients send, so the memory stays bounded.
    if accept is not None and len(accept) <= _REMEMBERED_LENGTH:
        return _remembered_format(accept, request_format)
    return _response_format(accept, request_format)


_REMEMBERED_LENGTH = 256


def _response_format(accept: str | None, request_format: Format | None) -> Format:
    fallback: Format = request_format or "xml"
    if accept is None or not accept.strip():
        return fallback
    best: tuple[float, int, Format] | None = None
    for position, item in enumerate(accept.split(",")):
        kind, _, params = item.partition(";")
        kind = kind.strip().lower()
        quality = _quality(params)
        if quality <= 0:
            continue
        if kind in _RESPONSE_TYPES:
            choice = _RESPONSE_TYPES[kind]
        elif kind in ("*/*", "application/*"):
            choice = fallback
        elif kind == "text/*":
            choice = "xml"
        else:
            continue
        # Higher quality wins; on a tie the earlier entry does, as clients list what they prefer first.
        candidate = (quality, -position, choice)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise NotAcceptable("no acceptable response format: ask for application/json or application/xml")
    return best[2]


_remembered_format = functools.lru_cache(maxsize=512)(_response_format)


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0

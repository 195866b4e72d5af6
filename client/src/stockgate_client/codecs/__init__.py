"""The two wire formats of the ghost API, behind one Codec protocol."""

from __future__ import annotations

from typing import Literal, TypeAlias

from lxml import etree

from .base import CatalogReader, Codec
from .json import JsonCodec
from .results import Outcome
from .xml import XmlCodec

__all__ = [
    "DECODE_ERRORS",
    "CatalogReader",
    "Codec",
    "Format",
    "Outcome",
    "codec_for",
    "codec_of_answer",
    "error_details",
]

Format: TypeAlias = Literal["json", "xml"]

# What reading a body that is not what the API promises can raise, whichever the format.
DECODE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError, etree.Error)

_CODECS: dict[str, Codec] = {"json": JsonCodec(), "xml": XmlCodec()}


def codec_for(name: str) -> Codec:
    """The codec of a format name, ``json`` or ``xml``."""
    try:
        return _CODECS[name]
    except KeyError:
        raise ValueError(f"format must be 'json' or 'xml', not {name!r}") from None


def codec_of_answer(content_type: str | None, requested: Codec, body: bytes = b"") -> Codec:
    """The codec to read an answer with: its Content-Type, else its first byte, else what was asked."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media.endswith("json"):
        return _CODECS["json"]
    if media.endswith("xml"):
        return _CODECS["xml"]
    # No (or a generic) Content-Type: sniff as the server does for requests.
    first = body.lstrip()[:1]
    if first == b"<":
        return _CODECS["xml"]
    if first in (b"{", b"["):
        return _CODECS["json"]
    return requested


def error_details(content_type: str | None, body: bytes) -> tuple[str, int | None]:
    """The message (and return-rule code) of an error answer.

    Most errors are a text/plain message; a refused return request answers the
    ``{status, code, message}`` shape in XML or JSON instead.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media.endswith(("json", "xml")):
        try:
            outcome = codec_of_answer(media, _CODECS["json"]).decode_outcome(body)
        except DECODE_ERRORS:
            outcome = None
        if outcome is not None and outcome.message:
            return outcome.message, outcome.code
    return body.decode("utf-8", errors="replace").strip(), None

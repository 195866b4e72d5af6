"""Stream the items of a large JSON document out of it as its bytes arrive.

The catalog export is ``{"pageItems": [...], "totalItems": N, "lastUpdate": "..."}`` with the whole
catalog in one array. Parsing it whole would hold everything in memory; this reader walks the top
level by hand and decodes one array item (or one other member) at a time with the standard
library's decoder, keeping only the unread tail of the text buffered.
"""

from __future__ import annotations

import json
from codecs import getincrementaldecoder
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

__all__ = ["JsonItemStream"]

_WHITESPACE = " \t\r\n"


class JsonItemStream:
    """Push reader: ``feed`` bytes, get back the items of ``array_key`` and the other members."""

    def __init__(self, array_key: str) -> None:
        self._array_key = array_key
        self._decoder = json.JSONDecoder(parse_float=Decimal)
        self._text = getincrementaldecoder("utf-8")()
        self._buffer = ""
        self._pos = 0
        self._state = "start"
        self._key: str | None = None
        self._top_level_array = False
        self.members: dict[str, Any] = {}

    def feed(self, chunk: bytes, final: bool = False) -> list[Any]:
        """Add bytes; return the array items they complete."""
        self._buffer = self._buffer[self._pos :] + self._text.decode(chunk, final)
        self._pos = 0
        items: list[Any] = []
        while self._step(items, final):
            pass
        if final and self._state != "done":
            raise ValueError("the JSON document ended before it was complete")
        return items

    def _skip(self) -> str | None:
        while self._pos < len(self._buffer) and self._buffer[self._pos] in _WHITESPACE:
            self._pos += 1
        return self._buffer[self._pos] if self._pos < len(self._buffer) else None

    def _value(self, final: bool) -> tuple[bool, Any]:
        try:
            value, end = self._decoder.raw_decode(self._buffer, self._pos)
        except json.JSONDecodeError:
            if final:
                raise
            return False, None
        # A number at the very end of the buffer may go on in the next chunk.
        if end == len(self._buffer) and not final:
            return False, None
        self._pos = end
        return True, value

    def _step(self, items: list[Any], final: bool) -> bool:
        """Advance by one token or value; False when the buffer holds nothing more to read."""
        char = self._skip()
        if char is None or self._state == "done":
            return False
        return self._STATES[self._state](self, char, items, final)

    def _at_start(self, char: str, items: list[Any], final: bool) -> bool:
        if char not in "{[":
            raise ValueError(f"expected a JSON object or array, got {char!r}")
        self._pos += 1
        # Some exports send the bare array of items; read it the same way.
        self._top_level_array = char == "["
        self._state = "items" if self._top_level_array else "key"
        return True

    def _at_key(self, char: str, items: list[Any], final: bool) -> bool:
        if char in ",}":
            self._pos += 1
            self._state = "key" if char == "," else "done"
            return True
        complete, key = self._value(final)
        if complete:
            self._key = str(key)
            self._state = "colon"
        return complete

    def _at_colon(self, char: str, items: list[Any], final: bool) -> bool:
        if char != ":":
            raise ValueError(f"expected ':' after key {self._key!r}")
        self._pos += 1
        self._state = "array" if self._key == self._array_key else "member"
        return True

    def _at_array(self, char: str, items: list[Any], final: bool) -> bool:
        if char != "[":
            raise ValueError(f"{self._array_key!r} is not an array")
        self._pos += 1
        self._state = "items"
        return True

    def _at_member(self, char: str, items: list[Any], final: bool) -> bool:
        complete, value = self._value(final)
        if complete and self._key is not None:
            self.members[self._key] = value
            self._state = "key"
        return complete

    def _at_item(self, char: str, items: list[Any], final: bool) -> bool:
        if char in ",]":
            self._pos += 1
            if char == "]":
                self._state = "done" if self._top_level_array else "key"
            return True
        complete, item = self._value(final)
        if complete:
            items.append(item)
        return complete

    _STATES: ClassVar[dict[str, Callable[[JsonItemStream, str, list[Any], bool], bool]]] = {
        "start": _at_start,
        "key": _at_key,
        "colon": _at_colon,
        "array": _at_array,
        "member": _at_member,
        "items": _at_item,
    }

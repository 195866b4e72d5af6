"""One lenient view over XML elements and JSON objects, so each document has one extractor.

Rules of ghost API section 1: values may be strings, numbers or booleans; surrounding whitespace is
trimmed; an empty value means absent; unknown names are ignored; order is free. In XML a value may be an
attribute or a child element (plugins use both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
from lxml import etree

from stockgate.domain.errors import InvalidInput
from stockgate.wire.negotiation import Format
from stockgate.wire.xmlsafe import parse_xml

MAX_JSON_DEPTH = 32


class Node:
    """A document element: named values and named child lists."""

    def text(self, name: str) -> str | None:
        raise NotImplementedError  # pragma: no cover - abstract

    def child(self, name: str) -> Node | None:
        raise NotImplementedError  # pragma: no cover - abstract

    def items(self, container: str, item: str) -> list[Node]:
        """The entries of a list: XML `<container><item/>...`, JSON `"container": [...]`."""
        raise NotImplementedError  # pragma: no cover - abstract

    def required(self, name: str, where: str = "") -> str:
        value = self.text(name)
        if value is None:
            raise InvalidInput(name, f"{name} is required{where}")
        return value

    def integer(self, name: str, where: str = "") -> int | None:
        value = self.text(name)
        return None if value is None else as_int(value, name, where)

    def boolean(self, name: str, default: bool) -> bool:
        value = self.text(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise InvalidInput(name, f"{name} {value!r} is not a boolean")


def as_int(value: str, name: str, where: str = "") -> int:
    try:
        number = int(value)
    except ValueError:
        # "2.0" from a client that stores quantities as floats still means 2.
        try:
            as_float = float(value)
        except ValueError:
            as_float = float("nan")
        if not as_float.is_integer() or abs(as_float) > 2**53:
            raise InvalidInput(name, f"{name} {value!r}{where} is not an integer") from None
        number = int(as_float)
    if abs(number) > 2**62:
        raise InvalidInput(name, f"{name} {value!r}{where} is out of range")
    return number


class XmlNode(Node):
    def __init__(self, element: etree._Element) -> None:
        self.element = element

    def _children(self, name: str) -> Iterator[etree._Element]:
        for child in self.element:
            if isinstance(child.tag, str) and etree.QName(child).localname == name:
                yield child

    def text(self, name: str) -> str | None:
        value = self.element.get(name)
        if value is None:
            found = next(self._children(name), None)
            if found is None:
                return None
            if len(found):
                raise InvalidInput(name, f"{name} must be a value, not a structure")
            value = found.text or ""
        value = value.strip()
        return value or None

    def child(self, name: str) -> Node | None:
        found = next(self._children(name), None)
        return None if found is None else XmlNode(found)

    def items(self, container: str, item: str) -> list[Node]:
        holder = next(self._children(container), None)
        if holder is None:
            return []
        return [XmlNode(e) for e in XmlNode(holder)._children(item)]

    def all(self, name: str) -> list[XmlNode]:
        return [XmlNode(e) for e in self._children(name)]


class JsonNode(Node):
    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value

    def text(self, name: str) -> str | None:
        value = self.value.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(value) if isinstance(value, float) else str(value)
        if isinstance(value, str):
            if "\x00" in value:  # XML cannot carry it, PostgreSQL cannot store or even compare it
                raise InvalidInput(name, f"{name} contains a NUL character")
            return value.strip() or None
        raise InvalidInput(name, f"{name} must be a value, not a structure")

    def child(self, name: str) -> Node | None:
        value = self.value.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise InvalidInput(name, f"{name} must be an object")
        return JsonNode(value)

    def items(self, container: str, item: str) -> list[Node]:
        value = self.value.get(container)
        if isinstance(value, dict):  # {"item_list": {"item": [...]}} as converted from XML
            value = value.get(item, [value] if item not in value else [])
        if value is None:
            return []
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise InvalidInput(container, f"{container} must be a list of objects")
        return [JsonNode(v) for v in value]


def parse_document(body: bytes, fmt: Format) -> Node:
    """The root of an XML or JSON request body."""
    if fmt == "xml":
        return XmlNode(parse_xml(body))
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidInput("body", "malformed JSON") from None
    if _json_depth(value) > MAX_JSON_DEPTH:
        raise InvalidInput("body", f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    if not isinstance(value, dict):
        raise InvalidInput("body", "the JSON body must be an object")
    return JsonNode(value)


def _json_depth(value: Any) -> int:
    depth = 0
    level = [value] if isinstance(value, dict | list) else []
    while level and depth <= MAX_JSON_DEPTH:
        depth += 1
        level = [
            v
            for item in level
            for v in (item.values() if isinstance(item, dict) else item)
            if isinstance(v, dict | list)
        ]
    return depth

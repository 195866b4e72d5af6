"""Writing responses: the XML declaration first, then the root; JSON through orjson."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def xml_document(root: str) -> bytes:
    return (XML_DECLARATION + root).encode()


def json_document(value: Any) -> bytes:
    return orjson.dumps(value)


def attrs(**values: object) -> str:
    """` name="value"` pairs, escaped, skipping None."""
    return "".join(f" {name}={quoteattr(str(value))}" for name, value in values.items() if value is not None)


def element(name: str, value: object) -> str:
    """`<name>value</name>`, or `<name/>` for None (a null is an empty element)."""
    if value is None:
        return f"<{name}/>"
    return f"<{name}>{escape(str(value))}</{name}>"

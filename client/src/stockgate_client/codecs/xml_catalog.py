"""Stream the products out of a TEAL XML catalog export as its bytes arrive.

``<page lastUpdate totalNumberOfElements ..><items><item>..</item>..</items></page>``: each finished
``<item>`` is turned into the export's JSON item shape (see products.py), typed, and then dropped
from the tree, so memory stays flat however large the catalog is.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import etree

from ..dates import parse_instant
from ..products import Product
from .products import build_product
from .values import opt_integer

__all__ = ["XmlCatalogReader", "safe_parser_options"]

_Element = etree._Element
_SEPARATORS = re.compile(r"[\s,;]+")
# Where a tag's value carries its translations, these attributes name the locale.
_LOCALE_ATTRIBUTES = ("localecode", "locale", "localeCode", "lang")


def safe_parser_options() -> dict[str, Any]:
    """lxml parser options that refuse entities, DTDs and network access."""
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def _tag(element: _Element) -> str | None:
    return element.tag if isinstance(element.tag, str) else None


def _plain(element: _Element) -> dict[str, Any]:
    """A flat element (model, image) as a mapping of its children's text."""
    result: dict[str, Any] = {}
    for child in element:
        name = _tag(child)
        if name == "modelIds":
            values = [c.text for c in child if c.text] if len(child) else _SEPARATORS.split(child.text or "")
            result[name] = [v.strip() for v in values if v and v.strip()]
        elif name is not None:
            result[name] = child.text
    return result


def _locale_of(element: _Element) -> str | None:
    return next((element.get(a) for a in _LOCALE_ATTRIBUTES if element.get(a)), None)


def _localized(element: _Element) -> dict[str, dict[str, str]]:
    return {
        locale: {"value": child.text or ""}
        for child in element.iter()
        if child is not element and (locale := _locale_of(child))
    }


def _product_tag(element: _Element) -> dict[str, Any]:
    value = element.find("value")
    if value is None or not len(value):
        return {"name": element.findtext("name"), "value": None if value is None else value.text}
    return {
        "name": element.findtext("name"),
        "value": {"value": value.findtext("value"), "localeValues": _localized(value)},
    }


def item_mapping(item: _Element) -> dict[str, Any]:
    """One ``<item>`` in the export's JSON item shape."""
    result: dict[str, Any] = {}
    for child in item:
        name = _tag(child)
        if name in ("pictures", "images"):
            result["images"] = [_plain(image) for image in child]
        elif name == "localizations":
            result["productLocalizations"] = {
                field: _localized(entry) for entry in child if (field := _tag(entry)) is not None
            }
        elif name == "tags":
            result["tags"] = [_product_tag(tag) for tag in child]
        elif name == "models":
            result["models"] = [_plain(model) for model in child]
        elif name is not None:
            result[name] = child.text
    return result


class XmlCatalogReader:
    """Push parser of a TEAL XML export."""

    def __init__(self) -> None:
        self._parser = etree.XMLPullParser(events=("start", "end"), **safe_parser_options())
        self._depth = 0
        self.total: int | None = None
        self.last_update: datetime | None = None

    def _read(self) -> list[Product]:
        products: list[Product] = []
        for event, element in self._parser.read_events():
            if not isinstance(element, _Element):
                continue
            if event == "start":
                self._depth += 1
                if self._depth == 1:
                    self._page(element)
                continue
            self._depth -= 1
            # Items sit at depth 3: page > items > item. Deeper <item>s would belong to a product.
            if self._depth == 2 and element.tag == "item":
                products.append(build_product(item_mapping(element)))
                parent = element.getparent()
                element.clear()
                if parent is not None:
                    parent.remove(element)
        return products

    def _page(self, page: _Element) -> None:
        self.total = opt_integer(page.get("totalNumberOfElements"))
        last_update = page.get("lastUpdate")
        self.last_update = parse_instant(last_update) if last_update else None

    def feed(self, chunk: bytes) -> list[Product]:
        """Take the next bytes; return the products they complete."""
        self._parser.feed(chunk)
        return self._read()

    def close(self) -> list[Product]:
        """End of body: return the last products, or raise if the document was cut short."""
        self._parser.close()
        return self._read()

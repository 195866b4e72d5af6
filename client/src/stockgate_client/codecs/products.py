"""Build typed products from one mapping shape that both wire formats are first brought into.

The mapping is the JSON item of the export (ghost-api.md, section 5); the XML reader converts each
``<item>`` into it, so the field-by-field typing lives here once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict

from ..dates import parse_instant
from ..products import Image, Product, ProductModel, ProductTag
from .values import boolean, decimal, integer, money, opt_integer, text

__all__ = ["build_product"]


class _Prices(TypedDict):
    street_price: Decimal | None
    suggested_price: Decimal | None
    taxable: Decimal | None
    best_taxable: Decimal | None
    currency: str | None


def _prices(raw: Mapping[str, Any]) -> _Prices:
    """The price fields a product and each of its models carry under the same names."""
    return _Prices(
        street_price=money(raw.get("streetPrice")),
        suggested_price=money(raw.get("suggestedPrice")),
        taxable=money(raw.get("taxable")),
        best_taxable=money(raw.get("bestTaxable")),
        currency=text(raw.get("currency")),
    )


def build_product(item: Mapping[str, Any]) -> Product:
    """Type one export item (a JSON-shaped mapping) into a Product."""
    return Product(
        id=integer(item["id"]),
        name=text(item.get("name")),
        code=text(item.get("code")),
        brand=text(item.get("brand")),
        **_prices(item),
        weight=decimal(item.get("weight")),
        availability=opt_integer(item.get("availability")) or 0,
        made_in=text(item.get("madein")),
        hs=text(item.get("hs")),
        online=boolean(item.get("online"), default=True),
        intangible=boolean(item.get("intangible")),
        images=tuple(_image(i) for i in item.get("images") or ()),
        localizations=_localizations(item.get("productLocalizations") or {}),
        tags=tuple(_tag(t) for t in item.get("tags") or ()),
        models=tuple(_model(m) for m in item.get("models") or ()),
    )


def _model(model: Mapping[str, Any]) -> ProductModel:
    last_update = model.get("lastUpdate")
    return ProductModel(
        id=integer(model["id"]),
        model=text(model.get("model")),
        code=text(model.get("code")),
        barcode=text(model.get("barcode")),
        color=text(model.get("color")),
        size=text(model.get("size")),
        **_prices(model),
        weight=decimal(model.get("modelWeight")),
        availability=opt_integer(model.get("availability")) or 0,
        backorder=boolean(model.get("backorder")),
        last_update=None if text(last_update) is None else parse_instant(last_update),
    )


def _image(image: Mapping[str, Any]) -> Image:
    return Image(
        id=opt_integer(image.get("id")),
        url=text(image.get("url")) or "",
        name=text(image.get("name")),
        model_ids=tuple(integer(i) for i in image.get("modelIds") or ()),
    )


def _tag(tag: Mapping[str, Any]) -> ProductTag:
    value = tag.get("value")
    if not isinstance(value, Mapping):
        # Some exports flatten the value to a plain string.
        return ProductTag(name=text(tag.get("name")) or "", value=text(value), localized={})
    localized = _per_locale(value.get("localeValues") or {})
    return ProductTag(name=text(tag.get("name")) or "", value=text(value.get("value")), localized=localized)


def _localizations(raw: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for field_name, per_locale in raw.items():
        if not isinstance(per_locale, Mapping):
            continue
        result[field_name] = _per_locale(per_locale)
    return result


def _per_locale(raw: Mapping[str, Any]) -> dict[str, str]:
    """locale -> text, from entries that are either the text or ``{"value": text}``."""
    return {
        locale: str(entry.get("value", "")) if isinstance(entry, Mapping) else str(entry)
        for locale, entry in raw.items()
    }

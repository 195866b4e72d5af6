"""The products of the catalog export (E1), as typed objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["Image", "Product", "ProductModel", "ProductTag"]


@dataclass(frozen=True)
class Image:
    """A product picture; model_ids names the models it shows (empty: all of them)."""

    id: int | None
    url: str
    name: str | None = None
    model_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProductTag:
    """A tag of a product (brand, category, season, ...) with its value per locale."""

    name: str
    value: str | None
    localized: Mapping[str, str]

    def value_in(self, locale: str) -> str | None:
        """The value in one locale, falling back to the untranslated value."""
        return self.localized.get(locale, self.value)


@dataclass(frozen=True)
class ProductModel:
    """A purchasable variant (size/colour); ``id`` is its stock_id."""

    id: int
    model: str | None
    code: str | None
    barcode: str | None
    color: str | None
    size: str | None
    street_price: Decimal | None
    suggested_price: Decimal | None
    taxable: Decimal | None
    best_taxable: Decimal | None
    currency: str | None
    weight: Decimal | None
    availability: int
    backorder: bool
    last_update: datetime | None

    @property
    def stock_id(self) -> int:
        """The model's id, under the name the order endpoints use."""
        return self.id


@dataclass(frozen=True)
class Product:
    """A catalog product with its models, pictures, tags and localized texts."""

    id: int
    name: str | None
    code: str | None
    brand: str | None
    street_price: Decimal | None
    suggested_price: Decimal | None
    taxable: Decimal | None
    best_taxable: Decimal | None
    currency: str | None
    weight: Decimal | None
    availability: int
    made_in: str | None
    hs: str | None
    online: bool
    intangible: bool
    images: tuple[Image, ...]
    # field name -> locale -> text, e.g. localizations["description"]["en_US"]
    localizations: Mapping[str, Mapping[str, str]]
    tags: tuple[ProductTag, ...]
    models: tuple[ProductModel, ...]

    def tag(self, name: str) -> ProductTag | None:
        """The product's tag of that name (``brand``, ``category``, ...), if it has one."""
        return next((t for t in self.tags if t.name == name), None)

    def localized(self, field_name: str, locale: str) -> str | None:
        """A localized text such as the description in ``en_US``, if the export carried it."""
        return self.localizations.get(field_name, {}).get(locale)

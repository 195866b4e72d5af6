"""The catalog as the TEAL export describes it (ghost API section 5): products, tags, models."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Tag ids of the ghost API's filters (tag_<id>=<value>).
TAG_NAMES = {1: "brand", 4: "category", 5: "subcategory", 11: "season", 13: "color", 26: "gender"}


@dataclass(frozen=True, slots=True)
class ModelRecord:
    id: int  # the stock_id
    availability: int  # on-hand quantity when importing
    model: str = ""
    code: str = ""
    barcode: str = ""
    color: str = ""
    size: str = ""
    street_price: Decimal = Decimal("0.00")
    suggested_price: Decimal = Decimal("0.00")
    taxable: Decimal = Decimal("0.00")
    best_taxable: Decimal = Decimal("0.00")
    currency: str = "EUR"
    weight: Decimal = Decimal("0.000")
    backorder: bool = False


@dataclass(frozen=True, slots=True)
class TagRecord:
    tag_id: int
    name: str
    value: str
    locale_values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: int
    code: str = ""
    name: str = ""
    street_price: Decimal = Decimal("0.00")
    suggested_price: Decimal = Decimal("0.00")
    taxable: Decimal = Decimal("0.00")
    best_taxable: Decimal = Decimal("0.00")
    currency: str = "EUR"
    weight: Decimal = Decimal("0.000")
    madein: str = ""
    hs: str = ""
    online: bool = True
    intangible: bool = False
    localizations: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> locale -> text
    pictures: list[dict[str, object]] = field(default_factory=list)
    tags: list[TagRecord] = field(default_factory=list)
    models: list[ModelRecord] = field(default_factory=list)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: ImportCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.errors.extend(other.errors)

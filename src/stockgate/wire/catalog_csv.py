"""Reading a catalog kept in a spreadsheet: CSV, one row per model (docs/catalog.md lists the columns).

The rows of one product follow each other; its product columns may be repeated on every row or left
empty after the first, but never contradict it. Comma, semicolon or tab separated (from the header
line), UTF-8 with or without a byte-order mark. Read row by row: memory does not grow with the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import IO

from stockgate.domain.catalog import TAG_IDS, ModelRecord, ParsedItem, ProductRecord, TagRecord, tag_id_for
from stockgate.domain.errors import InvalidInput
from stockgate.wire.catalog_values import amount, flag, integer

PRODUCT_COLUMNS = (
    *("product_id", "code", "name", "brand", "street_price", "suggested_price", "taxable"),
    *("best_taxable", "currency", "weight", "madein", "hs", "online", "intangible", "images"),
)
MODEL_COLUMNS = (
    *("stock_id", "availability", "model", "model_code", "barcode", "color", "size"),
    *("model_street_price", "model_suggested_price", "model_taxable", "model_best_taxable"),
    *("model_currency", "model_weight", "backorder"),
)
REQUIRED = ("product_id", "stock_id", "availability")


@dataclass
class CsvLayout:
    """What the header line says: where each known column is, and which columns mean nothing to us."""

    index: dict[str, int]
    localized: list[tuple[str, str, int]] = field(default_factory=list)  # (field, locale, column)
    tags: list[tuple[str, int]] = field(default_factory=list)  # (tag name, column)
    tag_locales: list[tuple[str, str, int]] = field(default_factory=list)  # (tag name, locale, column)
    ignored: list[str] = field(default_factory=list)


def read_layout(header: list[str]) -> CsvLayout:
    """Interpret the header row; InvalidInput when a required column is missing or named twice."""
    layout = CsvLayout(index={})
    seen: set[str] = set()
    for position, raw in enumerate(header):
        name = raw.strip()
        if name in seen:
            raise InvalidInput("header", f"column {name!r} appears twice in the header")
        seen.add(name)
        parts = name.split(":")
        if len(parts) == 1 and name.lower() in (*PRODUCT_COLUMNS, *MODEL_COLUMNS):
            layout.index[name.lower()] = position
        elif parts[0].lower() == "tag" and len(parts) == 2 and parts[1]:
            layout.tags.append((parts[1], position))
        elif parts[0].lower() == "tag" and len(parts) == 3 and parts[1] and parts[2]:
            layout.tag_locales.append((parts[1], parts[2], position))
        elif len(parts) == 2 and parts[0] and parts[1]:
            layout.localized.append((parts[0], parts[1], position))
        else:
            layout.ignored.append(name)
    missing = [c for c in REQUIRED if c not in layout.index]
    if missing:
        raise InvalidInput("header", f"the header has no column {', '.join(missing)}")
    if "brand" in layout.index and any(n == "brand" for n, _ in layout.tags):
        raise InvalidInput("header", "give the brand as brand or as tag:brand, not both")
    return layout


class CsvCatalog:
    """The products of a CSV file, each a ParsedItem carrying the line of its first row."""

    def __init__(self, source: IO[bytes]) -> None:
        self._text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
        first = self._text.readline()
        delimiter = max((",", ";", "\t"), key=first.count)
        header = next(csv.reader([first], delimiter=delimiter), [])
        self.layout = read_layout(header)
        self._delimiter = delimiter
        self._width = len(header)

    def __iter__(self) -> Iterator[ParsedItem]:
        rows = csv.reader(self._text, delimiter=self._delimiter)
        group: list[tuple[int, list[str]]] = []
        current: str | None = None
        try:
            while True:
                line = rows.line_num + 2  # +1 for the header read apart, +1 as line_num counts read lines
                try:
                    row = next(rows)
                except StopIteration:
                    break
                if not any(cell.strip() for cell in row):
                    continue
                product = self._cell(row, "product_id")
                if group and product != current:
                    yield self._product(group)
                    group = []
                current = product
                group.append((line, row))
        except (csv.Error, UnicodeDecodeError) as error:
            if group:
                yield self._product(group)
            yield ParsedItem(rows.line_num + 1, None, f"unreadable CSV ({error}); the rest was not read")
            return
        if group:
            yield self._product(group)

    def _cell(self, row: list[str], column: str) -> str:
        at = self.layout.index.get(column)
        return row[at].strip() if at is not None and at < len(row) else ""

    def _product(self, group: list[tuple[int, list[str]]]) -> ParsedItem:
        first_line, first = group[0]
        line = first_line
        try:
            product = self._record(first)
            models = []
            for row_line, row in group:
                line = row_line
                if len(row) > self._width:
                    raise InvalidInput("row", f"the row has {len(row)} cells, the header {self._width}")
                for column in PRODUCT_COLUMNS:
                    value = self._cell(row, column)
                    if value and value != self._cell(first, column):
                        raise InvalidInput(column, f"{column} {value!r} differs from line {first_line}")
                models.append(self._model(row, product))
            return ParsedItem(first_line, replace(product, models=models))
        except InvalidInput as error:
            return ParsedItem(line, None, f"product {self._cell(first, 'product_id')}: {error.message}")

    def _record(self, first: list[str]) -> ProductRecord:
        cell = self._cell
        return ProductRecord(
            id=integer(cell(first, "product_id"), "product_id"),
            code=cell(first, "code"),
            name=cell(first, "name"),
            street_price=amount(cell(first, "street_price"), "street_price"),
            suggested_price=amount(cell(first, "suggested_price"), "suggested_price"),
            taxable=amount(cell(first, "taxable"), "taxable"),
            best_taxable=amount(cell(first, "best_taxable"), "best_taxable"),
            currency=cell(first, "currency") or "EUR",
            weight=amount(cell(first, "weight"), "weight"),
            madein=cell(first, "madein"),
            hs=cell(first, "hs"),
            online=flag(cell(first, "online"), "online", True),
            intangible=flag(cell(first, "intangible"), "intangible", False),
            localizations=self._localized(first),
            pictures=self._pictures(first),
            tags=self._tags(first),
        )

    def _localized(self, row: list[str]) -> dict[str, dict[str, str]]:
        texts: dict[str, dict[str, str]] = {}
        for name, locale, at in self.layout.localized:
            if at < len(row) and row[at].strip():
                texts.setdefault(name, {})[locale] = row[at].strip()
        return texts

    def _tags(self, row: list[str]) -> list[TagRecord]:
        named = [("brand", self.layout.index["brand"])] if "brand" in self.layout.index else []
        tags = []
        for name, at in named + self.layout.tags:
            value = row[at].strip() if at < len(row) else ""
            if not value:
                continue
            locale_values = {
                locale: row[col].strip()
                for tag, locale, col in self.layout.tag_locales
                if tag == name and col < len(row) and row[col].strip()
            }
            tags.append(TagRecord(TAG_IDS.get(name, tag_id_for(name)), name, value, locale_values))
        return sorted(tags, key=lambda t: t.tag_id)

    def _pictures(self, row: list[str]) -> list[dict[str, object]]:
        product_id = integer(self._cell(row, "product_id"), "product_id")
        urls = [u.strip() for u in self._cell(row, "images").split("|") if u.strip()]
        return [
            {"id": product_id * 100 + k, "url": url, "name": url.rsplit("/", 1)[-1], "modelIds": []}
            for k, url in enumerate(urls, 1)
        ]

    def _price(self, row: list[str], name: str, default: Decimal) -> Decimal:
        return amount(self._cell(row, f"model_{name}"), f"model_{name}", default)

    def _model(self, row: list[str], product: ProductRecord) -> ModelRecord:
        """A row's model; empty model prices, weight and currency are the product's."""
        cell = self._cell
        stock_id = integer(cell(row, "stock_id"), "stock_id")
        try:
            return ModelRecord(
                id=stock_id,
                availability=integer(cell(row, "availability"), "availability"),
                model=cell(row, "model"),
                code=cell(row, "model_code"),
                barcode=cell(row, "barcode"),
                color=cell(row, "color"),
                size=cell(row, "size"),
                street_price=amount(
                    cell(row, "model_street_price"), "model_street_price", product.street_price
                ),
                suggested_price=amount(
                    cell(row, "model_suggested_price"), "model_suggested_price", product.suggested_price
                ),
                taxable=amount(cell(row, "model_taxable"), "model_taxable", product.taxable),
                best_taxable=amount(
                    cell(row, "model_best_taxable"), "model_best_taxable", product.best_taxable
                ),
                currency=cell(row, "model_currency") or product.currency,
                weight=amount(cell(row, "model_weight"), "model_weight", product.weight),
                backorder=flag(cell(row, "backorder"), "backorder", False),
            )
        except InvalidInput as error:
            raise InvalidInput(error.field, f"stock_id {stock_id}: {error.message}") from None

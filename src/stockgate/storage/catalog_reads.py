"""Reading the catalog for exports: keyset pages of products with their tags and models, in id order.

A page is three statements whatever its size (products, then the tags and the models of exactly those
products), so an export of N products costs about 3 N / page-size queries and never holds more than a
page in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Row, exists, func, select
from sqlalchemy.engine import Connection

from stockgate.domain.catalog import CatalogFilter, ModelRecord, ProductRecord, TagRecord
from stockgate.storage.bulk import padded
from stockgate.storage.catalog_tables import catalog_exports, locales, models, product_tags, products

_PRODUCT_COLUMNS = [c for c in products.columns if c.name != "updated_at"]
_MODEL_COLUMNS = [
    models.c.product_id,
    models.c.id,
    models.c.on_hand,
    models.c.locked,
    models.c.updated_at,
    models.c.model,
    models.c.code,
    models.c.barcode,
    models.c.color,
    models.c.size,
    models.c.street_price,
    models.c.suggested_price,
    models.c.taxable,
    models.c.best_taxable,
    models.c.currency,
    models.c.weight,
    models.c.backorder,
]


def _of_page(
    product_id: ColumnElement[int], selection: CatalogFilter, first: int, last: int
) -> list[ColumnElement[bool]]:
    """Rows of exactly the products of a page, by their id range (a list of 500 ids as parameters
    costs PostgreSQL more than the rows): in a full export every product in the range is on the page;
    otherwise the filter says which."""
    where = [product_id >= first, product_id <= last]
    conditions = _conditions(selection)
    if conditions:
        in_range = select(products.c.id).where(products.c.id >= first, products.c.id <= last, *conditions)
        where.append(product_id.in_(in_range))
    return where


def _conditions(selection: CatalogFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if selection.since is not None:
        since = selection.since
        restocked = select(models.c.product_id).where(models.c.updated_at >= since)
        conditions.append((products.c.updated_at >= since) | products.c.id.in_(restocked))
    for tag_id, value in selection.tags:
        conditions.append(
            exists().where(
                product_tags.c.product_id == products.c.id,
                product_tags.c.tag_id == tag_id,
                func.lower(product_tags.c.value) == func.lower(value),
            )
        )
    return conditions


class CatalogReads:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def count(self, selection: CatalogFilter) -> int:
        query = select(func.count()).select_from(products).where(*_conditions(selection))
        return int(self._c.execute(query).scalar_one())

    def page(
        self, selection: CatalogFilter, *, after: int | None, limit: int, free: bool
    ) -> list[ProductRecord]:
        """Up to `limit` products with ids above `after`; a model's availability is what is free for
        anyone (on-hand minus locked) when `free`, else its on-hand quantity."""
        query = select(*_PRODUCT_COLUMNS).where(*_conditions(selection)).order_by(products.c.id).limit(limit)
        if after is not None:
            query = query.where(products.c.id > after)
        rows = self._c.execute(query).all()
        if not rows:
            return []
        first, last = rows[0].id, rows[-1].id
        tags: dict[int, list[TagRecord]] = {}
        for t in self._c.execute(
            select(product_tags)
            .where(*_of_page(product_tags.c.product_id, selection, first, last))
            .order_by(product_tags.c.product_id, product_tags.c.tag_id)
        ).all():
            tags.setdefault(t.product_id, []).append(
                TagRecord(t.tag_id, t.name, t.value, orjson.loads(t.locale_values))
            )
        variants: dict[int, list[ModelRecord]] = {}
        query = select(*_MODEL_COLUMNS).where(*_of_page(models.c.product_id, selection, first, last))
        # Rows unpacked by position: reading a Row's attributes by name costs more than the rest.
        for row in self._c.execute(query.order_by(models.c.product_id, models.c.id)).all():
            (product_id, stock_id, on_hand, locked, updated_at, name, code, barcode, color, size) = row[:10]
            (street, suggested, taxable, best, currency, weight, backorder) = row[10:]
            variants.setdefault(product_id, []).append(
                ModelRecord(
                    stock_id,
                    on_hand - locked if free else on_hand,
                    name,
                    code,
                    barcode,
                    color,
                    size,
                    street,
                    suggested,
                    taxable,
                    best,
                    currency,
                    weight,
                    backorder,
                    updated_at,
                )
            )
        return [_product(row, tags.get(row.id, []), variants.get(row.id, [])) for row in rows]

    def locked(self, stock_ids: Sequence[int]) -> dict[int, int]:
        """What reservations hold of each of these models (only those that exist and hold something)."""
        query = select(models.c.id, models.c.locked).where(
            models.c.id.in_(padded(stock_ids)), models.c.locked > 0
        )
        return {int(sid): int(n) for sid, n in self._c.execute(query)}

    def locales(self) -> list[tuple[str, str]]:
        return [(c, n) for c, n in self._c.execute(select(locales.c.code, locales.c.name).order_by("code"))]

    def tag_values(self) -> list[tuple[str, str]]:
        """Every (tag name, value) some product carries, by tag id then value."""
        query = (
            select(product_tags.c.tag_id, product_tags.c.name, product_tags.c.value)
            .distinct()
            .order_by(product_tags.c.tag_id, product_tags.c.value)
        )
        return [(name, value) for _id, name, value in self._c.execute(query)]

    def recent_full_exports(self, account_id: int, since: datetime) -> list[datetime]:
        query = (
            select(catalog_exports.c.at)
            .where(catalog_exports.c.account_id == account_id, catalog_exports.c.at >= since)
            .order_by(catalog_exports.c.at)
        )
        return list(self._c.execute(query).scalars())

    def log_full_export(self, account_id: int, at: datetime, forget_before: datetime) -> None:
        self._c.execute(
            catalog_exports.delete().where(
                catalog_exports.c.account_id == account_id,
                catalog_exports.c.at < forget_before,
            )
        )
        self._c.execute(catalog_exports.insert().values(account_id=account_id, at=at))


def _product(row: Row[Any], tags: list[TagRecord], variants: list[ModelRecord]) -> ProductRecord:
    return ProductRecord(
        id=row.id,
        code=row.code,
        name=row.name,
        street_price=row.street_price,
        suggested_price=row.suggested_price,
        taxable=row.taxable,
        best_taxable=row.best_taxable,
        currency=row.currency,
        weight=row.weight,
        madein=row.madein,
        hs=row.hs,
        online=row.online,
        intangible=row.intangible,
        localizations=orjson.loads(row.localizations),
        pictures=orjson.loads(row.pictures),
        tags=tags,
        models=variants,
    )

"""The back-office catalog search: every kind of match answered from an index, then paged by product id.

A search text may be a stock_id, a product id, a barcode, the start of a product or model code, or
the start of words of a product name. Each is one indexed lookup; their union names the products, and
the page is the first products of it by id. Names use a word index of each engine (see migration
0002_backoffice), so "hanami bel" finds "Hanami Belts classic" without reading every name.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal_column, select, text, union
from sqlalchemy.engine import Connection

from stockgate.services.backoffice_ports import CatalogQuery, ModelSummary, ProductSummary
from stockgate.services.paging import Window
from stockgate.storage.catalog_tables import models, products

MAX_WORDS = 8
_WORD = re.compile(r"[^\W_]+")  # letters and digits: no query syntax gets through
_FREE = models.c.on_hand - models.c.locked
# The exact expression of the PostgreSQL index ix_products_name_words, so the planner uses it.
_NAME_VECTOR = func.to_tsvector(literal_column("'simple'::regconfig"), products.c.name)
MODEL_COLUMNS = (
    models.c.id,
    models.c.product_id,
    models.c.code,
    models.c.barcode,
    models.c.color,
    models.c.size,
    models.c.taxable,
    models.c.on_hand,
    models.c.locked,
)


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyset(query: Select[Any], key: Any, window: Window, *, descending: bool = False) -> Select[Any]:
    """`query` limited to the window's page (plus one row), read in the window's direction."""
    forward = not window.backwards
    if window.boundary is not None:
        later = key < window.boundary if descending else key > window.boundary
        earlier = key > window.boundary if descending else key < window.boundary
        query = query.where(later if forward else earlier)
    ascending = forward != descending
    return query.order_by(key.asc() if ascending else key.desc()).limit(window.size + 1)


class CatalogSearch:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    def page(self, query: CatalogQuery, window: Window) -> list[ProductSummary]:
        statement = select(products.c.id, products.c.code, products.c.name, products.c.online)
        needle = query.text.strip().lower()
        if needle:
            statement = statement.where(products.c.id.in_(self._matches(needle)))
        if query.max_free is not None:
            statement = statement.where(
                exists().where(models.c.product_id == products.c.id, query.max_free >= _FREE)
            )
        rows = self._c.execute(keyset(statement, products.c.id, window)).all()
        found = [ProductSummary(int(r.id), r.code, r.name, bool(r.online)) for r in rows]
        if found:
            variants = self._c.execute(
                select(*MODEL_COLUMNS)
                .where(models.c.product_id.in_([p.id for p in found]))
                .order_by(models.c.product_id, models.c.id)
            )
            by_product = {p.id: p.models for p in found}
            for row in variants:
                by_product[int(row.product_id)].append(ModelSummary(*row))
        return found

    def _matches(self, needle: str) -> Any:
        """The ids of the products the text names, one indexed lookup per kind of match."""
        lookups = [
            select(products.c.id).where(self._prefix(func.lower(products.c.code), needle)),
            select(models.c.product_id).where(self._prefix(func.lower(models.c.code), needle)),
            select(models.c.product_id).where(models.c.barcode == needle),
        ]
        if needle.isdigit() and len(needle) < 18:
            lookups.append(select(products.c.id).where(products.c.id == int(needle)))
            lookups.append(select(models.c.product_id).where(models.c.id == int(needle)))
        words = _WORD.findall(needle)[:MAX_WORDS]
        # A bare number is an id, a barcode or a code; looking for it among the names' words too would
        # make the planner expect thousands of matches and walk the products instead of fetching one.
        if words and not needle.isdigit():
            lookups.append(self._named(words))
        return union(*lookups)

    def _named(self, words: list[str]) -> Select[Any]:
        """Products whose name has words starting with each of `words` (which hold no operators)."""
        if self._postgres:
            terms = " & ".join(f"{w}:*" for w in words)
            return select(products.c.id).where(
                _NAME_VECTOR.op("@@")(func.to_tsquery(literal_column("'simple'::regconfig"), terms))
            )
        terms = " AND ".join(f'"{w}"*' for w in words)
        return (
            select(literal_column("rowid"))
            .select_from(text("products_name_words"))
            .where(text("products_name_words MATCH :terms").bindparams(terms=terms))
        )

    def _prefix(self, folded: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
        """`folded` starts with `prefix`, in a form each engine answers from its index."""
        if self._postgres:  # text_pattern_ops serves LIKE 'prefix%' (backslash is PostgreSQL's escape)
            return folded.like(escape_like(prefix) + "%")
        # SQLite compares bytes: the strings starting with `prefix` are exactly one range of the index.
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return and_(folded >= prefix, folded < following)

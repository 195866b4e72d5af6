"""The catalog: products, their tags, locales, models (one per stock_id, with its on-hand and locks)
and the log of full catalog exports.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from stockgate.storage.metadata import Id, Instant, metadata
from stockgate.storage.types import Money, Weight


def _prices_and_weight() -> list[Column[object]]:
    """The price list and weight, which the catalog gives a product and each of its models alike:
    fresh columns for each table."""
    return [
        Column("street_price", Money(), nullable=False, server_default="0"),
        Column("suggested_price", Money(), nullable=False, server_default="0"),
        Column("taxable", Money(), nullable=False, server_default="0"),
        Column("best_taxable", Money(), nullable=False, server_default="0"),
        Column("currency", String(3), nullable=False, server_default="EUR"),
        Column("weight", Weight(), nullable=False, server_default="0"),
    ]


products = Table(
    "products",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),
    Column("code", String(100), nullable=False, server_default=""),
    Column("name", String(300), nullable=False, server_default=""),
    *_prices_and_weight(),
    Column("madein", String(100), nullable=False, server_default=""),
    Column("hs", String(30), nullable=False, server_default=""),
    Column("online", Boolean, nullable=False, server_default="1"),
    Column("intangible", Boolean, nullable=False, server_default="0"),
    # Localized texts {"description": {"en_US": "..."}} and pictures [{"id", "url", "name", "modelIds"}]:
    # read and written whole, never queried inside, so JSON text is the cheapest faithful form.
    Column("localizations", Text, nullable=False, server_default="{}"),
    Column("pictures", Text, nullable=False, server_default="[]"),
    Column("updated_at", Instant, nullable=False),
)
Index("ix_products_updated_at", products.c.updated_at)
Index("ix_products_code", products.c.code)

product_tags = Table(
    "product_tags",
    metadata,
    Column("product_id", Id, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("value", String(200), nullable=False),
    Column("locale_values", Text, nullable=False, server_default="{}"),  # {"en_US": "..."}
)
Index("ix_product_tags_filter", product_tags.c.tag_id, product_tags.c.value)

locales = Table(
    "locales",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("name", String(100), nullable=False),
)

models = Table(
    "models",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=False),  # the stock_id
    Column("product_id", Id, ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
    Column("model", String(200), nullable=False, server_default=""),
    Column("code", String(100), nullable=False, server_default=""),
    Column("barcode", String(100), nullable=False, server_default=""),
    Column("color", String(100), nullable=False, server_default=""),
    Column("size", String(50), nullable=False, server_default=""),
    *_prices_and_weight(),
    Column("backorder", Boolean, nullable=False, server_default="0"),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("locked", Integer, nullable=False, server_default="0"),
    Column("updated_at", Instant, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
    CheckConstraint("locked >= 0 AND locked <= on_hand", name="locked_within_on_hand"),
)
Index("ix_models_product_id", models.c.product_id)
Index("ix_models_code", models.c.code)
# Catalog exports with `since` look for models whose stock changed (migration 0002_catalog).
Index("ix_models_updated_at", models.c.updated_at)

# When each account started a full catalog export, for the per-account limit (migration 0002_catalog).
# Kept in the database so the limit holds across server processes; rows older than an hour are pruned.
catalog_exports = Table(
    "catalog_exports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("at", Instant, nullable=False),
)
Index("ix_catalog_exports_account_at", catalog_exports.c.account_id, catalog_exports.c.at)

"""Writing the catalog in batches: products, their tags and models, keeping the supplier's ids.

A model's `locked` column belongs to the reservations and is never touched by an import: a product whose
file availability would fall below what is locked is rejected whole, and the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.engine import Connection

from stockgate.domain.catalog import ImportCounts, ProductRecord
from stockgate.domain.dates import utc_now
from stockgate.services.catalog_ports import UpsertResult
from stockgate.storage.bulk import insert_many, padded, upsert_many
from stockgate.storage.catalog_reads import CatalogReads
from stockgate.storage.catalog_tables import locales, models, product_tags, products
from stockgate.storage.upsert import upsert

_PRODUCT_FIELDS = [c.name for c in products.columns if c.name != "updated_at"]
_MODEL_FIELDS = [c.name for c in models.columns if c.name not in ("updated_at", "locked")]
_MODEL_RECORD_FIELDS = [n for n in _MODEL_FIELDS if n not in ("product_id", "on_hand")]
_TAG_FIELDS = ["tag_id", "name", "value", "locale_values"]

LOCALE_NAMES = {
    "en_US": "English",
    "it_IT": "Italiano",
    "fr_FR": "Français",
    "de_DE": "Deutsch",
    "es_ES": "Español",
    "nl_NL": "Nederlands",
    "pt_PT": "Português",
    "pl_PL": "Polski",
    "ru_RU": "Русский",
    "cs_CZ": "Čeština",
    "sv_SE": "Svenska",
    "da_DK": "Dansk",
    "fi_FI": "Suomi",
    "hu_HU": "Magyar",
    "ro_RO": "Română",
    "el_GR": "Ελληνικά",
    "sk_SK": "Slovenčina",
    "bg_BG": "Български",
    "et_EE": "Eesti",
    "ja_JP": "日本語",
}


def product_values(record: ProductRecord) -> dict[str, Any]:
    values = {
        name: getattr(record, name) for name in _PRODUCT_FIELDS if name not in ("localizations", "pictures")
    }
    values["localizations"] = _json(record.localizations)
    values["pictures"] = _json(record.pictures)
    return values


def _json(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


class SqlCatalog(CatalogReads):
    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._c = connection

    def upsert(self, records: Sequence[ProductRecord]) -> UpsertResult:
        """Create or update `records`; answers the counts, the on-hand change of every model and the
        products refused because a model's availability is below what reservations hold."""
        counts = ImportCounts()
        rejected: list[tuple[int, str]] = []
        ids = [r.id for r in records]
        stock_ids = [m.id for r in records for m in r.models]
        old_products: dict[int, dict[str, Any]] = {
            row["id"]: dict(row)
            for row in self._c.execute(
                select(*[products.c[n] for n in _PRODUCT_FIELDS]).where(products.c.id.in_(padded(ids)))
            ).mappings()
        }
        old_tags: dict[int, list[dict[str, Any]]] = {}
        for row in self._c.execute(
            select(product_tags)
            .where(product_tags.c.product_id.in_(padded(ids)))
            .order_by(product_tags.c.tag_id)
        ).mappings():
            old_tags.setdefault(row["product_id"], []).append({n: row[n] for n in _TAG_FIELDS})
        old_models: dict[int, dict[str, Any]] = {}
        locked: dict[int, int] = {}
        for row in self._c.execute(
            select(*[models.c[n] for n in _MODEL_FIELDS], models.c.locked).where(
                models.c.id.in_(padded(stock_ids))
            )
        ).mappings():
            locked[row["id"]] = row["locked"]
            old_models[row["id"]] = {n: row[n] for n in _MODEL_FIELDS}
        now = utc_now()
        product_rows: list[dict[str, Any]] = []
        model_rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        changed_ids: list[int] = []
        stock_moves: list[tuple[int, int]] = []
        seen_locales: set[str] = set()
        for record in records:
            values = product_values(record)
            tags = [
                {
                    "tag_id": t.tag_id,
                    "name": t.name,
                    "value": t.value,
                    "locale_values": _json(t.locale_values),
                }
                for t in sorted(record.tags, key=lambda t: t.tag_id)
            ]
            short = next((m for m in record.models if m.availability < locked.get(m.id, 0)), None)
            if short is not None:
                rejected.append(
                    (
                        record.id,
                        f"product {record.id}, stock_id {short.id}: availability {short.availability} is"
                        f" below the {locked[short.id]} units locked in reservations",
                    )
                )
                continue
            rows = []
            moves = []
            for m in record.models:
                model_row = {n: getattr(m, n) for n in _MODEL_RECORD_FIELDS}
                model_row.update(product_id=record.id, on_hand=m.availability)
                rows.append(model_row)
                before = old_models.get(m.id)
                delta = m.availability - (before["on_hand"] if before else 0)
                if delta:
                    moves.append((m.id, delta))
            old = old_products.get(record.id)
            same = (
                old is not None
                and old == values
                and old_tags.get(record.id, []) == tags
                and all(old_models.get(r["id"]) is not None and old_models[r["id"]] == r for r in rows)
            )
            seen_locales.update(loc for texts in record.localizations.values() for loc in texts)
            seen_locales.update(loc for t in record.tags for loc in t.locale_values)
            if same:
                counts.unchanged += 1
                continue
            if old is None:
                counts.created += 1
            else:
                counts.updated += 1
            changed_ids.append(record.id)
            stock_moves.extend(moves)
            product_rows.append({**values, "updated_at": now})
            model_rows.extend({**r, "updated_at": now, "locked": 0} for r in rows)
            tag_rows.extend({**t, "product_id": record.id} for t in tags)
        if product_rows:
            upsert_many(self._c, products, product_rows, ["id"])
            self._c.execute(product_tags.delete().where(product_tags.c.product_id.in_(padded(changed_ids))))
            if tag_rows:
                insert_many(self._c, product_tags, tag_rows)
        if model_rows:
            upsert_many(self._c, models, model_rows, ["id"], keep=["locked"])
        if seen_locales:
            self._c.execute(
                upsert(self._c, locales, ["code"]),
                [{"code": code, "name": LOCALE_NAMES.get(code, code)} for code in sorted(seen_locales)],
            )
        return UpsertResult(counts, stock_moves, rejected)

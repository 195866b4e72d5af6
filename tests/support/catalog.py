"""Helpers for catalog tests: files in the TEAL shape, exports as bytes, an older catalog."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from stockgate.bootstrap import Runtime
from stockgate.domain.catalog import CatalogFilter, ImportCounts, ProductRecord
from stockgate.domain.dates import utc_now
from stockgate.services.catalog_export import export_catalog
from stockgate.services.catalog_import import import_catalog
from stockgate.storage.catalog_tables import models, products
from stockgate.wire.catalog import render_export
from stockgate.wire.catalog_csv import CsvCatalog
from stockgate.wire.catalog_teal import read_teal
from stockgate.wire.negotiation import Format

_STAMPS = re.compile(rb'lastUpdate(="|>|":")[^"<]*')


def teal(records: Sequence[ProductRecord]) -> bytes:
    """A TEAL XML document of `records` (availability as given), as `catalog generate` writes it."""
    return b"".join(render_export(len(records), utc_now(), [list(records)], "xml", None))


def exported(runtime: Runtime, fmt: Format = "xml", *, free: bool = False, page_size: int = 500) -> bytes:
    """The whole catalog as the supplier's export writes it."""
    export = export_catalog(runtime.db, selection=CatalogFilter(), free=free, page_size=page_size)
    return b"".join(render_export(export.total, export.last_update, export.pages(), fmt, None))


def without_timestamps(document: bytes) -> bytes:
    """The document with every lastUpdate value blanked (they differ from one export to the next)."""
    return _STAMPS.sub(rb"lastUpdate\1", document)


def import_xml(runtime: Runtime, document: bytes, *, strict: bool = False) -> ImportCounts:
    return import_catalog(
        runtime.db, items=lambda: read_teal(io.BytesIO(document)), actor="test", strict=strict
    )


def import_csv(runtime: Runtime, text: str, *, strict: bool = False) -> ImportCounts:
    data = text.encode()
    return import_catalog(
        runtime.db, items=lambda: iter(CsvCatalog(io.BytesIO(data))), actor="test", strict=strict
    )


def age_catalog(runtime: Runtime, hours: float) -> None:
    """Pretend every product and model last changed `hours` ago."""
    then = utc_now() - timedelta(hours=hours)
    with runtime.engine.begin() as connection:
        connection.execute(update(products).values(updated_at=then))
        connection.execute(update(models).values(updated_at=then))


def write(path: Path, content: bytes | str) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def ids(records: Iterable[ProductRecord]) -> list[int]:
    return [r.id for r in records]

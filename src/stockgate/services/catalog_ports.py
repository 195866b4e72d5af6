"""What use cases need from storage about the catalog: imports, pages of products, locales and tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from stockgate.domain.catalog import CatalogFilter, ImportCounts, ProductRecord


@dataclass
class UpsertResult:
    counts: ImportCounts  # created / updated / unchanged
    stock_moves: list[tuple[int, int]] = field(default_factory=list)  # (stock_id, on-hand delta)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (product id, why), nothing written


class Catalog(Protocol):
    def upsert(self, records: Sequence[ProductRecord]) -> UpsertResult: ...
    def locked(self, stock_ids: Sequence[int]) -> dict[int, int]: ...
    def count(self, selection: CatalogFilter) -> int: ...
    def page(
        self, selection: CatalogFilter, *, after: int | None, limit: int, free: bool
    ) -> list[ProductRecord]: ...
    def locales(self) -> list[tuple[str, str]]: ...
    def tag_values(self) -> list[tuple[str, str]]: ...
    def recent_full_exports(self, account_id: int, since: datetime) -> list[datetime]: ...
    def log_full_export(self, account_id: int, at: datetime, forget_before: datetime) -> None: ...

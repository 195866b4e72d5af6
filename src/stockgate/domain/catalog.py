"""The catalog as the TEAL export describes it (ghost API section 5): products, tags, models."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from stockgate.domain.errors import DomainError

# Tag ids of the ghost API's filters (tag_<id>=<value>).
TAG_NAMES = {1: "brand", 4: "category", 5: "subcategory", 11: "season", 13: "color", 26: "gender"}
TAG_IDS = {name: tag_id for tag_id, name in TAG_NAMES.items()}
BRAND_TAG = 1
# Tags the filters do not know (a Rewix file may carry "dimension", "bicolors", ...) get a stable id of
# their own from their name, at or above this, so they survive a round trip without a registry.
FIRST_OTHER_TAG_ID = 1000

# An import lists at most this many problems (and counts the rest): a broken 500 MB file must not
# turn into a 500 MB error report.
MAX_REPORTED = 1000

# `lastUpdate` is this much before the export started: a write that took its timestamp just before the
# export's snapshot but committed just after it is then still picked up by the next `since`.
SINCE_OVERLAP = timedelta(minutes=1)


# The records are values, but not frozen: an export builds half a million of them and a frozen
# dataclass's __init__ costs five times as much. Nothing mutates them after they are made.
@dataclass(slots=True)
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
    last_update: datetime | None = None  # set when read from the catalog, ignored when importing


@dataclass(slots=True)
class TagRecord:
    tag_id: int
    name: str
    value: str
    locale_values: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
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

    @property
    def brand(self) -> str:
        return next((t.value for t in self.tags if t.tag_id == BRAND_TAG), "")

    @property
    def availability(self) -> int:
        return sum(m.availability for m in self.models)


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
        self.errors.extend(other.errors[: MAX_REPORTED - len(self.errors)])

    def skip(self, line: int, problem: str) -> None:
        """Count an item left out, keeping the first MAX_REPORTED reasons."""
        self.skipped += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(located(line, problem))


def located(line: int, problem: str) -> str:
    """`line 12: problem`, or the bare problem for records that come from no file (line 0)."""
    return f"line {line}: {problem}" if line > 0 else problem


class ImportRejected(DomainError):
    """A strict import found broken items and applied nothing; `problems` lists the first of them."""

    def __init__(self, problems: list[str], count: int) -> None:
        super().__init__(f"{count} broken item{'s' if count != 1 else ''}: nothing was imported")
        self.problems = problems
        self.count = count


@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One product read from an import file: the record, or why it could not be read."""

    line: int
    record: ProductRecord | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class CatalogFilter:
    """Which products an export carries: changed since an instant, and/or with given tag values."""

    since: datetime | None = None
    tags: tuple[tuple[int, str], ...] = ()

    @property
    def full(self) -> bool:
        return self.since is None and not self.tags


def tag_id_for(name: str) -> int:
    """The id of a tag name: the ghost API's own ids, else a stable one derived from the name."""
    known = TAG_IDS.get(name)
    if known is not None:
        return known
    return FIRST_OTHER_TAG_ID + zlib.crc32(name.encode()) % 1_000_000_000


def full_export_wait(recent: list[datetime], now: datetime, limit: int, period: timedelta) -> int | None:
    """Seconds until another full export is allowed, given the start times of the recent ones (sorted);
    None when one is allowed now. A limit of 0 means no limit."""
    current = [at for at in recent if at > now - period]
    if limit <= 0 or len(current) < limit:
        return None
    frees_at = current[len(current) - limit] + period
    return max(1, math.ceil((frees_at - now).total_seconds()))

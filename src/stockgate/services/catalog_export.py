"""Reading the catalog out: the streamed TEAL export (E1), its limits, the locales (E12) and tags (E13)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime, timedelta

from stockgate.domain.catalog import SINCE_OVERLAP, CatalogFilter, ProductRecord, full_export_wait
from stockgate.domain.dates import utc_now
from stockgate.domain.errors import IncrementalWindowExceeded
from stockgate.domain.throttle import Throttled
from stockgate.services.auth import Principal
from stockgate.services.unit_of_work import Database, Tx

PAGE_SIZE = 500
FULL_EXPORT_PERIOD = timedelta(hours=1)


class CatalogExport:
    """An export in progress: its size and `lastUpdate` are known up front, the products come page by
    page from one snapshot of the catalog, so `total` always equals what `pages()` yields.

    Holds a database connection until `pages()` is exhausted or `close()` is called.
    """

    def __init__(self, db: Database, selection: CatalogFilter, *, free: bool, page_size: int) -> None:
        self._selection = selection
        self._free = free
        self._page_size = page_size
        self._stack = ExitStack()
        started = utc_now()
        try:
            self._tx: Tx = self._stack.enter_context(db.snapshot())
            self.total = self._tx.catalog.count(selection)
        except BaseException:
            self._stack.close()
            raise
        self.last_update = started - SINCE_OVERLAP

    def pages(self) -> Iterator[list[ProductRecord]]:
        try:
            after: int | None = None
            while page := self._tx.catalog.page(
                self._selection, after=after, limit=self._page_size, free=self._free
            ):
                yield page
                after = page[-1].id
        finally:
            self.close()

    def close(self) -> None:
        self._stack.close()


def export_catalog(
    db: Database, *, selection: CatalogFilter, free: bool = True, page_size: int = PAGE_SIZE
) -> CatalogExport:
    """Open an export of the products `selection` picks. Availability is what is free for anyone
    (the shops' figure) unless `free` is false (the supplier's on-hand, which re-imports losslessly)."""
    return CatalogExport(db, selection, free=free, page_size=page_size)


def check_since(since: datetime, *, window: timedelta, now: datetime | None = None) -> None:
    """412 unless `since` is within the incremental window (a `lastUpdate` that old is still accepted)."""
    now = now or utc_now()
    if since < now - window - SINCE_OVERLAP:
        hours = window.total_seconds() / 3600
        raise IncrementalWindowExceeded(
            f"since {since.isoformat()} is older than the {hours:g} h incremental window: "
            "ask for the full catalog (no since) and use its lastUpdate"
        )


def claim_full_export(db: Database, *, principal: Principal, per_hour: int) -> None:
    """Count a full export against the account's hourly limit, or refuse it (429 with Retry-After)."""

    def work(tx: Tx) -> None:
        tx.accounts.lock(principal.account_id)  # concurrent claims of one account queue here
        now = utc_now()
        recent = tx.catalog.recent_full_exports(principal.account_id, now - FULL_EXPORT_PERIOD)
        wait = full_export_wait(recent, now, per_hour, FULL_EXPORT_PERIOD)
        if wait is not None:
            raise Throttled(
                f"at most {per_hour} full catalog exports per hour: retry in {wait} s, "
                "or ask for what changed with since",
                retry_after=wait,
            )
        tx.catalog.log_full_export(principal.account_id, now, forget_before=now - FULL_EXPORT_PERIOD)

    db.write(work)


def catalog_locales(db: Database) -> list[tuple[str, str]]:
    """(code, name) of every locale the catalog carries."""
    return db.read(lambda tx: tx.catalog.locales())


def catalog_tags(db: Database) -> list[tuple[str, str]]:
    """(tag name, value) of every tag value in use."""
    return db.read(lambda tx: tx.catalog.tag_values())

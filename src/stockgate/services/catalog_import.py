"""Loading products and models into the catalog, in batches of one transaction each.

Items stream in from a reader (TEAL XML, CSV, the generator) and are checked one by one: a broken item
is reported with its line and left out, the good ones are written BATCH at a time. A strict import
first reads the whole file once to check it (the same checks, plus the reservations' locks), and only
if nothing is wrong reads it again to write it; a file cannot be half applied for a broken item.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from stockgate.domain.catalog import ImportCounts, ImportRejected, ParsedItem, ProductRecord
from stockgate.domain.catalog_rules import product_problem
from stockgate.domain.seen_ids import SeenIds
from stockgate.services.catalog_ports import UpsertResult
from stockgate.services.outbox import publish, sold_out_notices
from stockgate.services.stock_ports import LedgerEntry
from stockgate.services.unit_of_work import Database, Tx

BATCH = 500


@dataclass
class _Checker:
    """The checks that need the whole file so far: each product and each stock_id appears once.

    Remembers every id seen, in about 8 bytes each (SeenIds): the price of refusing a file that would
    give one stock_id to two products.
    """

    products: SeenIds = field(default_factory=SeenIds)
    stock_ids: SeenIds = field(default_factory=SeenIds)

    def problem(self, item: ParsedItem) -> str | None:
        record = item.record
        if record is None:
            return item.problem or "unreadable item"
        found = product_problem(record)
        if found is not None:
            return found
        if record.id in self.products:
            return f"product {record.id} appears more than once in the file"
        repeated = next((m.id for m in record.models if m.id in self.stock_ids), None)
        if repeated is not None:
            return f"product {record.id}: stock_id {repeated} already belongs to another product in the file"
        self.products.add(record.id)
        self.stock_ids.update(m.id for m in record.models)
        return None


def _good_batches(items: Iterable[ParsedItem], counts: ImportCounts) -> Iterator[list[ParsedItem]]:
    """The items that pass the checks, BATCH at a time; the others are counted as skipped."""
    checker = _Checker()
    batch: list[ParsedItem] = []
    for item in items:
        problem = checker.problem(item)
        if problem is not None:
            counts.skip(item.line, problem)
            continue
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def import_catalog(
    db: Database, *, items: Callable[[], Iterable[ParsedItem]], actor: str, strict: bool = False
) -> ImportCounts:
    """Create or update the products `items()` yields, keeping their ids; on-hand changes go to the
    ledger. `items` is called once, or twice when `strict` (check everything, then write)."""
    if strict:
        checked = validate_catalog(db, items=items())
        if checked.skipped:
            raise ImportRejected(checked.errors, checked.skipped)
    counts = ImportCounts()
    for batch in _good_batches(items(), counts):
        records = [item.record for item in batch if item.record is not None]
        lines = {item.record.id: item.line for item in batch if item.record is not None}

        def work(tx: Tx, records: list[ProductRecord] = records) -> UpsertResult:
            return _write(tx, records, actor)

        result = db.write(work)
        counts.add(result.counts)
        for product_id, why in result.rejected:
            counts.skip(lines[product_id], why)
    return counts


def validate_catalog(db: Database, *, items: Iterable[ParsedItem]) -> ImportCounts:
    """Check items without writing anything: `skipped` and `errors` tell what an import would refuse."""
    counts = ImportCounts()
    for batch in _good_batches(items, counts):
        stock_ids = [m.id for item in batch if item.record for m in item.record.models]

        def locks(tx: Tx, stock_ids: list[int] = stock_ids) -> dict[int, int]:
            return tx.catalog.locked(stock_ids)

        locked = db.read(locks)
        for item in batch:
            assert item.record is not None
            short = next((m for m in item.record.models if m.availability < locked.get(m.id, 0)), None)
            if short is not None:
                counts.skip(
                    item.line,
                    f"product {item.record.id}, stock_id {short.id}: availability {short.availability}"
                    f" is below the {locked[short.id]} units locked in reservations",
                )
    return counts


def _write(tx: Tx, records: list[ProductRecord], actor: str) -> UpsertResult:
    result = tx.catalog.upsert(records)
    tx.ledger.append(
        [
            LedgerEntry("stock", actor, "catalog import", stock_id=sid, on_hand_delta=delta)
            for sid, delta in result.stock_moves
        ]
    )
    _tell_sold_out(tx, records, result.stock_moves)
    return result


def _tell_sold_out(tx: Tx, records: list[ProductRecord], moves: list[tuple[int, int]]) -> None:
    """`model.sold_out` webhooks for models the import emptied (the daily stock feed is how most do)."""
    fallen = {sid: delta for sid, delta in moves if delta < 0}
    if not fallen:
        return
    on_hand = {m.id: m.availability for r in records for m in r.models if m.id in fallen}
    locked = tx.catalog.locked(sorted(fallen))
    after = {sid: on_hand[sid] - locked.get(sid, 0) for sid in fallen}
    before = {sid: after[sid] - delta for sid, delta in fallen.items()}
    publish(tx, sold_out_notices(tx, before, after))


def import_products(
    db: Database,
    *,
    records: Iterable[ProductRecord],
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> ImportCounts:
    """Import records made in memory (the generator, the demo, tests); `progress` hears each product."""

    def items() -> Iterator[ParsedItem]:
        for record in records:
            if progress is not None:
                progress(1)
            yield ParsedItem(0, record)

    return import_catalog(db, items=items, actor=actor)

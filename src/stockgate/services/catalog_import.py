"""Loading products and models into the catalog, in batches of one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice

from stockgate.domain.catalog import ImportCounts, ProductRecord
from stockgate.services.ports import Database, LedgerEntry, Tx

BATCH = 500


def import_products(
    db: Database,
    *,
    records: Iterable[ProductRecord],
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> ImportCounts:
    """Create or update products by their ids; every on-hand change goes to the ledger."""
    total = ImportCounts()
    iterator = iter(records)
    while batch := tuple(islice(iterator, BATCH)):

        def work(tx: Tx, batch: tuple[ProductRecord, ...] = batch) -> ImportCounts:
            counts, moves = tx.catalog.upsert(batch)
            tx.ledger.append(
                [
                    LedgerEntry("stock", actor, "catalog import", stock_id=sid, on_hand_delta=d)
                    for sid, d in moves
                ]
            )
            return counts

        total.add(db.write(work))
        if progress is not None:
            progress(len(batch))
    return total

"""`stockgate check`: the invariants of supplier.md section 2, verified against the database."""

from __future__ import annotations

from stockgate.services.unit_of_work import Database


def check_invariants(db: Database) -> list[str]:
    """Every breach found, one sentence each; an empty list means the books balance."""
    return db.read(lambda tx: tx.audit.breaches())

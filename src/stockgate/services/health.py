"""Is the service able to answer: the readiness probe's question."""

from __future__ import annotations

from stockgate.services.unit_of_work import Database


def database_ready(db: Database) -> bool:
    """True when a trivial read transaction succeeds."""
    try:
        db.read(lambda tx: tx.accounts.by_email("readiness@probe.invalid"))
    except Exception:
        return False
    return True

"""The append-only ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from stockgate.domain.dates import utc_now
from stockgate.services.ports import LedgerEntry
from stockgate.storage.tables import ledger


class SqlLedger:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        if not entries:
            return
        now = utc_now()
        self._c.execute(insert(ledger), [{**asdict(entry), "at": now} for entry in entries])

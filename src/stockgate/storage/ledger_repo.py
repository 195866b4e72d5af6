"""The append-only ledger."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from sqlalchemy.engine import Connection

from stockgate.domain.dates import utc_now
from stockgate.services.stock_ports import LedgerEntry
from stockgate.storage.bulk import insert_many
from stockgate.storage.order_tables import ledger

_FIELDS = [f.name for f in fields(LedgerEntry)]


class SqlLedger:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def append(self, entries: Sequence[LedgerEntry]) -> None:
        if not entries:
            return
        now = utc_now()
        # Not dataclasses.asdict: it deep-copies every value, which shows at 100,000 entries (an import).
        rows = [{"at": now, **{name: getattr(entry, name) for name in _FIELDS}} for entry in entries]
        insert_many(self._c, ledger, rows)

"""Read-only questions shops ask about what they may buy and how it ships."""

from __future__ import annotations

from stockgate.domain.carriers import Carrier
from stockgate.services.auth import Principal
from stockgate.services.unit_of_work import Database


def carriers_for(db: Database, *, principal: Principal) -> list[Carrier]:
    """The carriers this account may use, at its own costs."""
    return db.read(lambda tx: tx.carriers.for_account(principal.account_id))

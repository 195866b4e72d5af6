"""Per-account carrier lists: which carriers an account may use, at what cost."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from stockgate.domain.errors import InvalidInput
from stockgate.services.accounts import find_account_row
from stockgate.services.unit_of_work import Database, Tx


def set_own_carriers(db: Database, *, email: str, carriers: Mapping[int, Decimal | None]) -> None:
    """Give the account its own carrier list (empty: back to every carrier at the usual cost)."""
    if any(cost is not None and cost < 0 for cost in carriers.values()):
        raise InvalidInput("cost", "a carrier cost cannot be negative")

    def work(tx: Tx) -> None:
        account = tx.accounts.lock(find_account_row(tx, email).id)
        known = {c.id for c in tx.carriers.all()}
        unknown = sorted(set(carriers) - known)
        if unknown:
            raise InvalidInput("carrier", f"carrier {unknown[0]} does not exist")
        tx.carriers.set_for_account(account.id, sorted(carriers.items()))

    db.write(work)

"""Carriers and per-account carrier lists."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, exists, func, select
from sqlalchemy.engine import Connection

from stockgate.domain.carriers import Carrier
from stockgate.storage.account_tables import account_carriers, carriers
from stockgate.storage.prepared import Prepared
from stockgate.storage.upsert import upsert

# An account with its own list sees only those carriers, at its own cost where one is set.
_OWN = (
    select(carriers, func.coalesce(account_carriers.c.cost, carriers.c.cost).label("own_cost"))
    .join(account_carriers, account_carriers.c.carrier_id == carriers.c.id)
    .where(account_carriers.c.account_id == bindparam("account_id"))
)
_EVERYONE = select(carriers, carriers.c.cost.label("own_cost")).where(
    ~exists().where(account_carriers.c.account_id == bindparam("account_id"))
)
_FOR_ACCOUNT = Prepared(_OWN.union_all(_EVERYONE).order_by("id"))


class SqlCarriers:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def all(self) -> list[Carrier]:
        rows = self._c.execute(select(carriers).order_by(carriers.c.id)).all()
        return [_carrier(row, row.cost) for row in rows]

    def for_account(self, account_id: int) -> list[Carrier]:
        rows = _FOR_ACCOUNT.rows(self._c, {"account_id": account_id})
        return [_carrier(row, row.own_cost) for row in rows]

    def upsert(self, carrier: Carrier) -> None:
        values = {
            "id": carrier.id,
            "name": carrier.name,
            "cost": carrier.cost,
            "countries": ",".join(sorted(carrier.countries)),
            "max_weight": carrier.max_weight,
            "is_default": carrier.is_default,
        }
        if carrier.is_default:
            self._c.execute(carriers.update().where(carriers.c.id != carrier.id).values(is_default=False))
        self._c.execute(upsert(self._c, carriers, ["id"]), [values])

    def set_for_account(self, account_id: int, entries: Sequence[tuple[int, object]]) -> None:
        self._c.execute(account_carriers.delete().where(account_carriers.c.account_id == account_id))
        if entries:
            self._c.execute(
                account_carriers.insert(),
                [{"account_id": account_id, "carrier_id": cid, "cost": cost} for cid, cost in entries],
            )

    def own_list(self, account_id: int) -> list[tuple[int, Decimal | None]]:
        """The account's own carrier list: (carrier_id, cost or None for the carrier's own)."""
        rows = self._c.execute(
            select(account_carriers.c.carrier_id, account_carriers.c.cost)
            .where(account_carriers.c.account_id == account_id)
            .order_by(account_carriers.c.carrier_id)
        )
        return [(int(cid), cost) for cid, cost in rows]


def _carrier(row: Any, cost: object) -> Carrier:
    countries = frozenset(c for c in str(row.countries).split(",") if c)
    return Carrier(
        id=int(row.id),
        name=str(row.name),
        cost=cost,  # type: ignore[arg-type]
        countries=countries,
        max_weight=row.max_weight,
        is_default=bool(row.is_default),
    )

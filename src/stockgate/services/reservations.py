"""Reserving stock (E3) and reading the reservation (E4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import UnknownStockId
from stockgate.domain.statuses import OrderStatus
from stockgate.domain.stock import Operation, new_lock
from stockgate.services.auth import Principal
from stockgate.services.outbox import publish, sold_out_notices
from stockgate.services.stock_ports import LedgerEntry, ReservedModel, StockChange, StockLine
from stockgate.services.tally import Tally, extra_asked
from stockgate.services.unit_of_work import Database, Tx


class Reservation(NamedTuple):
    order_id: int  # 0 until the account first locks something
    models: list[ReservedModel]


def reserve(
    db: Database,
    *,
    principal: Principal,
    operations: Sequence[Operation],
    actor: str,
    tally: Tally | None = None,
) -> Reservation:
    """Apply lock/unlock/set/ensure operations in order, clamped; answer the reservation after them."""
    named = sorted({sid for op in operations for sid in op.quantities})

    def work(tx: Tx) -> tuple[Reservation, Tally]:
        counted = Tally()  # per attempt: a retried transaction counts once
        account = tx.accounts.lock(principal.account_id)
        lines = tx.stock.lines_for_update(account.id, named)
        check_known(named, lines)
        mine = {sid: line.mine for sid, line in lines.items()}
        free = {sid: line.free for sid, line in lines.items()}
        for op in operations:
            for sid, quantity in op.quantities.items():
                after = new_lock(op.type, mine[sid], free[sid], quantity)
                counted.line(extra_asked(op.type, mine[sid], quantity), after - mine[sid])
                free[sid] -= after - mine[sid]
                mine[sid] = after
        changes = [
            StockChange(sid, 0, mine[sid] - line.mine, mine[sid])
            for sid, line in lines.items()
            if mine[sid] != line.mine
        ]
        reservation_id = account.reservation_id
        if reservation_id is None and any(mine.values()):
            reservation_id = open_reservation(tx, account.id)
        tx.stock.apply(account.id, changes)
        tx.ledger.append(
            [
                LedgerEntry(
                    kind="lock",
                    actor=actor,
                    reason="reserve",
                    account_id=account.id,
                    stock_id=c.stock_id,
                    order_id=reservation_id,
                    locked_delta=c.locked_delta,
                )
                for c in changes
            ]
        )
        publish(tx, sold_out_notices(tx, {sid: line.free for sid, line in lines.items()}, free))
        return Reservation(reservation_id or 0, tx.stock.reservation(account.id, also=named)), counted

    reservation, counted = db.write(work)
    if tally is not None:
        tally.add(counted)
    return reservation


def reservation_status(db: Database, *, principal: Principal) -> Reservation:
    """The account's reservation: every model it holds a lock on."""
    models = db.glance(lambda tx: tx.stock.reservation(principal.account_id))
    return Reservation(principal.reservation_id or 0, models)


def check_known(named: Sequence[int], lines: dict[int, StockLine]) -> None:
    """Refuse the whole request when any named stock_id does not exist (the smallest is reported)."""
    for sid in named:
        if sid not in lines:
            raise UnknownStockId(sid)


def open_reservation(tx: Tx, account_id: int) -> int:
    """Allocate the account's reservation: an order row in status 5003 whose id shops see."""
    now = utc_now()
    reservation_id = tx.orders.insert(
        {
            "account_id": account_id,
            "kind": "reservation",
            "status": OrderStatus.GROWING,
            "created_at": now,
            "last_update": now,
        }
    )
    tx.accounts.update(account_id, {"reservation_id": reservation_id})
    return reservation_id

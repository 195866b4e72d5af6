"""The invariant queries behind `stockgate check` (supplier.md section 2).

Each query returns only breaching rows, so a healthy database answers with empty results however
large it is.
"""

from __future__ import annotations

from sqlalchemy import func, literal, or_, select
from sqlalchemy.engine import Connection

from stockgate.storage.account_tables import accounts
from stockgate.storage.audit_orders import order_breaches
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import ledger, reservation_lines


class SqlAudit:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def breaches(self) -> list[str]:
        found: list[str] = []
        locks = (
            select(reservation_lines.c.stock_id, func.sum(reservation_lines.c.quantity).label("held"))
            .group_by(reservation_lines.c.stock_id)
            .subquery()
        )
        moves = (
            select(
                ledger.c.stock_id,
                func.sum(ledger.c.on_hand_delta).label("on_hand"),
                func.sum(ledger.c.locked_delta).label("locked"),
            )
            .where(ledger.c.stock_id.is_not(None))
            .group_by(ledger.c.stock_id)
            .subquery()
        )
        held = func.coalesce(locks.c.held, 0)
        booked_on_hand = func.coalesce(moves.c.on_hand, 0)
        booked_locked = func.coalesce(moves.c.locked, 0)
        rows = self._c.execute(
            select(models.c.id, models.c.on_hand, models.c.locked, held, booked_on_hand, booked_locked)
            .outerjoin(locks, locks.c.stock_id == models.c.id)
            .outerjoin(moves, moves.c.stock_id == models.c.id)
            .where(
                or_(
                    models.c.on_hand < 0,
                    models.c.locked < 0,
                    models.c.locked > models.c.on_hand,
                    models.c.locked != held,
                    models.c.on_hand != booked_on_hand,
                    models.c.locked != booked_locked,
                )
            )
            .order_by(models.c.id)
        )
        for sid, on_hand, locked, held_sum, ledger_on_hand, ledger_locked in rows:
            if on_hand < 0:
                found.append(f"stock_id {sid}: on-hand {on_hand} is negative")
            if not 0 <= locked <= on_hand:
                found.append(f"stock_id {sid}: locked {locked} is outside 0..on-hand {on_hand}")
            if locked != held_sum:
                found.append(f"stock_id {sid}: locked {locked} but accounts hold {held_sum}")
            if on_hand != ledger_on_hand:
                found.append(f"stock_id {sid}: on-hand {on_hand} but the ledger says {ledger_on_hand}")
            if locked != ledger_locked:
                found.append(f"stock_id {sid}: locked {locked} but the ledger says {ledger_locked}")
        credits = (
            select(ledger.c.account_id, func.sum(ledger.c.credit_delta).label("booked"))
            .where(ledger.c.account_id.is_not(None))
            .group_by(ledger.c.account_id)
            .subquery()
        )
        booked = func.coalesce(credits.c.booked, literal(0))
        for email, balance, ledger_balance in self._c.execute(
            select(accounts.c.email, accounts.c.ecredit, booked)
            .outerjoin(credits, credits.c.account_id == accounts.c.id)
            .where(accounts.c.ecredit != booked)
            .order_by(accounts.c.id)
        ):
            found.append(f"account {email}: e-credit {balance} but the ledger says {ledger_balance}")
        found += order_breaches(self._c)
        return found

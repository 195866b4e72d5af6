"""Models' stock and the accounts' locks on them.

Rows are locked in ascending stock_id order (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises writers), so two transactions over the same models can never wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, bindparam, exists, func, literal, literal_column, select, tuple_, union_all
from sqlalchemy.engine import Connection

from stockgate.domain.dates import utc_now
from stockgate.domain.errors import Conflict, UnknownStockId
from stockgate.services.stock_ports import ReservedModel, StockChange, StockLine
from stockgate.storage.account_tables import accounts
from stockgate.storage.bulk import padded
from stockgate.storage.catalog_tables import models
from stockgate.storage.order_tables import reservation_lines
from stockgate.storage.prepared import Prepared
from stockgate.storage.upsert import prepared_upsert

_mine = reservation_lines.alias("mine")

_LINES = Prepared(
    select(
        models.c.id,
        models.c.on_hand,
        models.c.locked,
        func.coalesce(_mine.c.quantity, 0),
        models.c.taxable,
        models.c.weight,
    )
    .select_from(
        models.outerjoin(
            _mine, and_(_mine.c.stock_id == models.c.id, _mine.c.account_id == bindparam("account_id"))
        )
    )
    .where(models.c.id.in_(bindparam("stock_ids", expanding=True)))
    .order_by(models.c.id)
    .with_for_update(of=models)
)

_MOVE = Prepared(
    models.update()
    .where(models.c.id == bindparam("b_id"))
    .values(
        on_hand=models.c.on_hand + bindparam("b_on_hand"),
        locked=models.c.locked + bindparam("b_locked"),
        updated_at=bindparam("b_now"),
    )
)

_RESERVATION_COLUMNS = (
    reservation_lines.c.stock_id,
    reservation_lines.c.quantity,
    models.c.on_hand - models.c.locked,
)

_HELD = Prepared(
    select(*_RESERVATION_COLUMNS)
    .join(models, models.c.id == reservation_lines.c.stock_id)
    .where(reservation_lines.c.account_id == bindparam("account_id"))
    .order_by(reservation_lines.c.stock_id)
)
# The reservation plus the models named in a request, even those no longer locked (E3's answer).
# Two index lookups glued together: as one outer join with `id IN (...) OR locked`, the database
# scanned the whole catalog on every reserve (bench/README.md).
_NAMED_NOT_HELD = select(models.c.id, literal(0), models.c.on_hand - models.c.locked).where(
    models.c.id.in_(bindparam("also", expanding=True)),
    ~exists().where(
        reservation_lines.c.account_id == bindparam("account_id"),
        reservation_lines.c.stock_id == models.c.id,
    ),
)
_HELD_AND_NAMED = Prepared(
    union_all(
        select(*_RESERVATION_COLUMNS)
        .join(models, models.c.id == reservation_lines.c.stock_id)
        .where(reservation_lines.c.account_id == bindparam("account_id")),
        _NAMED_NOT_HELD,
    ).order_by(literal_column("1"))
)


class SqlStock:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def lines_for_update(self, account_id: int, stock_ids: Iterable[int]) -> dict[int, StockLine]:
        # Padded: each IN list length is a statement of its own (compiled and prepared once).
        ids = padded(sorted(set(stock_ids)))
        rows = _LINES.rows(self._c, {"account_id": account_id, "stock_ids": ids})
        return {row[0]: StockLine(*row) for row in rows}

    def apply(self, account_id: int, changes: Sequence[StockChange]) -> None:
        now = utc_now()
        moves = [
            {"b_id": c.stock_id, "b_on_hand": c.on_hand_delta, "b_locked": c.locked_delta, "b_now": now}
            for c in changes
            if c.on_hand_delta or c.locked_delta
        ]
        if moves:
            _MOVE.many(self._c, moves)
        kept = [
            {"account_id": account_id, "stock_id": c.stock_id, "quantity": c.mine_after}
            for c in changes
            if c.locked_delta and c.mine_after > 0
        ]
        if kept:
            prepared_upsert(self._c, reservation_lines, ["account_id", "stock_id"]).many(self._c, kept)
        gone = [c.stock_id for c in changes if c.locked_delta and c.mine_after == 0]
        if gone:
            self._c.execute(
                reservation_lines.delete().where(
                    reservation_lines.c.account_id == account_id, reservation_lines.c.stock_id.in_(gone)
                )
            )

    def reservation(self, account_id: int, also: Iterable[int] = ()) -> list[ReservedModel]:
        # The driver's rows are the (stock_id, locked, available) tuples, as they come.
        extra = sorted(set(also)) if also else ()
        if not extra:
            return _HELD.tuples(self._c, {"account_id": account_id})
        return _HELD_AND_NAMED.tuples(self._c, {"account_id": account_id, "also": padded(extra)})

    def set_on_hand(self, stock_id: int, quantity: int) -> int:
        row = self._c.execute(
            select(models.c.on_hand, models.c.locked).where(models.c.id == stock_id).with_for_update()
        ).first()
        if row is None:
            raise UnknownStockId(stock_id)
        if quantity < row.locked:
            raise Conflict(f"stock_id {stock_id} has {row.locked} units locked; on-hand cannot go below that")
        self._c.execute(
            models.update().where(models.c.id == stock_id).values(on_hand=quantity, updated_at=utc_now())
        )
        return int(row.on_hand)

    def release(self, account_id: int, stock_id: int | None) -> list[tuple[int, int]]:
        """Drop the account's locks (all, or one model); answers the (stock_id, quantity) released."""
        query = select(reservation_lines.c.stock_id, reservation_lines.c.quantity).where(
            reservation_lines.c.account_id == account_id
        )
        if stock_id is not None:
            query = query.where(reservation_lines.c.stock_id == stock_id)
        held = [(int(r[0]), int(r[1])) for r in self._c.execute(query.order_by(reservation_lines.c.stock_id))]
        if held:
            # Lock the models first, in id order, like every other writer.
            self.lines_for_update(account_id, [s for s, _ in held])
            self.apply(account_id, [StockChange(s, 0, -q, 0) for s, q in held])
        return held

    def holdings(self, account_id: int | None) -> list[tuple[int, int, int]]:
        """(account_id, stock_id, quantity) of every lock, or of one account's."""
        query = select(
            reservation_lines.c.account_id, reservation_lines.c.stock_id, reservation_lines.c.quantity
        ).order_by(reservation_lines.c.account_id, reservation_lines.c.stock_id)
        if account_id is not None:
            query = query.where(reservation_lines.c.account_id == account_id)
        return [(int(a), int(s), int(q)) for a, s, q in self._c.execute(query)]

    def holdings_page(
        self, *, account_id: int | None, after: tuple[int, int] | None, limit: int
    ) -> list[tuple[int, str, int, int]]:
        """(account_id, email, stock_id, quantity) of locks in (account, stock) order after `after`."""
        query = (
            select(
                reservation_lines.c.account_id,
                accounts.c.email,
                reservation_lines.c.stock_id,
                reservation_lines.c.quantity,
            )
            .join(accounts, accounts.c.id == reservation_lines.c.account_id)
            .order_by(reservation_lines.c.account_id, reservation_lines.c.stock_id)
            .limit(limit)
        )
        if account_id is not None:
            query = query.where(reservation_lines.c.account_id == account_id)
        if after is not None:
            query = query.where(
                tuple_(reservation_lines.c.account_id, reservation_lines.c.stock_id) > tuple_(*after)
            )
        return [(int(a), str(e), int(s), int(q)) for a, e, s, q in self._c.execute(query)]

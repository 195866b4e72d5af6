"""What both order endpoints share: taking lines from the lock then free stock, carrier, total,
confirmation, e-credit debit, ledger (ghost API 2 and 4.4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from stockgate.domain.carriers import Carrier, choose_carrier
from stockgate.domain.confirmation import decide_on_creation, order_total
from stockgate.domain.dates import utc_now
from stockgate.domain.stock import Take, take_for_order
from stockgate.domain.webhook_payloads import OrderSnapshot, created_extra, order_data
from stockgate.domain.webhooks import ORDER_CREATED, order_event_type
from stockgate.services.account_ports import AccountRow
from stockgate.services.outbox import Notice, order_subject, publish, sold_out_notices
from stockgate.services.stock_ports import LedgerEntry, StockChange, StockLine
from stockgate.services.tally import Tally
from stockgate.services.unit_of_work import Tx


@dataclass
class OrderDraft:
    kind: str
    lines: Mapping[int, int]  # stock_id -> requested quantity
    country: str
    carrier_id: int | None
    auto_confirm: bool
    key: str | None = None
    order_date: datetime | None = None
    address: Mapping[str, Any] = field(default_factory=dict)


class OrderBook:
    """Creates orders inside one transaction, keeping stock and credit figures current between them."""

    def __init__(
        self, tx: Tx, account: AccountRow, lines: Mapping[int, StockLine], carriers: list[Carrier], actor: str
    ) -> None:
        self.tx = tx
        self.account = account
        self.stock = dict(lines)
        self.carriers = carriers
        self.actor = actor
        self.ecredit = account.ecredit
        self.ledger: list[LedgerEntry] = []
        self.tally = Tally()
        self.notices: list[Notice] = []  # webhook events, written with the orders
        self._free_before = {sid: line.free for sid, line in lines.items()}

    def takes(self, requested: Mapping[int, int]) -> dict[int, Take]:
        """What each line would get now; lines that get nothing are left out."""
        takes = {}
        for sid, quantity in requested.items():
            line = self.stock[sid]
            take = take_for_order(line.mine, line.free, quantity)
            if take.quantity:
                takes[sid] = take
        return takes

    def create(self, draft: OrderDraft, takes: Mapping[int, Take]) -> int:
        """Insert the order and its lines, move the stock in memory, debit e-credit when paid."""
        self.tally.orders_created += 1
        for sid, asked in draft.lines.items():
            self.tally.line(asked, takes[sid].quantity if sid in takes else 0)
        weight = sum((self.stock[sid].weight * t.quantity for sid, t in takes.items()), Decimal(0))
        carrier = choose_carrier(self.carriers, draft.carrier_id, draft.country, weight)
        carrier_cost = carrier.cost if carrier else None
        total = order_total(((self.stock[sid].taxable, t.quantity) for sid, t in takes.items()), carrier_cost)
        decision = decide_on_creation(
            auto_confirm=draft.auto_confirm,
            has_carrier=carrier is not None,
            total=total,
            ecredit=self.ecredit,
            account_auto_confirm=self.account.auto_confirm,
        )
        now = utc_now()
        order_id = self.tx.orders.insert(
            {
                "account_id": self.account.id,
                "kind": draft.kind,
                "key": draft.key,
                "status": decision.status,
                "substatus": decision.substatus,
                "order_date": draft.order_date or now,
                "carrier_id": carrier.id if carrier else None,
                "carrier_name": carrier.name if carrier else None,
                "carrier_cost": carrier_cost,
                "total": total,
                "paid": decision.debit,
                "created_at": now,
                "last_update": now,
                **draft.address,
            }
        )
        self.tx.orders.insert_lines(
            order_id,
            [
                {
                    "stock_id": sid,
                    "quantity": t.quantity,
                    "unit_price": self.stock[sid].taxable,
                    "from_lock": t.from_lock,
                }
                for sid, t in sorted(takes.items())
            ],
        )
        self._announce(order_id, draft, decision.status, decision.substatus, now, total, takes)
        for sid, t in takes.items():
            self._take(sid, t)
            self._note("order", order_id, stock_id=sid, on_hand_delta=-t.quantity, locked_delta=-t.from_lock)
        self._note("status", order_id, status=int(decision.status), reason=f"created via {draft.kind}")
        if decision.debit:
            self.ecredit = self.tx.accounts.add_credit(self.account.id, -decision.debit)
            self._note("credit", order_id, credit_delta=-decision.debit, reason="order paid with e-credit")
        return order_id

    def finish(self) -> None:
        """Write the stock moves and the ledger of every order created."""
        moved: dict[int, tuple[int, int]] = {}
        for e in self.ledger:
            if e.stock_id is not None:
                on_hand, locked = moved.get(e.stock_id, (0, 0))
                moved[e.stock_id] = (on_hand + e.on_hand_delta, locked + e.locked_delta)
        changes = [StockChange(sid, dh, dl, self.stock[sid].mine) for sid, (dh, dl) in moved.items()]
        self.tx.stock.apply(self.account.id, changes)
        self.tx.ledger.append(self.ledger)
        free_after = {sid: line.free for sid, line in self.stock.items()}
        notices = [*self.notices, *sold_out_notices(self.tx, self._free_before, free_after)]
        publish(self.tx, notices, accounts=[self.account])

    def _announce(
        self,
        order_id: int,
        draft: OrderDraft,
        status: int,
        substatus: int | None,
        now: datetime,
        total: Decimal,
        takes: Mapping[int, Take],
    ) -> None:
        """Queue `order.created`, and `order.confirmed` when the order was confirmed on creation."""
        if not self.account.webhook_events:  # most accounts: no payload to build (publish would drop it)
            return
        sub = None if substatus is None else int(substatus)
        order = OrderSnapshot(order_id, draft.key, int(status), sub, now, None, None, None)
        lines = [(sid, t.quantity, self.stock[sid].taxable) for sid, t in sorted(takes.items())]
        subject = order_subject(order_id)
        data = order_data(order, kind=draft.kind, **created_extra(total, lines))
        self.notices.append(Notice(self.account.id, ORDER_CREATED, subject, data))
        confirmed = order_event_type(status)
        if confirmed is not None:
            self.notices.append(Notice(self.account.id, confirmed, subject, order_data(order)))

    def _take(self, sid: int, take: Take) -> None:
        line = self.stock[sid]
        self.stock[sid] = StockLine(
            sid,
            line.on_hand - take.quantity,
            line.locked - take.from_lock,
            line.mine - take.from_lock,
            line.taxable,
            line.weight,
        )

    def _note(self, kind: str, order_id: int, **values: Any) -> None:
        self.ledger.append(
            LedgerEntry(kind=kind, actor=self.actor, account_id=self.account.id, order_id=order_id, **values)
        )


def all_stock_ids(drafts: Iterable[Mapping[int, int]]) -> list[int]:
    return sorted({sid for lines in drafts for sid in lines})

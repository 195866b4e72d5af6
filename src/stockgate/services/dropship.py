"""E6: dropshipping orders, shipped to the shop's customer (seed 000, ghost API 4.5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from stockgate.domain.errors import NothingAvailable
from stockgate.domain.orders import DropshipOrderRequest
from stockgate.services.auth import Principal
from stockgate.services.ordering import OrderBook, OrderDraft, all_stock_ids
from stockgate.services.reservations import check_known
from stockgate.services.stock_ports import ReservedModel
from stockgate.services.tally import Tally
from stockgate.services.unit_of_work import Database, Tx


@dataclass(frozen=True, slots=True)
class PlacedOrders:
    order_ids: list[int]
    reservation_id: int
    models: list[ReservedModel]  # the reservation after the orders


def place_dropship_orders(
    db: Database,
    *,
    principal: Principal,
    requests: Sequence[DropshipOrderRequest],
    actor: str,
    tally: Tally | None = None,
) -> PlacedOrders:
    """Create every order of one request atomically; a key seen before answers with its order."""
    # Made before the transaction: everything done inside holds SQLite's one write lock.
    drafts = [_draft(r) for r in requests]

    def work(tx: Tx) -> tuple[PlacedOrders, Tally]:
        counted = Tally()  # per attempt: a retried transaction counts once
        account = tx.accounts.lock(principal.account_id)
        order_ids: list[int | None] = [tx.orders.id_by_key(account.id, r.key) for r in requests]
        new = [(r, d) for r, d, oid in zip(requests, drafts, order_ids, strict=True) if oid is None]
        if new:
            named = all_stock_ids(r.lines for r, _ in new)
            carriers = tx.carriers.for_account(account.id)  # before the model rows lock: they wait less
            lines = tx.stock.lines_for_update(account.id, named)
            check_known(named, lines)
            book = OrderBook(tx, account, lines, carriers, actor)
            created = {}
            for request, draft in new:
                if request.key in created:  # the same key twice in one request: one order
                    continue
                takes = book.takes(request.lines)
                if not takes:
                    raise NothingAvailable(request.key)
                created[request.key] = book.create(draft, takes)
            book.finish()
            counted.add(book.tally)
            order_ids = [
                oid if oid is not None else created[r.key] for r, oid in zip(requests, order_ids, strict=True)
            ]
        placed = PlacedOrders(
            [int(oid) for oid in order_ids if oid is not None],
            account.reservation_id or 0,
            tx.stock.reservation(account.id),
        )
        return placed, counted

    placed, counted = db.write(work)
    if tally is not None:
        tally.add(counted)
    return placed


def _draft(request: DropshipOrderRequest) -> OrderDraft:
    recipient = request.recipient
    address = {
        # Not dataclasses.asdict, which deep-copies every value: these are all plain strings.
        **{f.name: getattr(recipient.address, f.name) for f in fields(recipient.address)},
        "recipient": recipient.recipient,
        "careof": recipient.careof,
        "cfpiva": recipient.cfpiva,
        "customer_key": recipient.customer_key,
        "notes": recipient.notes,
        "phone_prefix": recipient.phone_prefix,
        "phone_number": recipient.phone_number,
    }
    return OrderDraft(
        kind="dropship",
        lines=request.lines,
        country=recipient.address.countrycode,
        carrier_id=request.carrier_id,
        auto_confirm=request.auto_confirm,
        key=request.key,
        order_date=request.date,
        address=address,
    )

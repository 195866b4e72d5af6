"""E5: an order shipped to the account's own address (seed 001, ghost API 4.6)."""

from __future__ import annotations

from stockgate.domain.errors import LineUnavailable
from stockgate.domain.orders import AcquireRequest
from stockgate.services.auth import Principal
from stockgate.services.ordering import OrderBook, OrderDraft
from stockgate.services.reservations import check_known
from stockgate.services.tally import Tally
from stockgate.services.unit_of_work import Database, Tx


def acquire(
    db: Database, *, principal: Principal, request: AcquireRequest, actor: str, tally: Tally | None = None
) -> int:
    """Create the order from the lock first, then free stock; a line that gets nothing is an error."""
    named = sorted(request.lines)

    def work(tx: Tx) -> tuple[int, Tally]:
        account = tx.accounts.lock(principal.account_id)
        carriers = tx.carriers.for_account(account.id)  # before the model rows lock: they wait less
        lines = tx.stock.lines_for_update(account.id, named)
        check_known(named, lines)
        book = OrderBook(tx, account, lines, carriers, actor)
        takes = book.takes(request.lines)
        for sid in named:
            if sid not in takes:
                raise LineUnavailable(sid)
        address = {
            "recipient": account.name or account.email,
            "street_name": account.street_name,
            "address_number": account.address_number,
            "zip": account.zip,
            "city": account.city,
            "province": account.province,
            "countrycode": account.countrycode or None,
        }
        draft = OrderDraft(
            kind="acquire",
            lines=request.lines,
            country=account.countrycode,
            carrier_id=request.carrier_id,
            auto_confirm=request.auto_confirm,
            address=address,
        )
        order_id = book.create(draft, takes)
        book.finish()
        return order_id, book.tally  # a new book per attempt: a retried transaction counts once

    order_id, counted = db.write(work)
    if tally is not None:
        tally.add(counted)
    return order_id

"""The back-office's read models: one statement per list, filtered and paginated by key in the database.

Every list reads at most one page plus one row (which tells whether another page follows), walking an
index in the list's order, so its cost does not grow with the size of the catalog or the order book.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.engine import Connection

from stockgate.domain.statuses import OrderStatus
from stockgate.services.backoffice_ports import (
    AccountSummary,
    CatalogQuery,
    HeldLine,
    ModelSummary,
    NamedModel,
    OrderFilter,
    OrderSummary,
    ProductSummary,
    ReservationSummary,
    StatusCount,
    Takings,
)
from stockgate.services.paging import Window
from stockgate.storage.account_tables import accounts
from stockgate.storage.catalog_search import MODEL_COLUMNS, CatalogSearch, escape_like, keyset
from stockgate.storage.catalog_tables import models, products
from stockgate.storage.order_tables import orders, reservation_lines
from stockgate.storage.supplier_tables import return_lines

_FREE = models.c.on_hand - models.c.locked
_HELD = (
    select(func.coalesce(func.sum(reservation_lines.c.quantity), 0))
    .where(reservation_lines.c.account_id == accounts.c.id)
    .scalar_subquery()
)
_ACCOUNT_COLUMNS = (
    accounts.c.id,
    accounts.c.email,
    accounts.c.name,
    accounts.c.ecredit,
    accounts.c.auto_confirm,
    accounts.c.enabled,
    accounts.c.api_key_hint,
    _HELD,
)
_ORDER_COLUMNS = (
    orders.c.id,
    orders.c.key,
    orders.c.kind,
    orders.c.status,
    orders.c.substatus,
    accounts.c.email,
    orders.c.recipient,
    orders.c.countrycode,
    orders.c.total,
    orders.c.paid,
    orders.c.carrier_name,
    orders.c.tracking_code,
    orders.c.created_at,
    orders.c.last_update,
)
_NOT_ORDERS = (OrderStatus.GROWING,)  # the reservation's own row is not an order
_NOT_SOLD = (OrderStatus.GROWING, OrderStatus.CANCELLED)


class SqlBackOfficeViews:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # --- dashboard ---

    def status_counts(
        self, open_statuses: Sequence[int], closed_statuses: Sequence[int], since: datetime
    ) -> list[StatusCount]:
        """Orders in each open status, and those that reached a closed one since `since`.

        Counting every order ever dispatched would read the whole history on every visit; these are
        ranges of (status, id) and (status, last_update) however long the history grows."""
        still_open = (
            select(orders.c.status, func.count())
            .where(orders.c.status.in_(open_statuses))
            .group_by(orders.c.status)
        )
        closed = (
            select(orders.c.status, func.count())
            .where(orders.c.status.in_(closed_statuses), orders.c.last_update >= since)
            .group_by(orders.c.status)
        )
        rows = self._c.execute(still_open.union_all(closed))
        return [StatusCount(int(s), int(n)) for s, n in rows]

    def takings(self, start: datetime, end: datetime) -> Takings:
        row = self._c.execute(
            select(func.count(), func.coalesce(func.sum(orders.c.total), 0)).where(
                orders.c.created_at >= start, orders.c.created_at < end, orders.c.status.not_in(_NOT_SOLD)
            )
        ).one()
        return Takings(int(row[0]), Decimal(row[1]))  # SUM keeps the column's type: exact money

    def low_stock(self, max_free: int, limit: int) -> list[NamedModel]:
        query = (
            select(*MODEL_COLUMNS, products.c.name)
            .join(products, products.c.id == models.c.product_id)
            .where(_FREE >= 1, max_free >= _FREE)
            .order_by(_FREE, models.c.id)
            .limit(limit)
        )
        return [NamedModel(ModelSummary(*row[:-1]), row[-1]) for row in self._c.execute(query)]

    def largest_reservations(self, limit: int) -> list[ReservationSummary]:
        units = func.sum(reservation_lines.c.quantity)
        query = (
            select(reservation_lines.c.account_id, accounts.c.email, func.count(), units)
            .join(accounts, accounts.c.id == reservation_lines.c.account_id)
            .group_by(reservation_lines.c.account_id, accounts.c.email)
            .order_by(units.desc(), reservation_lines.c.account_id)
            .limit(limit)
        )
        return [ReservationSummary(int(a), e, int(m), int(u)) for a, e, m, u in self._c.execute(query)]

    def low_credit(self, below: Decimal, limit: int) -> list[AccountSummary]:
        query = (
            select(*_ACCOUNT_COLUMNS)
            .where(accounts.c.enabled.is_(True), accounts.c.ecredit < below)
            .order_by(accounts.c.ecredit, accounts.c.id)
            .limit(limit)
        )
        return [AccountSummary(*row) for row in self._c.execute(query)]

    # --- lists ---

    def orders(self, selection: OrderFilter, window: Window) -> list[OrderSummary]:
        query = select(*_ORDER_COLUMNS).join(accounts, accounts.c.id == orders.c.account_id)
        query = query.where(*self._order_conditions(selection))
        query = keyset(query, orders.c.id, window, descending=True)
        return [OrderSummary(*row) for row in self._c.execute(query)]

    def _order_conditions(self, selection: OrderFilter) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [orders.c.status.not_in(_NOT_ORDERS)]
        if selection.status is not None:
            found.append(orders.c.status == selection.status)
        if selection.account_id is not None:
            found.append(orders.c.account_id == selection.account_id)
        if selection.key:
            key = selection.key
            by_key = orders.c.key == key
            found.append(or_(orders.c.id == int(key), by_key) if key.isdigit() and len(key) < 18 else by_key)
        if selection.created_from is not None:
            found.append(orders.c.created_at >= selection.created_from)
        if selection.created_to is not None:
            found.append(orders.c.created_at < selection.created_to)
        return found

    def products(self, query: CatalogQuery, window: Window) -> list[ProductSummary]:
        return CatalogSearch(self._c).page(query, window)

    def accounts(self, text: str, window: Window) -> list[AccountSummary]:
        query = select(*_ACCOUNT_COLUMNS)
        text = text.strip().lower()
        if text:
            pattern = f"%{escape_like(text)}%"
            query = query.where(
                or_(
                    func.lower(accounts.c.email).like(pattern, escape="\\"),
                    func.lower(accounts.c.name).like(pattern, escape="\\"),
                )
            )
        return [AccountSummary(*row) for row in self._c.execute(keyset(query, accounts.c.id, window))]

    def account(self, account_id: int) -> AccountSummary | None:
        row = self._c.execute(select(*_ACCOUNT_COLUMNS).where(accounts.c.id == account_id)).first()
        return None if row is None else AccountSummary(*row)

    def reservations(self, window: Window) -> list[ReservationSummary]:
        query = (
            select(
                reservation_lines.c.account_id,
                accounts.c.email,
                func.count(),
                func.sum(reservation_lines.c.quantity),
            )
            .join(accounts, accounts.c.id == reservation_lines.c.account_id)
            .group_by(reservation_lines.c.account_id, accounts.c.email)
        )
        rows = self._c.execute(keyset(query, reservation_lines.c.account_id, window))
        return [ReservationSummary(int(a), e, int(m), int(u)) for a, e, m, u in rows]

    def held_lines(self, account_id: int, window: Window) -> list[HeldLine]:
        query = (
            select(
                reservation_lines.c.stock_id,
                reservation_lines.c.quantity,
                products.c.name,
                models.c.code,
                models.c.color,
                models.c.size,
                models.c.on_hand,
                models.c.locked,
            )
            .join(models, models.c.id == reservation_lines.c.stock_id)
            .join(products, products.c.id == models.c.product_id)
            .where(reservation_lines.c.account_id == account_id)
        )
        rows = self._c.execute(keyset(query, reservation_lines.c.stock_id, window))
        return [HeldLine(*row) for row in rows]

    def account_emails(self, account_ids: Sequence[int]) -> dict[int, str]:
        if not account_ids:
            return {}
        rows = self._c.execute(
            select(accounts.c.id, accounts.c.email).where(accounts.c.id.in_(sorted(set(account_ids))))
        )
        return {int(i): e for i, e in rows}

    def returns_in(self, status: int) -> int:
        """Return lines in `status` (a range of the (status, id) index)."""
        query = select(func.count()).select_from(return_lines).where(return_lines.c.status == status)
        return int(self._c.execute(query).scalar_one())

    def named_models(self, stock_ids: Sequence[int]) -> dict[int, NamedModel]:
        if not stock_ids:
            return {}
        query = (
            select(*MODEL_COLUMNS, products.c.name)
            .join(products, products.c.id == models.c.product_id)
            .where(models.c.id.in_(sorted(set(stock_ids))))
        )
        return {int(row[0]): NamedModel(ModelSummary(*row[:-1]), row[-1]) for row in self._c.execute(query)}

"""The back-office's read models: one statement per list, filtered and paginated by key in the database.

Every list reads at most one page plus one row (which tells whether another page follows), walking an
index in the list's order, so its cost does not grow with the size of the catalog or the order book.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.engine import Connection

from stockgate.domain.statuses import OrderStatus
from stockgate.services.backoffice_ports import (
    AccountSummary,
    CatalogQuery,
    HeldLine,
    LowStock,
    ModelSummary,
    OrderFilter,
    OrderSummary,
    ProductSummary,
    ReservationSummary,
    StatusCount,
    Takings,
)
from stockgate.services.paging import Window
from stockgate.storage.tables import accounts, models, orders, products, reservation_lines

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
_MODEL_COLUMNS = (
    models.c.id,
    models.c.product_id,
    models.c.code,
    models.c.barcode,
    models.c.color,
    models.c.size,
    models.c.taxable,
    models.c.on_hand,
    models.c.locked,
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


def keyset(query: Select[Any], key: Any, window: Window, *, descending: bool = False) -> Select[Any]:
    """`query` limited to the window's page (plus one row), read in the window's direction."""
    forward = not window.backwards
    if window.boundary is not None:
        later = key < window.boundary if descending else key > window.boundary
        earlier = key > window.boundary if descending else key < window.boundary
        query = query.where(later if forward else earlier)
    ascending = forward != descending
    return query.order_by(key.asc() if ascending else key.desc()).limit(window.size + 1)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlBackOfficeViews:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # --- dashboard ---

    def status_counts(self) -> list[StatusCount]:
        query = (
            select(orders.c.status, func.count())
            .where(orders.c.status.not_in(_NOT_ORDERS))
            .group_by(orders.c.status)
            .order_by(orders.c.status)
        )
        return [StatusCount(int(s), int(n)) for s, n in self._c.execute(query)]

    def takings(self, start: datetime, end: datetime) -> Takings:
        row = self._c.execute(
            select(func.count(), func.coalesce(func.sum(orders.c.total), 0)).where(
                orders.c.created_at >= start, orders.c.created_at < end, orders.c.status.not_in(_NOT_SOLD)
            )
        ).one()
        return Takings(int(row[0]), Decimal(row[1]))  # SUM keeps the column's type: exact money

    def low_stock(self, max_free: int, limit: int) -> list[LowStock]:
        query = (
            select(*_MODEL_COLUMNS, products.c.name)
            .join(products, products.c.id == models.c.product_id)
            .where(_FREE >= 1, max_free >= _FREE)
            .order_by(_FREE, models.c.id)
            .limit(limit)
        )
        return [LowStock(ModelSummary(*row[:-1]), row[-1]) for row in self._c.execute(query)]

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
        statement = select(products.c.id, products.c.code, products.c.name, products.c.online)
        statement = statement.where(*self._catalog_conditions(query))
        rows = self._c.execute(keyset(statement, products.c.id, window)).all()
        found = [ProductSummary(int(r.id), r.code, r.name, bool(r.online)) for r in rows]
        if found:
            variants = self._c.execute(
                select(*_MODEL_COLUMNS)
                .where(models.c.product_id.in_([p.id for p in found]))
                .order_by(models.c.product_id, models.c.id)
            )
            by_product = {p.id: p.models for p in found}
            for row in variants:
                by_product[int(row.product_id)].append(ModelSummary(*row))
        return found

    def _catalog_conditions(self, query: CatalogQuery) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        text = query.text.strip().lower()
        if text:
            matching_models = select(models.c.product_id).where(self._prefix(func.lower(models.c.code), text))
            alternatives = [
                self._prefix(func.lower(products.c.code), text),
                and_(
                    *(
                        func.lower(products.c.name).like(f"%{_escape_like(w)}%", escape="\\")
                        for w in text.split()
                    )
                ),
            ]
            if text.isdigit() and len(text) < 18:
                number = int(text)
                alternatives.append(products.c.id == number)
                matching_models = select(models.c.product_id).where(
                    or_(
                        models.c.id == number,
                        models.c.barcode == text,
                        self._prefix(func.lower(models.c.code), text),
                    )
                )
            alternatives.append(products.c.id.in_(matching_models))
            found.append(or_(*alternatives))
        if query.max_free is not None:
            found.append(products.c.id.in_(select(models.c.product_id).where(query.max_free >= _FREE)))
        return found

    def _prefix(self, folded: ColumnElement[str], prefix: str) -> ColumnElement[bool]:
        """`folded` starts with `prefix`, in a form each engine answers from its index."""
        if self._postgres:  # text_pattern_ops serves LIKE 'prefix%' (backslash is PostgreSQL's escape)
            return folded.like(_escape_like(prefix) + "%")
        # SQLite compares bytes: the strings starting with `prefix` are exactly one range of the index.
        following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return and_(folded >= prefix, folded < following)

    def accounts(self, text: str, window: Window) -> list[AccountSummary]:
        query = select(*_ACCOUNT_COLUMNS)
        text = text.strip().lower()
        if text:
            pattern = f"%{_escape_like(text)}%"
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

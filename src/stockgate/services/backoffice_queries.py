"""The back-office's read-only questions: the dashboard and its paginated lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from stockgate.domain.errors import NotFound
from stockgate.services.accounts import find_account_row
from stockgate.services.backoffice_ports import (
    AccountSummary,
    CatalogQuery,
    HeldLine,
    LowStock,
    OrderFilter,
    OrderSummary,
    ProductSummary,
    ReservationSummary,
    StatusCount,
    Takings,
)
from stockgate.services.paging import Page, Window, page_of
from stockgate.services.ports import Database, Tx

DASHBOARD_ROWS = 8


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants where `day` starts and ends in `zone` (23 or 25 hours apart around DST changes)."""
    # In UTC: arithmetic on two instants of one ZoneInfo would count wall-clock hours, not real ones.
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


@dataclass(frozen=True, slots=True)
class Dashboard:
    status_counts: list[StatusCount]
    today: Takings
    low_stock: list[LowStock]
    largest_reservations: list[ReservationSummary]
    low_credit: list[AccountSummary]


def dashboard(
    db: Database, *, day: tuple[datetime, datetime], low_stock_at: int, low_credit_below: Decimal
) -> Dashboard:
    """The figures of the dashboard, read in one transaction so they agree with each other."""

    def work(tx: Tx) -> Dashboard:
        views = tx.views
        return Dashboard(
            views.status_counts(),
            views.takings(*day),
            views.low_stock(low_stock_at, DASHBOARD_ROWS),
            views.largest_reservations(DASHBOARD_ROWS),
            views.low_credit(low_credit_below, DASHBOARD_ROWS),
        )

    return db.read(work)


def search_orders(
    db: Database,
    *,
    window: Window,
    status: int | None = None,
    email: str | None = None,
    key: str | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
) -> Page[OrderSummary]:
    """Orders newest first, filtered by status, account, key (or order id) and creation time."""

    def work(tx: Tx) -> list[OrderSummary]:
        account_id = find_account_row(tx, email).id if email else None
        selection = OrderFilter(status, account_id, key.strip() if key else None, created_from, created_to)
        return tx.views.orders(selection, window)

    return page_of(db.read(work), window, lambda o: o.id)


def search_catalog(
    db: Database, *, window: Window, text: str = "", max_free: int | None = None
) -> Page[ProductSummary]:
    """Products (with their models) matching a stock_id, product id, barcode, code prefix or name words."""
    rows = db.read(lambda tx: tx.views.products(CatalogQuery(text, max_free), window))
    return page_of(rows, window, lambda p: p.id)


def browse_accounts(db: Database, *, window: Window, text: str = "") -> Page[AccountSummary]:
    """Accounts in the order they were opened, optionally those whose e-mail or name contains `text`."""
    return page_of(db.read(lambda tx: tx.views.accounts(text, window)), window, lambda a: a.id)


def account_summary(db: Database, *, account_id: int) -> AccountSummary:
    found = db.read(lambda tx: tx.views.account(account_id))
    if found is None:
        raise NotFound("account", account_id)
    return found


def browse_reservations(db: Database, *, window: Window) -> Page[ReservationSummary]:
    """The accounts that hold locks, with how many models and units each."""
    return page_of(db.read(lambda tx: tx.views.reservations(window)), window, lambda r: r.account_id)


def held_lines(db: Database, *, account_id: int, window: Window) -> Page[HeldLine]:
    """What one account holds locked, by stock_id."""
    return page_of(db.read(lambda tx: tx.views.held_lines(account_id, window)), window, lambda h: h.stock_id)

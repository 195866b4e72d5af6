"""The back-office's read-only questions: the dashboard and its paginated lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from stockgate.domain.carriers import Carrier
from stockgate.domain.errors import InvalidInput, NotFound
from stockgate.domain.returns import ReturnStatus
from stockgate.domain.statuses import OrderStatus
from stockgate.services.account_ports import AccountRow
from stockgate.services.accounts import find_account_row
from stockgate.services.backoffice_ports import (
    AccountSummary,
    CatalogQuery,
    HeldLine,
    NamedModel,
    OrderFilter,
    OrderSummary,
    ProductSummary,
    ReservationSummary,
    Takings,
)
from stockgate.services.order_ports import OrderDetail
from stockgate.services.paging import Page, Window, page_of
from stockgate.services.return_ports import ReturnLine
from stockgate.services.unit_of_work import Database, Tx

DASHBOARD_ROWS = 8
# The warehouse's work queue, counted whole; orders that left it are counted for today only.
OPEN_STATUSES = (OrderStatus.BOOKED, OrderStatus.TO_DISPATCH, OrderStatus.WORKING_ON, OrderStatus.READY)
CLOSED_STATUSES = (OrderStatus.DISPATCHED, OrderStatus.CANCELLED)


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants where `day` starts and ends in `zone` (23 or 25 hours apart around DST changes)."""
    # In UTC: arithmetic on two instants of one ZoneInfo would count wall-clock hours, not real ones.
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), zone).astimezone(UTC)
    return start, end


@dataclass(frozen=True, slots=True)
class Dashboard:
    open_orders: dict[int, int]  # status -> orders in it now
    closed_today: dict[int, int]  # status -> orders that reached it today
    returns_pending: int  # return lines waiting for authorisation
    today: Takings
    low_stock: list[NamedModel]
    largest_reservations: list[ReservationSummary]
    low_credit: list[AccountSummary]


def dashboard(
    db: Database, *, day: tuple[datetime, datetime], low_stock_at: int, low_credit_below: Decimal
) -> Dashboard:
    """The figures of the dashboard, read in one transaction so they agree with each other."""

    def work(tx: Tx) -> Dashboard:
        views = tx.views
        counts = {c.status: c.orders for c in views.status_counts(OPEN_STATUSES, CLOSED_STATUSES, day[0])}
        return Dashboard(
            {s: counts.get(s, 0) for s in OPEN_STATUSES},
            {s: counts.get(s, 0) for s in CLOSED_STATUSES},
            views.returns_in(ReturnStatus.PENDING),
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


@dataclass(frozen=True, slots=True)
class AccountOverview:
    summary: AccountSummary
    account: AccountRow
    carriers: list[Carrier]  # every carrier
    own: dict[int, Decimal | None]  # the account's own list: carrier id -> its cost (None: usual)


def account_overview(db: Database, *, account_id: int) -> AccountOverview:
    """One account's page: its figures, settings and carrier list, read in one transaction."""

    def work(tx: Tx) -> AccountOverview:
        summary = tx.views.account(account_id)
        if summary is None:
            raise NotFound("account", account_id)
        account = find_account_row(tx, summary.email)
        return AccountOverview(summary, account, tx.carriers.all(), dict(tx.carriers.own_list(account_id)))

    return db.read(work)


def browse_reservations(db: Database, *, window: Window) -> Page[ReservationSummary]:
    """The accounts that hold locks, with how many models and units each."""
    return page_of(db.read(lambda tx: tx.views.reservations(window)), window, lambda r: r.account_id)


def held_lines(db: Database, *, account_id: int, window: Window) -> Page[HeldLine]:
    """What one account holds locked, by stock_id."""
    return page_of(db.read(lambda tx: tx.views.held_lines(account_id, window)), window, lambda h: h.stock_id)


@dataclass(frozen=True, slots=True)
class ReturnsQueue:
    page: Page[ReturnLine]
    emails: dict[int, str]  # account id -> e-mail, for the lines on the page


def returns_queue(
    db: Database, *, window: Window, status: int | None = None, order_id: int | None = None
) -> ReturnsQueue:
    """Return lines oldest first (a work queue), filtered by status and order, with their accounts."""
    if window.backwards:
        raise InvalidInput("before", "the returns queue pages forwards only")

    def work(tx: Tx) -> tuple[list[ReturnLine], dict[int, str]]:
        lines = tx.returns.page(
            order_id=order_id, status=status, after_id=window.after, limit=window.size + 1
        )
        return lines, tx.views.account_emails([line.account_id for line in lines])

    lines, emails = db.read(work)
    return ReturnsQueue(page_of(lines, window, lambda line: line.id), emails)


@dataclass(frozen=True, slots=True)
class OrderPage:
    order: OrderDetail
    models: dict[int, NamedModel]  # what each line's stock_id is (a model deleted since: absent)


def order_page(db: Database, *, order_id: int) -> OrderPage:
    """One order in full, with what its lines are, read in one transaction."""

    def work(tx: Tx) -> OrderPage:
        found = tx.orders.detail(order_id)
        if found is None:
            raise NotFound("order", order_id)
        return OrderPage(found, tx.views.named_models([line.stock_id for line in found.lines]))

    return db.read(work)

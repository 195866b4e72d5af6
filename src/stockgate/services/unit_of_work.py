"""The unit of work through which use cases reach storage (implemented in stockgate.storage).

A use case hands a function of a `Tx` to `Database.write` or `Database.read`; the database runs it in
one transaction, retrying the whole function on a serialization failure or deadlock, so the function
must have no effect outside the transaction.

The repositories a `Tx` carries are declared by area, each next to the rows it speaks in:
account_ports, access_ports, stock_ports, catalog_ports, order_ports, return_ports, backoffice_ports
and webhook_ports.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

from stockgate.services.access_ports import AdminTokens, AuthThrottle, RateBuckets
from stockgate.services.account_ports import Accounts, Carriers
from stockgate.services.backoffice_ports import Admins, AdminSessions, BackOfficeViews
from stockgate.services.catalog_ports import Catalog
from stockgate.services.order_ports import Orders
from stockgate.services.return_ports import Returns
from stockgate.services.stock_ports import Audit, Ledger, Stock
from stockgate.services.webhook_ports import WebhookStore

T = TypeVar("T")


class Busy(Exception):
    """The database could not finish a unit of work for contention or overload (after bounded retries).

    Nothing was changed; the same request may be sent again later. Not a defect, and not the client's
    fault: the HTTP layer answers 503 with Retry-After.
    """


class Tx(Protocol):
    """One open transaction and the repositories bound to it."""

    @property
    def accounts(self) -> Accounts: ...
    @property
    def stock(self) -> Stock: ...
    @property
    def orders(self) -> Orders: ...
    @property
    def carriers(self) -> Carriers: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def audit(self) -> Audit: ...
    @property
    def catalog(self) -> Catalog: ...
    @property
    def webhooks(self) -> WebhookStore: ...
    @property
    def throttle(self) -> AuthThrottle: ...
    @property
    def rate_buckets(self) -> RateBuckets: ...
    @property
    def returns(self) -> Returns: ...
    @property
    def admin_tokens(self) -> AdminTokens: ...
    @property
    def admins(self) -> Admins: ...
    @property
    def admin_sessions(self) -> AdminSessions: ...
    @property
    def views(self) -> BackOfficeViews: ...


class Database(Protocol):
    def write(self, work: Callable[[Tx], T]) -> T: ...
    def read(self, work: Callable[[Tx], T]) -> T: ...
    def glance(self, work: Callable[[Tx], T]) -> T:
        """A read of exactly one statement: it needs no transaction of its own (a statement always
        sees one consistent state), so where the engine allows it none is opened."""
        ...

    def snapshot(self) -> AbstractContextManager[Tx]:
        """A read-only transaction whose view stays fixed until closed, for reads spread over time
        (a streamed export); unlike `read`, it is never retried."""
        ...

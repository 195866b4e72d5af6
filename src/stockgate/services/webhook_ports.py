"""What webhook use cases need from storage and from the network (implemented by adapters)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: int
    account_id: int
    account_email: str
    url: str
    events: tuple[str, ...]
    enabled: bool
    description: str
    secret_hint: str  # the secret's first characters: it is shown whole only when created
    created_at: datetime
    pending: int  # deliveries waiting
    failed: int  # deliveries given up


@dataclass(frozen=True, slots=True)
class Subscription:
    endpoint_id: int
    events: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SoldOutWatch:
    """An enabled endpoint that asked for `model.sold_out`, whose account holds or ordered the model."""

    endpoint_id: int
    account_id: int
    stock_id: int
    locked: int  # what the account holds locked on it


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    event_id: str
    account_id: int
    type: str
    subject: str
    body: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery a worker has leased: everything needed to make one attempt."""

    id: int
    lease_token: str
    endpoint_id: int
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes
    attempts: int  # made before this one
    first_attempt_at: datetime | None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    event_id: str
    event_type: str
    subject: str
    endpoint_id: int
    account_email: str
    url: str
    state: str  # pending | delivered | failed
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    first_attempt_at: datetime | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status: int | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    state: str | None = None
    endpoint_id: int | None = None
    account_id: int | None = None
    event_id: str | None = None
    ids: tuple[int, ...] | None = None
    before_id: int | None = None  # keyset pagination: continue below this delivery id
    limit: int = 100


@dataclass(frozen=True, slots=True)
class Backlog:
    """The outbox as an operator on call sees it."""

    pending: int  # deliveries not yet delivered nor given up
    retrying: int  # of which attempted at least once (the receiver is in trouble, or was)
    oldest_pending_at: datetime | None  # when the oldest pending delivery's event was written
    failed: int  # deliveries given up, kept until redelivered or pruned with their endpoint


class WebhookStore(Protocol):
    def add_endpoint(self, values: Mapping[str, Any]) -> int: ...
    def endpoint(self, endpoint_id: int) -> Endpoint | None: ...
    def endpoints(
        self, account_id: int | None, after_id: int | None = None, limit: int = 1000
    ) -> list[Endpoint]: ...
    def update_endpoint(self, endpoint_id: int, values: Mapping[str, Any]) -> None: ...
    def remove_endpoint(self, endpoint_id: int) -> None: ...
    def subscriptions(self, account_id: int) -> list[Subscription]: ...
    def sold_out_watches(self, stock_ids: Sequence[int]) -> list[SoldOutWatch]: ...
    def enqueue(self, event: OutboxEvent, endpoint_ids: Sequence[int]) -> None: ...
    def any_due(self, now: datetime) -> bool: ...
    def claim(self, now: datetime, limit: int, lease_until: datetime, token: str) -> list[DueDelivery]: ...
    def record_delivered(self, delivery_id: int, token: str, now: datetime, status: int) -> bool: ...
    def record_failure(
        self,
        delivery_id: int,
        token: str,
        now: datetime,
        *,
        status: int | None,
        error: str,
        retry_at: datetime | None,
    ) -> bool: ...
    def deliveries(self, where: DeliveryFilter) -> list[Delivery]: ...
    def redeliver(self, where: DeliveryFilter, now: datetime) -> int: ...
    def prune(self, delivered_before: datetime) -> int: ...
    def tally(self, names: Sequence[str]) -> None: ...
    def tallies(self) -> dict[str, int]: ...
    def backlog(self) -> Backlog: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one POST came to: delivered (a 2xx in time) or not, with the status and a short reason."""

    delivered: bool
    status: int | None = None
    error: str = ""


class Sender(Protocol):
    """POSTs one webhook. Never raises for network trouble: that is an Outcome like any other."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome: ...
    def close(self) -> None: ...

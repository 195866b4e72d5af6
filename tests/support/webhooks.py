"""Helpers of the webhook tests: a settable clock, a deliverer on loopback, an endpoint per shop."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.dates import utc_now
from stockgate.domain.webhooks import RetryPolicy
from stockgate.outbound.webhook_sender import HttpSender
from stockgate.services.webhook_delivery import Deliverer, DeliverySettings
from stockgate.services.webhooks import NewEndpoint, add_endpoint
from tests.conftest import Shop
from tests.support.orders import DROPSHIP, JSON, STATUS_BY_KEY, seed_json
from tests.support.webhook_receiver import Receiver

SIGNATURE = "X-Stockgate-Signature"


class Clock:
    """A clock the test moves by hand, so back-off and leases need no waiting."""

    def __init__(self) -> None:
        self.now = utc_now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@contextmanager
def deliverer(
    runtime: Runtime,
    *,
    clock: Clock | None = None,
    policy: RetryPolicy | None = None,
    batch: int = 20,
    concurrency: int = 4,
    timeout: float = 5.0,
) -> Iterator[Deliverer]:
    settings = DeliverySettings(batch=batch, concurrency=concurrency, policy=policy or RetryPolicy())
    sender = HttpSender(allow_private=True, timeout=timeout)
    worker = Deliverer(runtime.db, sender, settings, clock=clock or utc_now)
    try:
        yield worker
    finally:
        worker.close()


def hook(runtime: Runtime, shop: Shop, receiver: Receiver, events: str = "") -> NewEndpoint:
    """Register the receiver as a webhook endpoint of `shop`."""
    return add_endpoint(runtime.db, email=shop.email, url=receiver.url, events=[events], allow_private=True)


def place(http: TestClient, shop: Shop, key: str, lines: list[tuple[int, int]], **overrides: object) -> int:
    """An E6 order through the real app; answers its order id."""
    response = http.post(DROPSHIP, json=seed_json(key, lines, **overrides), auth=shop.auth, headers=JSON)
    assert response.status_code == 200, response.text
    return int(response.json()["order_id"])


def e8(http: TestClient, shop: Shop, key: str) -> dict[str, object]:
    response = http.get(STATUS_BY_KEY.format(key), auth=shop.auth, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    [order] = response.json()["orders"]
    return dict(order)

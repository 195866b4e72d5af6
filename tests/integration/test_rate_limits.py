"""Rate limiting per account: one token bucket in the database, shared by every server process.

A "process" here is a RateLimiter with its own engine: exactly what a server worker has. Time is a
hand-moved clock, so every count below is exact.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, start
from stockgate.domain.throttle import RateLimit, RateLimited
from stockgate.http.app import create_app
from stockgate.http.context import AppContext
from stockgate.services.rate_limits import RateLimiter, rate_limit_of, set_rate_limit
from tests.conftest import AccountFactory, Shop

LOCKED = "/restful/ghost/orders/dropshipping/locked"
DEFAULT = RateLimit()
MakeLimiter = Callable[..., RateLimiter]


@dataclass
class Clock:
    now: float = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def process(database_url: str, runtime: Runtime, clock: Clock) -> Iterator[MakeLimiter]:
    """Makes limiters that each have their own engine, like separate server processes."""
    runtimes: list[Runtime] = []

    def make(default: RateLimit = DEFAULT) -> RateLimiter:
        rt = start(Config(database_url=database_url), migrate=False)
        runtimes.append(rt)
        return RateLimiter(rt.db, default, clock=clock)

    yield make
    for rt in runtimes:
        rt.close()


def admitted(limiter: RateLimiter, account_id: int, attempts: int) -> int:
    count = 0
    for _ in range(attempts):
        try:
            limiter.admit(account_id)
            count += 1
        except RateLimited:
            pass
    return count


def test_burst_then_refill(process: MakeLimiter, shop: Shop, clock: Clock) -> None:
    limiter = process()
    assert admitted(limiter, shop.account_id, 150) == 100
    with pytest.raises(RateLimited) as refused:
        limiter.admit(shop.account_id)
    assert refused.value.retry_after == 1
    assert refused.value.limit == 100
    clock.now += 0.1  # 50 per second: five more
    assert admitted(limiter, shop.account_id, 20) == 5
    clock.now += 60
    assert admitted(limiter, shop.account_id, 150) == 100  # full again, never more than the burst


def test_two_processes_share_one_bucket(process: MakeLimiter, shop: Shop, clock: Clock) -> None:
    first, second = process(), process()
    total = 0
    for _ in range(150):
        total += admitted(first, shop.account_id, 1) + admitted(second, shop.account_id, 1)
    assert total == 100
    clock.now += 0.2
    total = sum(admitted(p, shop.account_id, 1) for _ in range(30) for p in (first, second))
    assert total == 10


def test_concurrent_processes_never_spend_a_token_twice(
    process: MakeLimiter, shop: Shop, clock: Clock
) -> None:
    limiters = [process() for _ in range(3)]
    counts: list[int] = []
    lock = threading.Lock()

    def hammer(limiter: RateLimiter) -> None:
        got = admitted(limiter, shop.account_id, 60)
        with lock:
            counts.append(got)

    threads = [threading.Thread(target=hammer, args=(limiters[i % 3],)) for i in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 100  # 540 attempts, the clock stands still: exactly the burst


def test_buckets_are_per_account(process: MakeLimiter, make_account: AccountFactory) -> None:
    limiter = process(RateLimit(3, 1))
    a, b = make_account(), make_account()
    assert admitted(limiter, a.account_id, 10) == 3
    assert admitted(limiter, b.account_id, 10) == 3


def test_an_account_can_have_its_own_limit(
    process: MakeLimiter, runtime: Runtime, shop: Shop, clock: Clock
) -> None:
    set_rate_limit(runtime.db, email=shop.email, limit=RateLimit(5, 1))
    assert rate_limit_of(runtime.db, email=shop.email) == RateLimit(5, 1)
    limiter = process()
    assert admitted(limiter, shop.account_id, 50) == 5
    clock.now += 2
    assert admitted(limiter, shop.account_id, 50) == 2


def test_no_limit_for_one_account_or_by_default(
    process: MakeLimiter, runtime: Runtime, make_account: AccountFactory, clock: Clock
) -> None:
    free, other = make_account(), make_account()
    set_rate_limit(runtime.db, email=free.email, limit=RateLimit(0))
    limiter = process()
    assert all(limiter.admit(free.account_id) is None for _ in range(500))
    assert admitted(limiter, other.account_id, 150) == 100
    # Back to the default: a process notices within a few seconds, without a restart.
    set_rate_limit(runtime.db, email=free.email, limit=None)
    assert rate_limit_of(runtime.db, email=free.email) is None
    clock.now += 10
    assert admitted(limiter, free.account_id, 150) == 100
    unlimited = process(RateLimit(0))
    assert all(unlimited.admit(other.account_id) is None for _ in range(300))


def test_a_lease_is_spent_locally(process: MakeLimiter, shop: Shop) -> None:
    first, second = process(RateLimit(100, 0.01)), process(RateLimit(100, 0.01))
    assert admitted(first, shop.account_id, 1) == 1  # took a lease of 10 from the shared bucket
    assert admitted(second, shop.account_id, 200) == 90
    assert admitted(first, shop.account_id, 20) == 9  # the rest of its lease, no more


def test_an_unused_lease_is_lost_not_spent_twice(process: MakeLimiter, shop: Shop, clock: Clock) -> None:
    first, second = process(RateLimit(100, 0.01)), process(RateLimit(100, 0.01))
    assert admitted(first, shop.account_id, 1) == 1
    assert admitted(second, shop.account_id, 200) == 90
    clock.now += 2  # the first process's lease expires unspent: those 9 tokens are gone
    assert admitted(first, shop.account_id, 20) == 0


def _app(runtime: Runtime, clock: Clock, limit: RateLimit) -> TestClient:
    return TestClient(create_app(AppContext(db=runtime.db, rate_limit=limit, clock=clock)))


def test_http_answers_429_with_retry_after_and_headers(
    runtime: Runtime, make_account: AccountFactory, clock: Clock
) -> None:
    shop, other = make_account(), make_account()
    with _app(runtime, clock, RateLimit(3, 0.5)) as http:
        seen = []
        for _ in range(3):
            response = http.get(LOCKED, auth=shop.auth)
            assert response.status_code == 200
            assert response.headers["X-RateLimit-Limit"] == "3"
            seen.append(int(response.headers["X-RateLimit-Remaining"]))
        assert seen == [2, 1, 0]
        refused = http.get(LOCKED, auth=shop.auth)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "2"  # one token at 0.5 per second
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert refused.headers["X-RateLimit-Reset"] == "6"
        assert "rate limit" in refused.text
        # Failed authentication does not spend the shop's tokens, and other shops are unaffected.
        assert http.get(LOCKED, auth=(shop.api_key, "wrong password")).status_code == 401
        assert http.get(LOCKED, auth=other.auth).status_code == 200
        clock.now += 2
        assert http.get(LOCKED, auth=shop.auth).status_code == 200
        metrics = http.get("/metrics").text
        assert "stockgate_rate_limited_requests_total 1.0" in metrics


def test_order_endpoints_are_limited_too(runtime: Runtime, shop: Shop, clock: Clock) -> None:
    with _app(runtime, clock, RateLimit(1, 0.001)) as http:
        assert http.get(LOCKED, auth=shop.auth).status_code == 200
        refused = http.post(
            "/restful/ghost/supplierorder/acquire",
            json={"products": [{"stock_id": 1, "quantity": 1}]},
            auth=shop.auth,
        )
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) == 1000  # a body error would carry no Retry-After

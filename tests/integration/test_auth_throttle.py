"""Failed authentication: lockouts per API key and per client address, growing, shared through the
database, visible to the supplier; and no secret in any log line or error body."""

from __future__ import annotations

import base64
import io
import logging
import statistics
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.throttle import RateLimit
from stockgate.http.app import create_app
from stockgate.http.context import AppContext
from stockgate.http.logs import log_to
from stockgate.services.accounts import set_account
from stockgate.services.lockouts import locked_out_keys, release_lockout
from stockgate.services.passwords import VERIFY_SLOTS
from tests.conftest import AccountFactory, Shop
from tests.integration.test_rate_limits import Clock

LOCKED = "/restful/ghost/orders/dropshipping/locked"
WRONG = "not the password"
Client = Callable[..., TestClient]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(runtime: Runtime, clock: Clock) -> Iterator[Client]:
    """TestClients on one app (one process), each from its own client address."""
    app = create_app(AppContext(db=runtime.db, clock=clock, rate_limit=RateLimit(0)))
    opened: list[TestClient] = []

    def make(address: str = "192.0.2.1") -> TestClient:
        opened.append(TestClient(app, client=(address, 40000)).__enter__())
        return opened[-1]

    yield make
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """Everything stockgate logs during the test, as the JSON lines a server would write."""
    logger = logging.getLogger("stockgate")
    level = logger.level
    stream = io.StringIO()
    handler = log_to(stream, logging.DEBUG)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


def status(http: TestClient, auth: tuple[str, str]) -> int:
    return http.get(LOCKED, auth=auth).status_code


def test_five_failures_lock_the_key_even_for_the_right_password(
    client: Client, shop: Shop, clock: Clock
) -> None:
    http = client()
    assert status(http, shop.auth) == 200
    assert [status(http, (shop.api_key, WRONG)) for _ in range(5)] == [401] * 5
    refused = http.get(LOCKED, auth=shop.auth)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    # The lockout is the key's: another address is refused too.
    assert status(client("198.51.100.7"), shop.auth) == 429
    clock.now += 2
    assert status(http, shop.auth) == 200
    assert 'stockgate_auth_failures_total{reason="locked_out"} 2.0' in http.get("/metrics").text


def test_each_further_failure_doubles_the_lockout(client: Client, shop: Shop, clock: Clock) -> None:
    http = client()
    for _ in range(5):
        status(http, (shop.api_key, WRONG))
    waits = []
    for _ in range(4):
        waits.append(int(http.get(LOCKED, auth=(shop.api_key, WRONG)).headers["Retry-After"]))
        clock.now += waits[-1]
        assert status(http, (shop.api_key, WRONG)) == 401  # one guess per lockout, then locked again
    assert waits == [2, 4, 8, 16]


def test_failures_are_forgotten_after_a_quarter_hour(client: Client, shop: Shop, clock: Clock) -> None:
    http = client()
    for _ in range(4):
        status(http, (shop.api_key, WRONG))
    clock.now += 15 * 60 + 1
    assert [status(http, (shop.api_key, WRONG)) for _ in range(4)] == [401] * 4
    assert status(http, shop.auth) == 200


def test_the_right_password_does_not_wipe_an_attackers_count(client: Client, shop: Shop) -> None:
    http = client()
    assert status(http, shop.auth) == 200
    for _ in range(4):
        status(http, (shop.api_key, WRONG))
    assert status(http, shop.auth) == 200
    assert status(http, (shop.api_key, WRONG)) == 401
    assert status(http, shop.auth) == 429


def test_a_first_login_at_the_threshold_is_not_locked_out(
    client: Client, make_account: AccountFactory
) -> None:
    # A password not yet verified by this process is counted like any attempt, then taken back.
    shop = make_account(email="fresh-login@example.com")
    http = client()
    for _ in range(4):
        assert status(http, (shop.api_key, WRONG)) == 401
    assert status(http, shop.auth) == 200
    assert status(http, shop.auth) == 200
    assert status(http, (shop.api_key, WRONG)) == 401
    assert status(http, shop.auth) == 429


def test_an_address_guessing_many_keys_is_locked_out(client: Client, shop: Shop, clock: Clock) -> None:
    guesser, bystander = client("203.0.113.9"), client("192.0.2.44")
    codes = [status(guesser, (f"00000000-0000-4000-8000-{n:012d}", WRONG)) for n in range(20)]
    assert codes == [401] * 20
    assert status(guesser, shop.auth) == 429  # the address is locked, whatever key it sends
    assert status(bystander, shop.auth) == 200
    clock.now += 2
    assert status(guesser, shop.auth) == 200


def test_concurrent_guesses_cannot_slip_past_the_lockout(client: Client, shop: Shop) -> None:
    http = client()
    codes: list[int] = []
    lock = threading.Lock()

    def guess() -> None:
        code = status(http, (shop.api_key, WRONG))
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Guesses queue for a verification slot and look at the lockout again once they have one: only
    # those verifying side by side with the fifth failure can get past it.
    verified = codes.count(401)
    assert 5 <= verified <= 5 + VERIFY_SLOTS - 1
    assert codes.count(429) == 12 - verified


def test_a_burst_of_first_logins_never_locks_the_shop_out(
    client: Client, make_account: AccountFactory
) -> None:
    shop = make_account(email="cold-start@example.com")  # its password not yet verified in this process
    http = client()
    codes: list[int] = []
    lock = threading.Lock()

    def login() -> None:
        code = status(http, shop.auth)
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=login) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [200] * 12


def test_a_disabled_account_fails_and_counts(client: Client, runtime: Runtime, shop: Shop) -> None:
    http = client()
    set_account(runtime.db, email=shop.email, enabled=False)
    assert [status(http, shop.auth) for _ in range(5)] == [401] * 5
    set_account(runtime.db, email=shop.email, enabled=True)
    assert status(http, shop.auth) == 429


def test_the_supplier_sees_and_lifts_lockouts(
    client: Client, runtime: Runtime, shop: Shop, clock: Clock
) -> None:
    http = client()
    unknown_key = "11111111-2222-4333-8444-555555555555"
    for _ in range(5):
        status(http, (shop.api_key, WRONG))
        status(client("192.0.2.99"), (unknown_key, WRONG))
    found = locked_out_keys(runtime.db, now=clock.now)
    assert {(k.account_id, k.email, k.failures) for k in found} == {
        (shop.account_id, shop.email, 5),
        (None, None, 5),
    }
    assert all(k.locked_until.timestamp() == pytest.approx(clock.now + 2) for k in found)
    assert shop.api_key not in repr(found)
    assert release_lockout(runtime.db, email=shop.email) == 1
    assert status(http, shop.auth) == 200
    assert [k.account_id for k in locked_out_keys(runtime.db, now=clock.now)] == [None]
    assert locked_out_keys(runtime.db, now=clock.now + 3) == []


def test_an_unknown_key_costs_what_a_wrong_password_costs(client: Client, shop: Shop) -> None:
    http = client()

    def timed(auth: tuple[str, str]) -> float:
        started = time.perf_counter()
        assert status(http, auth) == 401
        return time.perf_counter() - started

    wrong = [timed((shop.api_key, f"{WRONG} {n}")) for n in range(4)]
    unknown = [timed((f"00000000-0000-4000-8000-{n:012d}", WRONG)) for n in range(4)]
    print(
        f"wrong password: {statistics.median(wrong) * 1000:.1f} ms, unknown key: "
        f"{statistics.median(unknown) * 1000:.1f} ms"
    )
    # Both verify an argon2 hash (tens of ms); skipping it would be ~50 times faster.
    assert statistics.median(unknown) > 0.5 * statistics.median(wrong)


def test_no_secret_in_logs_or_error_bodies(client: Client, shop: Shop, logs: io.StringIO) -> None:
    http = client()
    secret = "hunter2-correct-horse"
    bodies = []
    for _ in range(6):
        bodies.append(http.get(LOCKED, auth=(shop.api_key, secret)).text)
    bodies.append(http.get(LOCKED, auth=("not-a-uuid", secret)).text)
    bodies.append(http.get(LOCKED, headers={"Authorization": "Basic %%%" + secret}).text)
    written = logs.getvalue()
    encoded = base64.b64encode(f"{shop.api_key}:{secret}".encode()).decode()
    assert "api key locked out" in written
    assert f'"account_id":{shop.account_id}' in written
    for needle in (secret, shop.password, shop.api_key, encoded):
        assert needle not in written
        assert all(needle not in body for body in bodies)

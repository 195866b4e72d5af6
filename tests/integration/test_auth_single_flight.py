"""A burst of requests with the same new credentials runs argon2 once (single flight), without
weakening anything: wrong passwords fail and count, lockouts refuse followers too, and a failure is
never remembered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace

import pytest

from stockgate.bootstrap import Runtime
from stockgate.domain.errors import AuthenticationFailed
from stockgate.domain.throttle import LockedOut
from stockgate.services.access_ports import FailureCounter
from stockgate.services.auth import Principal, authenticate
from stockgate.services.passwords import (
    VERIFY_SLOTS,
    api_key_hash,
    argon2_runs,
    flight_followers,
    verification_slot,
)
from stockgate.services.unit_of_work import Tx
from tests.conftest import AccountFactory

WRONG = "not the password"
Outcome = Principal | Exception


@contextmanager
def all_slots_held() -> Iterator[None]:
    """Holds every verification slot: leaders queue for one, so the whole burst is in flight at once."""
    with ExitStack() as stack:
        for _ in range(VERIFY_SLOTS):
            stack.enter_context(verification_slot())
        yield


def wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, "the burst never lined up behind its leaders"
        time.sleep(0.005)


def burst(
    runtime: Runtime,
    attempts: list[tuple[str, str]],
    followers: int,
    meanwhile: Callable[[], object] = lambda: None,
) -> list[Outcome]:
    """Runs the attempts in threads at once, then `meanwhile` once the followers wait for their
    leaders and before any leader verifies; answers each one's principal or exception, in order."""
    outcomes: list[Outcome | None] = [None] * len(attempts)

    def attempt(n: int) -> None:
        api_key, password = attempts[n]
        try:
            outcomes[n] = authenticate(runtime.db, api_key=api_key, password=password)
        except Exception as error:
            outcomes[n] = error

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(attempts))]
    with all_slots_held():
        for t in threads:
            t.start()
        wait_for(lambda: flight_followers() == followers)
        meanwhile()
    for t in threads:
        t.join()
    return [o for o in outcomes if o is not None]


def test_a_burst_of_new_credentials_runs_argon2_once_and_a_wrong_password_still_fails(
    runtime: Runtime, make_account: AccountFactory
) -> None:
    shop = make_account(email="stampede@example.com")
    right, wrong = shop.auth, (shop.api_key, WRONG)
    attempts = [right] * 10 + [wrong] * 3
    runs = argon2_runs()
    # Two leaders (one per password) queue for a slot; 9 + 2 followers wait for them.
    outcomes = burst(runtime, attempts, followers=9 + 2)
    assert argon2_runs() - runs == 2
    assert all(isinstance(o, Principal) and o.account_id == shop.account_id for o in outcomes[:10])
    assert all(type(o) is AuthenticationFailed for o in outcomes[10:])
    # The followers' failures counted like verified ones: two more make five, and the key is locked.
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            authenticate(runtime.db, api_key=shop.api_key, password=WRONG)
    # Neither failure was remembered from the burst: each repeat of the wrong password ran argon2.
    assert argon2_runs() - runs == 4
    with pytest.raises(LockedOut):
        authenticate(runtime.db, api_key=shop.api_key, password=shop.password)


def test_a_failure_is_not_remembered_for_the_right_password(
    runtime: Runtime, make_account: AccountFactory
) -> None:
    shop = make_account()
    outcomes = burst(runtime, [(shop.api_key, WRONG)] * 4, followers=3)
    assert [type(o) for o in outcomes] == [AuthenticationFailed] * 4
    runs = argon2_runs()
    assert (
        authenticate(runtime.db, api_key=shop.api_key, password=shop.password).account_id == shop.account_id
    )
    assert argon2_runs() - runs == 1
    # ... and a success is remembered: no argon2 the second time.
    authenticate(runtime.db, api_key=shop.api_key, password=shop.password)
    assert argon2_runs() - runs == 1


def test_unknown_keys_share_a_flight_only_with_the_same_key(runtime: Runtime) -> None:
    # All unknown keys verify against one dummy hash; sharing across keys would make a burst of
    # unknown keys cheaper than a burst of wrong passwords for known ones.
    keys = [f"00000000-0000-4000-8000-{n:012d}" for n in range(3)]
    runs = argon2_runs()
    outcomes = burst(runtime, [(key, WRONG) for key in keys for _ in range(3)], followers=3 * 2)
    assert [type(o) for o in outcomes] == [AuthenticationFailed] * 9
    assert argon2_runs() - runs == 3


def test_a_lockout_starting_while_the_burst_waits_refuses_leader_and_followers(
    runtime: Runtime, make_account: AccountFactory
) -> None:
    shop = make_account()
    runs = argon2_runs()
    outcomes = burst(
        runtime,
        [shop.auth] * 5,
        followers=4,
        meanwhile=lambda: runtime.db.write(
            lambda tx: lock_out(tx, api_key_hash(shop.api_key), shop.account_id)
        ),
    )
    assert [type(o) for o in outcomes] == [LockedOut] * 5
    assert argon2_runs() == runs  # nothing verified, not even the right password


def lock_out(tx: Tx, key_hash: str, account_id: int) -> None:
    now_ms = int(time.time() * 1000)
    (counter,) = tx.throttle.counters([FailureCounter("key", key_hash, account_id)])
    tx.throttle.save(replace(counter, failures=9, last_failure_ms=now_ms, locked_until_ms=now_ms + 60_000))

"""Ghost endpoints on the event loop (SQLite's default) answer exactly what they answer in a worker
thread, and only requests whose password was verified before take that path."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Config, Runtime, create_app
from stockgate.domain.throttle import LockedOut
from stockgate.services.auth import authenticate, recognise
from stockgate.services.passwords import api_key_hash
from tests.conftest import AccountFactory, Shop
from tests.integration.test_auth_single_flight import lock_out
from tests.support.orders import seed_json

LOCKED = "/restful/ghost/orders/dropshipping/locked"
SOLD = "/restful/ghost/orders/sold"
DROPSHIP = "/restful/ghost/orders/0/dropshipping"


def test_recognise_answers_only_a_password_verified_before(runtime: Runtime, shop: Shop) -> None:
    assert recognise(runtime.db, api_key=shop.api_key, password=shop.password) is None  # argon2 needed
    verified = authenticate(runtime.db, api_key=shop.api_key, password=shop.password)
    assert recognise(runtime.db, api_key=shop.api_key, password=shop.password) == verified
    assert recognise(runtime.db, api_key=shop.api_key, password="wrong") is None
    assert recognise(runtime.db, api_key="no such key", password=shop.password) is None


def test_recognise_refuses_a_locked_out_key_even_with_a_known_password(runtime: Runtime, shop: Shop) -> None:
    authenticate(runtime.db, api_key=shop.api_key, password=shop.password)
    runtime.db.write(lambda tx: lock_out(tx, api_key_hash(shop.api_key), shop.account_id))
    with pytest.raises(LockedOut):
        recognise(runtime.db, api_key=shop.api_key, password=shop.password)


@pytest.fixture(params=[True, False], ids=["inline", "threads"])
def inline(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture
def client(inline: bool, runtime: Runtime) -> Iterator[TestClient]:
    config: Config = replace(runtime.config, inline_endpoints=inline)
    with TestClient(create_app(config, runtime)) as http:
        yield http


def _journey(http: TestClient, shop: Shop, stock: list[int]) -> list[Any]:
    """E3, E4, E6 twice (the second a replay of the same key) and a wrong password, as answered."""
    answers = []
    json = {"Accept": "application/json", "Content-Type": "application/json"}
    lock = {"operations": [{"type": "lock", "models": [{"stock_id": stock[0], "quantity": 2}]}]}
    for method, path, body, auth in [
        ("POST", SOLD, orjson.dumps(lock), shop.auth),
        ("GET", LOCKED, b"", shop.auth),
        ("POST", DROPSHIP, orjson.dumps(seed_json("inline-1", [(stock[0], 1), (stock[1], 1)])), shop.auth),
        ("POST", DROPSHIP, orjson.dumps(seed_json("inline-1", [(stock[0], 1), (stock[1], 1)])), shop.auth),
        ("GET", LOCKED, b"", (shop.api_key, "wrong")),
    ]:
        answer = http.request(method, path, content=body or None, headers=json, auth=auth)
        document = answer.json() if answer.headers["content-type"].startswith("application/json") else None
        answers.append((answer.status_code, _without_dates(document)))
    return answers


def _without_dates(document: Any) -> Any:
    if isinstance(document, dict):
        return {k: _without_dates(v) for k, v in document.items() if "date" not in k.lower()}
    if isinstance(document, list):
        return [_without_dates(v) for v in document]
    return document


def test_both_paths_answer_alike(
    runtime: Runtime, inline: bool, client: TestClient, make_account: AccountFactory, stock: list[int]
) -> None:
    shop = make_account(ecredit="1000")
    answers = _journey(client, shop, stock)
    assert [status for status, _ in answers] == [200, 200, 200, 200, 401]
    assert answers[2] == answers[3]  # the replayed key answers the order already placed

    # The same journey on a fresh account through the other path answers the same documents.
    other = make_account(ecredit="1000")
    config = replace(runtime.config, inline_endpoints=not inline)
    with TestClient(create_app(config, runtime)) as second:
        again = _journey(second, other, stock)
    assert [status for status, _ in again] == [status for status, _ in answers]
    assert _locks(again[1][1]) == _locks(answers[1][1]) == [(stock[0], 2)]
    assert sorted(again[2][1]) == sorted(answers[2][1])  # E6 answers the same fields


def _locks(document: Any) -> list[tuple[int, int]]:
    return [(m["stock_id"], m["locked"]) for m in document["models"]]


def test_inline_requests_run_on_the_event_loop_thread(
    runtime: Runtime, make_account: AccountFactory, stock: list[int]
) -> None:
    shop = make_account()
    seen: list[str] = []
    original = runtime.db.glance  # E4 and the sign-in each read one statement

    def spy(work: Any) -> Any:
        seen.append(threading.current_thread().name)
        return original(work)

    config = replace(runtime.config, inline_endpoints=True)
    with TestClient(create_app(config, runtime)) as http:
        http.get(LOCKED, auth=shop.auth)  # the first request verifies argon2: in a worker thread
        runtime.db.glance = spy  # type: ignore[method-assign]
        try:
            http.get(LOCKED, auth=shop.auth)
        finally:
            runtime.db.glance = original  # type: ignore[method-assign]
    loop_threads = {name for name in seen if "AnyIO worker" not in name}
    assert seen and loop_threads == set(seen), seen


def test_a_wrong_password_is_refused_on_either_path(client: TestClient, shop: Shop) -> None:
    client.get(LOCKED, auth=shop.auth)
    answer = client.get(LOCKED, auth=(shop.api_key, "wrong"))
    assert answer.status_code == 401

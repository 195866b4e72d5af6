"""Safe retries: only what may be sent twice is sent twice."""

from __future__ import annotations

import httpx
import pytest

from stockgate_client import (
    Client,
    DropshipOrder,
    Operation,
    RateLimited,
    Retries,
    ReturnItem,
    ServerError,
    TransportError,
)
from stockgate_client.errors import BadRequest, NotFound
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer


def _unavailable() -> httpx.Response:
    return httpx.Response(503, text="maintenance")


def test_get_is_retried_after_a_server_error(
    client: Client, server: FakeServer, fmt: str, sleeps: list[float]
) -> None:
    server.answer(_unavailable(), httpx.ReadTimeout("slow"))
    server.reply(body=samples.CARRIERS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert len(client.carriers()) == 2
    assert len(server.requests) == 3
    assert len(sleeps) == 2


def test_retries_give_up_after_the_total(client: Client, server: FakeServer, sleeps: list[float]) -> None:
    server.answer(_unavailable(), _unavailable(), _unavailable())
    with pytest.raises(ServerError, match="maintenance"):
        client.reservation()
    assert len(server.requests) == 3  # the first try and two retries


def test_no_retries(server: FakeServer, sleeps: list[float]) -> None:
    server.answer(_unavailable())
    with (
        Client(
            "http://ghost.test", "k", "p", retries=0, transport=httpx.MockTransport(server.handle)
        ) as ghost,
        pytest.raises(ServerError),
    ):
        ghost.reservation()
    assert len(server.requests) == 1


def test_client_errors_are_never_retried(client: Client, server: FakeServer) -> None:
    server.reply(404, "order 1 not found")
    with pytest.raises(NotFound):
        client.order_status(1)
    assert len(server.requests) == 1


def test_dropship_order_is_retried_because_it_carries_its_key(
    client: Client, server: FakeServer, fmt: str, make_order: DropshipOrder
) -> None:
    server.answer(httpx.ReadTimeout("no answer"), _unavailable())
    server.reply(body=samples.PLACED[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert client.place_dropship_order(make_order).order_id == 1002
    assert len(server.requests) == 3
    # The very same body (same key) each time, so the server answers the existing order.
    assert len({request.content for request in server.requests}) == 1


def test_acquire_is_not_retried_once_sent(client: Client, server: FakeServer) -> None:
    server.answer(httpx.ReadTimeout("no answer"))
    with pytest.raises(TransportError):
        client.acquire({59: 1})
    server.answer(_unavailable())
    with pytest.raises(ServerError):
        client.acquire({59: 1})
    assert len(server.requests) == 2


def test_acquire_is_retried_when_it_never_left(client: Client, server: FakeServer) -> None:
    server.answer(httpx.ConnectError("refused"), httpx.ConnectTimeout("no route"))
    server.reply(body="99", content_type="text/plain")
    assert client.acquire({59: 1}) == 99
    assert len(server.requests) == 3


def test_acquire_is_retried_when_rate_limited(
    client: Client, server: FakeServer, sleeps: list[float]
) -> None:
    server.reply(429, "too many requests", Retry_After="2")
    server.reply(body="99", content_type="text/plain")
    assert client.acquire({59: 1}) == 99
    assert sleeps == [2.0]


@pytest.mark.parametrize(
    ("operation", "replayable"), [("lock", False), ("unlock", False), ("set", True), ("ensure", True)]
)
def test_reserve_is_retried_only_when_idempotent(
    client: Client, server: FakeServer, fmt: str, operation: str, replayable: bool
) -> None:
    server.answer(httpx.ReadTimeout("no answer"))
    server.reply(body=samples.RESERVATION[fmt], content_type=samples.CONTENT_TYPE[fmt])
    call = lambda: client.reserve([Operation.of(operation, {3: 1})])  # type: ignore[arg-type]  # noqa: E731
    if replayable:
        assert call().order_id == 1000
    else:
        with pytest.raises(TransportError):
            call()
    assert len(server.requests) == (2 if replayable else 1)


def test_open_return_is_not_retried_once_sent(client: Client, server: FakeServer) -> None:
    server.answer(_unavailable())
    with pytest.raises(ServerError):
        client.open_return(1, [ReturnItem(3, 1, 2)])
    assert len(server.requests) == 1


def test_bad_request_is_not_retried(client: Client, server: FakeServer) -> None:
    server.reply(400, "quantity must be >= 0")
    with pytest.raises(BadRequest):
        client.set({3: -1})
    assert len(server.requests) == 1


def test_rate_limit_honours_retry_after(
    client: Client, server: FakeServer, fmt: str, sleeps: list[float]
) -> None:
    server.reply(429, "slow down", Retry_After="7")
    server.reply(body=samples.TAGS[fmt], content_type=samples.CONTENT_TYPE[fmt])
    assert len(client.tags()) == 2
    assert sleeps == [7.0]


def test_rate_limit_too_long_to_wait_is_raised(
    client: Client, server: FakeServer, sleeps: list[float]
) -> None:
    server.reply(429, "full exports: 4 per hour", Retry_After="1800")
    with pytest.raises(RateLimited) as raised:
        client.tags()
    assert raised.value.retry_after == 1800
    assert sleeps == []


def test_backoff_grows_and_is_capped() -> None:
    policy = Retries(total=10, backoff=1.0, max_backoff=4.0)
    error = ServerError(503, "")
    delays = [policy.delay(attempt, error, replayable=True) for attempt in range(1, 6)]
    assert all(delay is not None and 0 <= delay <= min(4.0, 2 ** (n)) for n, delay in enumerate(delays))
    assert policy.delay(11, error, replayable=True) is None
    assert policy.delay(1, error, replayable=False) is None
    assert policy.delay(1, RateLimited(429, "", retry_after=None), replayable=False) is not None

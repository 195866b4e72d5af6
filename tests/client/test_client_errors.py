"""Error answers become the exception of the hierarchy that stands for their status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stockgate_client import (
    ApiError,
    AuthenticationError,
    BadRequest,
    Client,
    NotFound,
    OrderRejected,
    PreconditionFailed,
    RateLimited,
    ServerError,
    StockgateError,
    TransportError,
)
from stockgate_client.retries import parse_retry_after
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer

TEXT = "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequest),
        (401, AuthenticationError),
        (404, NotFound),
        (406, ApiError),
        (412, PreconditionFailed),
        (413, ApiError),
        (415, ApiError),
        (429, RateLimited),
        (500, ServerError),
    ],
)
def test_status_to_error(client: Client, server: FakeServer, status: int, error: type[ApiError]) -> None:
    server.answer(*[_text(status, "stock_id 999999 does not exist")] * 3)
    with pytest.raises(error) as raised:
        client.lock({999999: 1})
    assert type(raised.value) is error
    assert raised.value.status == status
    assert raised.value.message == "stock_id 999999 does not exist"
    assert isinstance(raised.value, StockgateError)


def _text(status: int, message: str, **headers: str) -> object:
    import httpx

    return httpx.Response(status, text=message, headers={"Content-Type": TEXT, **headers})


def test_unauthorized(client: Client, server: FakeServer) -> None:
    server.reply(401, "", WWW_Authenticate='Basic realm="stockgate"')
    with pytest.raises(AuthenticationError, match="401"):
        client.reservation()


def test_order_body_refused_is_order_rejected(client: Client, server: FakeServer, make_order: object) -> None:
    server.reply(429, "no item of order 2357 is available", TEXT)
    with pytest.raises(OrderRejected) as raised:
        client.place_dropship_order(make_order)  # type: ignore[arg-type]
    assert raised.value.message == "no item of order 2357 is available"
    assert len(server.requests) == 1


def test_acquire_body_refused_is_order_rejected(client: Client, server: FakeServer) -> None:
    server.reply(429, "quantity of stock_id 59 must be a positive integer", TEXT)
    with pytest.raises(OrderRejected, match="positive integer"):
        client.acquire({59: 0})
    assert len(server.requests) == 1


def test_acquire_unservable_line_is_not_found(client: Client, server: FakeServer) -> None:
    server.reply(404, "stock_id 59 not found", TEXT)
    with pytest.raises(NotFound, match="stock_id 59 not found"):
        client.acquire({59: 1})


def test_rate_limited_order_is_told_apart_by_retry_after(
    client: Client, server: FakeServer, sleeps: list[float]
) -> None:
    server.reply(429, "slow down", TEXT, Retry_After="3600")
    with pytest.raises(RateLimited) as raised:
        client.acquire({59: 1})
    assert raised.value.retry_after == 3600
    assert sleeps == []


def test_rate_limited_elsewhere_carries_retry_after(client: Client, server: FakeServer) -> None:
    server.reply(429, "too many requests", TEXT, Retry_After="120")
    with pytest.raises(RateLimited) as raised:
        client.carriers()
    assert raised.value.retry_after == 120.0


def test_refused_return_surfaces_message_and_code(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(400, samples.RETURN_REFUSED[fmt], samples.CONTENT_TYPE[fmt])
    with pytest.raises(BadRequest) as raised:
        client.open_return(912120, [])
    assert raised.value.message == "order 912120 is not dispatched"
    assert raised.value.code == 3
    assert str(raised.value) == "400: order 912120 is not dispatched"


def test_refused_return_inside_a_success_answer(client: Client, server: FakeServer, fmt: str) -> None:
    server.reply(200, samples.RETURN_REFUSED[fmt], samples.CONTENT_TYPE[fmt])
    with pytest.raises(BadRequest, match="not dispatched"):
        client.open_return(912120, [])


def test_error_without_body_uses_the_reason_phrase(client: Client, server: FakeServer) -> None:
    server.reply(404)
    with pytest.raises(NotFound, match="Not Found"):
        client.order_status(1)


def test_error_body_in_json_without_message_is_shown_as_text(client: Client, server: FakeServer) -> None:
    server.reply(404, '{"error": "nope"}', "application/json")
    with pytest.raises(NotFound, match="nope"):
        client.order_status(1)


def test_connection_failure_is_a_transport_error(client: Client, server: FakeServer) -> None:
    import httpx

    server.answer(*[httpx.ConnectError("connection refused")] * 3)
    with pytest.raises(TransportError, match="connection refused") as raised:
        client.carriers()
    assert isinstance(raised.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("120", 120.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
        ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
        ("soon", None),
    ],
)
def test_retry_after_header(header: str | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now=now) == seconds


def test_redirect_is_reported_not_followed(client: Client, server: FakeServer) -> None:
    server.reply(301, "", Location="https://ghost.test/restful/export/carriers")
    with pytest.raises(ApiError, match="redirected to https://ghost") as raised:
        client.carriers()
    assert raised.value.status == 301
    assert len(server.requests) == 1

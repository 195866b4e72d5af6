"""The client against the real stockgate app: in-process and over a real socket, in both formats.

The app comes from the root fixtures (a fresh SQLite and PostgreSQL database per test); the client
only ever speaks HTTP to it, like any shop would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime, create_app
from stockgate_client import (
    Address,
    AuthenticationError,
    BadRequest,
    Client,
    DropshipOrder,
    NotFound,
    OrderRejected,
    OrderState,
    Recipient,
    Retries,
    TransportError,
)
from tests.client.app_transports import InProcessTransport, serving
from tests.conftest import Shop

ClientFactory = Callable[..., Client]


@pytest.fixture(params=["in-process", "live"])
def app_transport(
    request: pytest.FixtureRequest, runtime: Runtime
) -> Iterator[tuple[str, httpx.BaseTransport]]:
    """The real app's base URL and a transport to it: in-process, or uvicorn on a loopback port."""
    app = create_app(runtime.config, runtime)
    if request.param == "in-process":
        with TestClient(app) as test_client:
            yield "http://testserver", InProcessTransport(test_client)
    else:
        with serving(app) as base_url, httpx.HTTPTransport() as transport:
            yield base_url, transport


@pytest.fixture
def connect(app_transport: tuple[str, httpx.BaseTransport], fmt: str, shop: Shop) -> Iterator[ClientFactory]:
    """Clients of the real app for the test's shop."""
    base_url, transport = app_transport
    made: list[Client] = []

    def make(
        *,
        password: str | None = None,
        wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None,
    ) -> Client:
        made.append(
            Client(
                base_url,
                shop.api_key,
                password or shop.password,
                format=fmt,  # type: ignore[arg-type]
                transport=wrap(transport) if wrap else transport,
                retries=Retries(total=2, backoff=0),
            )
        )
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def ghost(connect: ClientFactory) -> Client:
    return connect()


def _order(key: str, items: dict[int, int], country: str = "IT") -> DropshipOrder:
    recipient = Recipient("ACME srl", Address("Roma", "10100", "Torino", country, address_number="1"))
    return DropshipOrder.of(key, datetime(2021, 2, 2, 23, 59, 59, tzinfo=UTC), recipient, items)


class LoseAnswerOnce(httpx.BaseTransport):
    """Delivers the first request to the server, then loses its answer as a read timeout would."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.sent = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        response = self.inner.handle_request(request)
        if self.sent == 1:
            response.read()
            response.close()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_credentials(connect: ClientFactory, ghost: Client) -> None:
    ghost.check()
    with pytest.raises(AuthenticationError):
        connect(password="wrong").reservation()


def test_carriers(ghost: Client, catalog: list[int]) -> None:
    carriers = {carrier.id: carrier for carrier in ghost.carriers()}
    assert carriers[10].name == "DHL"
    assert carriers[10].cost == Decimal("9.80")
    assert carriers[20].cost == Decimal("7.50")


def test_reserve_cycle(ghost: Client, stock: list[int]) -> None:
    a, b, empty = stock
    assert ghost.reservation().order_id == 0
    locked = ghost.lock({a: 3, b: 9, empty: 1})
    assert locked.order_id > 0
    assert [(m.stock_id, m.locked, m.available) for m in locked.models] == [
        (a, 3, 7),
        (b, 5, 0),
        (empty, 0, 0),
    ]
    assert ghost.unlock({b: 2}).locked(b) == 3
    assert ghost.set({a: 1}).locked(a) == 1
    assert ghost.ensure({a: 4}).locked(a) == 4
    assert ghost.ensure({a: 2}).locked(a) == 4
    assert ghost.reservation().models == ghost.reservation().models
    assert {m.stock_id for m in ghost.reservation().models} == {a, b}


def test_unknown_stock_id_is_a_bad_request(ghost: Client, stock: list[int]) -> None:
    with pytest.raises(BadRequest, match="999999"):
        ghost.lock({999999: 1})


def test_dropship_order_and_status(ghost: Client, stock: list[int]) -> None:
    a, b, _ = stock
    ghost.lock({a: 2})
    placed = ghost.place_dropship_order(_order("shop-1001", {a: 2, b: 1}))
    assert placed.order_id > 0
    assert placed.reservation.locked(a) == 0
    by_id = ghost.order_status(placed.order_id)
    by_key = ghost.order_status_by_key("shop-1001")
    assert by_id == by_key
    assert by_id.ext_ref == "shop-1001"
    assert by_id.state in (OrderState.BOOKED, OrderState.TO_DISPATCH)
    assert by_id.last_update.tzinfo is not None
    assert by_id.tracking_code is None


def test_several_orders_at_once(ghost: Client, stock: list[int], fmt: str) -> None:
    a, b, _ = stock
    placed = ghost.place_dropship_order([_order("k-1", {a: 1}), _order("k-2", {b: 1})])
    assert placed.order_id == ghost.order_status_by_key("k-2").order_id
    if fmt == "json":
        assert placed.order_ids == (ghost.order_status_by_key("k-1").order_id, placed.order_id)


def test_refused_order_body(ghost: Client, stock: list[int]) -> None:
    with pytest.raises(OrderRejected, match=r"(?i)country"):
        ghost.place_dropship_order(_order("bad-country", {stock[0]: 1}, country="XX"))
    with pytest.raises(OrderRejected):
        ghost.place_dropship_order(_order("nothing-left", {stock[2]: 1}))


def test_lost_answer_of_an_order_is_retried_without_a_duplicate(
    connect: ClientFactory, stock: list[int]
) -> None:
    a = stock[0]
    ghost = connect(wrap=LoseAnswerOnce)
    placed = ghost.place_dropship_order(_order("retry-me", {a: 2}))
    assert placed.order_id == ghost.order_status_by_key("retry-me").order_id
    # The server saw the order twice but took the stock once.
    assert ghost.set({a: 0}).models[0].available == 8


def test_lost_answer_of_an_acquire_is_not_retried(connect: ClientFactory, stock: list[int]) -> None:
    a = stock[0]
    ghost = connect(wrap=LoseAnswerOnce)
    with pytest.raises(TransportError, match="answer lost"):
        ghost.acquire({a: 2})
    assert ghost.set({a: 0}).models[0].available == 8  # ordered exactly once


def test_acquire(ghost: Client, stock: list[int]) -> None:
    a, b, _ = stock
    ghost.lock({a: 5})
    order_id = ghost.acquire({a: 2, b: 1}, carrier_id=10, auto_confirm=False)
    status = ghost.order_status(order_id)
    assert status.ext_ref is None
    assert status.state is OrderState.BOOKED
    assert ghost.reservation().locked(a) == 3


def test_acquire_errors(ghost: Client, stock: list[int]) -> None:
    with pytest.raises(NotFound, match=str(stock[2])):
        ghost.acquire({stock[2]: 1})
    with pytest.raises(OrderRejected):
        ghost.acquire({stock[0]: 0})


def test_unknown_orders(ghost: Client, stock: list[int]) -> None:
    with pytest.raises(NotFound):
        ghost.order_status(987654)
    with pytest.raises(NotFound):
        ghost.order_status_by_key("no-such-key")


def test_command_line_against_a_running_server(runtime: Runtime, shop: Shop, stock: list[int]) -> None:
    from click.testing import CliRunner

    from stockgate_client.cli import commands

    a = stock[0]
    with serving(create_app(runtime.config, runtime)) as base_url:
        env = {
            "STOCKGATE_URL": base_url,
            "STOCKGATE_API_KEY": shop.api_key,
            "STOCKGATE_PASSWORD": shop.password,
        }
        runner = CliRunner()
        locked = runner.invoke(commands, ["--format", "xml", "reserve", "lock", f"{a}=3", "--json"], env=env)
        assert locked.exit_code == 0, locked.output
        assert '"locked": 3' in locked.stdout
        acquired = runner.invoke(commands, ["acquire", f"{a}=3", "--json"], env=env)
        assert acquired.exit_code == 0, acquired.output
        order_id = str(json.loads(acquired.stdout)["order_id"])
        status = runner.invoke(commands, ["status", order_id], env=env)
        assert "BOOKED" in status.stdout or "TO_DISPATCH" in status.stdout
        missing = runner.invoke(commands, ["status", "987654"], env=env)
        assert missing.exit_code == 4
        assert missing.stderr.startswith("Error: NotFound (404): ")
        refused = runner.invoke(commands, ["check"], env={**env, "STOCKGATE_PASSWORD": "wrong"})
        assert refused.exit_code == 3

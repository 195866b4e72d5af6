"""Fixtures for the client's unit tests: a scripted fake server behind httpx.MockTransport."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

import httpx
import pytest

from stockgate_client import Client, Retries

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class FakeServer:
    """Answers requests from a queue of scripted responses and records what it was sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: deque[Answer] = deque()

    def answer(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def reply(
        self, status: int = 200, body: bytes | str = b"", content_type: str = "", **headers: str
    ) -> None:
        all_headers = {"Content-Type": content_type} if content_type else {}
        all_headers.update({name.replace("_", "-"): value for name, value in headers.items()})
        content = body.encode() if isinstance(body, str) else body
        self.answers.append(httpx.Response(status, content=content, headers=all_headers))

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        answer = self.answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, httpx.Response):
            return answer
        return answer(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def server() -> FakeServer:
    return FakeServer()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the client's back-off sleeps instead of sleeping."""
    delays: list[float] = []
    monkeypatch.setattr("stockgate_client.client.time.sleep", delays.append)
    return delays


@pytest.fixture(params=["json", "xml"])
def fmt(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(server: FakeServer, sleeps: list[float]) -> Iterator[Callable[[str], Client]]:
    """Clients of the fake server in a given format, closed after the test."""
    made: list[Client] = []

    def make(fmt: str) -> Client:
        made.append(
            Client(
                "http://ghost.test",
                "4a5b6c7d-0000-4000-8000-000000000001",
                "secret",
                format=fmt,  # type: ignore[arg-type]
                transport=httpx.MockTransport(server.handle),
                retries=Retries(total=2, backoff=0.01),
            )
        )
        return made[-1]

    yield make
    for ghost in made:
        ghost.close()


@pytest.fixture
def client(make_client: Callable[[str], Client], fmt: str) -> Client:
    return make_client(fmt)


@pytest.fixture
def make_order() -> object:
    """A complete dropshipping order, as in seed 000."""
    from datetime import datetime, timedelta, timezone

    from stockgate_client import Address, DropshipOrder, Phone, Recipient

    return DropshipOrder.of(
        "2357",
        datetime(2021, 2, 2, 23, 59, 59, tzinfo=timezone(timedelta(hours=1))),
        Recipient(
            "ACME srl",
            Address("Roma", "10100", "TORINO", "IT", street_type="Via", address_number="1", province="TO"),
            cfpiva="12345558",
            customer_key="7777",
            phone=Phone("+39", "0112838474"),
        ),
        {1578: 1, 1567: 2},
        carrier_id=20,
        auto_confirm=True,
    )

"""The HTTP sender against a real loopback server: what counts as delivered, and what is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stockgate.outbound.webhook_sender import HttpSender
from tests.support.webhook_receiver import Answer, Receiver, receiving

BODY = b'{"id":"evt_x","type":"ping","data":{}}'
HEADERS = {"Content-Type": "application/json", "X-Stockgate-Event-Id": "evt_x"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


@pytest.fixture
def sender() -> Iterator[HttpSender]:
    s = HttpSender(allow_private=True, timeout=5.0)
    yield s
    s.close()


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_delivered(sender: HttpSender, receiver: Receiver, status: int) -> None:
    receiver.answer(Answer(status, body=b"" if status == 204 else b"thanks"))
    outcome = sender.post(receiver.url, BODY, HEADERS)
    assert (outcome.delivered, outcome.status, outcome.error) == (True, status, "")
    [request] = receiver.received
    assert request.body == BODY and request.headers["X-Stockgate-Event-Id"] == "evt_x"
    assert request.headers["User-Agent"].startswith("stockgate-webhooks/")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (Answer(500, body=b"boom " * 100), "HTTP 500: " + ("boom " * 40).strip()),
        (Answer(404, body=b""), "HTTP 404"),
        (Answer(410, body="gone for good ✓".encode()), "HTTP 410: gone for good ✓"),
        (Answer(300, body=b""), "HTTP 300"),
    ],
)
def test_other_statuses_fail_with_the_start_of_the_answer(
    sender: HttpSender, receiver: Receiver, answer: Answer, error: str
) -> None:
    receiver.answer(answer)
    outcome = sender.post(receiver.url, BODY, HEADERS)
    assert (outcome.delivered, outcome.status, outcome.error) == (False, answer.status, error)


def test_redirects_are_not_followed(sender: HttpSender, receiver: Receiver) -> None:
    receiver.answer(Answer(302, body=b"", headers=(("Location", receiver.url + "/elsewhere"),)))
    outcome = sender.post(receiver.url, BODY, HEADERS)
    assert (outcome.delivered, outcome.status) == (False, 302)
    assert len(receiver.received) == 1


def test_a_slow_receiver_times_out(receiver: Receiver) -> None:
    receiver.answer(Answer(200, delay=1.5))
    sender = HttpSender(allow_private=True, timeout=0.3)
    try:
        outcome = sender.post(receiver.url, BODY, HEADERS)
    finally:
        sender.close()
    assert (outcome.delivered, outcome.status, outcome.error) == (False, None, "no answer within 0.3 s")


def test_a_closed_port_is_a_connection_error(sender: HttpSender, receiver: Receiver) -> None:
    url = receiver.url
    receiver.stop()
    outcome = sender.post(url, BODY, HEADERS)
    assert not outcome.delivered and outcome.status is None and outcome.error.startswith("ConnectError")


def test_private_addresses_are_refused_when_sending_too(receiver: Receiver) -> None:
    # Registered while allowed (or via a name whose DNS changed since): checked again on every attempt.
    sender = HttpSender(allow_private=False)
    try:
        outcome = sender.post(receiver.url, BODY, HEADERS)
        unresolvable = sender.post("http://no-such-host.invalid/hooks", BODY, HEADERS)
    finally:
        sender.close()
    assert not outcome.delivered and "127.0.0.1, which is not a public address" in outcome.error
    assert receiver.received == []
    assert not unresolvable.delivered and unresolvable.error.startswith("cannot resolve no-such-host.invalid")

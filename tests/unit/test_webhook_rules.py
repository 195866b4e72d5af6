"""Webhook rules without I/O: signatures (server side and the client's checker), URLs, event types,
the retry schedule."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest

from stockgate.domain.errors import InvalidInput
from stockgate.domain.statuses import OrderStatus
from stockgate.domain.webhook_signature import new_secret, signature, signature_header
from stockgate.domain.webhook_urls import check_url
from stockgate.domain.webhooks import (
    DEFAULT_EVENTS,
    MODEL_SOLD_OUT,
    ORDER_CANCELLED,
    ORDER_CONFIRMED,
    ORDER_DISPATCHED,
    RetryPolicy,
    order_event_type,
    parse_event_types,
)
from stockgate_client import InvalidSignature, verify_signature

SECRET = "whsec_test-secret-0123456789"
BODY = b'{"id":"evt_1","type":"order.created","data":{"order":{"order_id":7}}}'
T = 1_732_350_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    # Pinned so that receivers written from the README keep working; computed independently with
    # printf '1732350000.<body>' | openssl dgst -sha256 -hmac whsec_test-secret-0123456789
    expected = "3b80bd646b4361f5bd82deb975009195a682624b7f40599a9f765687e10743e0"
    assert signature(SECRET, T, BODY) == expected
    assert signature_header(SECRET, T, BODY) == f"t={T},v1={expected}"


def test_client_accepts_what_the_server_signs() -> None:
    header = signature_header(SECRET, T, BODY)
    assert verify_signature(BODY, header, SECRET, now=T + 10) == T
    assert verify_signature(BODY.decode(), header, SECRET, tolerance=None) == T
    # Several v1 values (e.g. a receiver testing two secrets' signatures): one match is enough.
    other = signature("whsec_another-secret-000000", T, BODY)
    assert verify_signature(BODY, f"t={T},v1={other},v1={signature(SECRET, T, BODY)}", SECRET, now=T) == T


SIGNED = "signed"  # the header the server computes for BODY


@pytest.mark.parametrize(
    ("body", "header", "secret", "now", "message"),
    [
        (BODY, None, SECRET, T, "no X-Stockgate-Signature"),
        (BODY, "", SECRET, T, "no X-Stockgate-Signature"),
        (BODY, "garbage", SECRET, T, "no t=... and v1="),
        (BODY, f"t={T}", SECRET, T, "no t=... and v1="),
        (BODY, "v1=abc", SECRET, T, "no t=... and v1="),
        (BODY, "t=soon,v1=abc", SECRET, T, "no t=... and v1="),
        (BODY.replace(b"7", b"8"), SIGNED, SECRET, T, "does not match"),  # tampered body
        (BODY + b"\n", SIGNED, SECRET, T, "does not match"),  # re-serialised body
        (BODY, SIGNED, "whsec_wrong-secret-00000000", T, "does not match"),
        (BODY, SIGNED, SECRET, T + 301, "old"),  # replayed later
        (BODY, SIGNED, SECRET, T - 301, "old"),  # receiver's clock far behind
    ],
)
def test_client_refuses_bad_signatures(
    body: bytes, header: str | None, secret: str, now: int, message: str
) -> None:
    if header == SIGNED:
        header = signature_header(SECRET, T, BODY)
    with pytest.raises(InvalidSignature, match=message):
        verify_signature(body, header, secret, now=now)


def test_changed_timestamp_breaks_the_signature() -> None:
    header = signature_header(SECRET, T, BODY).replace(f"t={T}", f"t={T + 100}")
    with pytest.raises(InvalidSignature, match="does not match"):
        verify_signature(BODY, header, SECRET, now=T + 100)


def test_generated_secrets_are_long_and_distinct() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    assert all(s.startswith("whsec_") and len(s) >= 40 for s in secrets)


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/hooks",
        "http://shop.example.com:8080/stockgate?token=abc",
        "https://93.184.216.34/hooks",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hooks",
    ],
)
def test_public_urls_are_accepted(url: str) -> None:
    assert check_url(f"  {url} ", allow_private=False) == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://shop.example.com/x", "must start with http"),
        ("javascript:alert(1)", "must start with http"),
        ("shop.example.com/hooks", "must start with http"),
        ("https:///hooks", "has no host"),
        ("https://user:pw@shop.example.com/", "user name or password"),
        ("https://shop.example.com:99999/", "malformed"),
        ("https://shop.example.com:0/", "port 0"),
        ("https://" + "a" * 2000 + ".com/", "longer than"),
        ("https://shop.example.com/a b", "spaces or control characters"),
        ("https://shop.example.com/\x00", "spaces or control characters"),
        ("https://shop.exa\nmple.com/", "spaces or control characters"),
    ],
)
def test_malformed_urls_are_refused_even_when_private_is_allowed(url: str, message: str) -> None:
    for allow in (False, True):
        with pytest.raises(InvalidInput, match=message):
            check_url(url, allow_private=allow)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hooks",
        "http://localhost/hooks",
        "http://api.localhost/hooks",
        "http://10.1.2.3/hooks",
        "http://192.168.0.10/hooks",
        "http://172.16.5.4/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hooks",
        "http://[fd00::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://0.0.0.0/hooks",
        "http://100.64.0.1/hooks",
    ],
)
def test_private_addresses_need_the_operator_s_permission(url: str) -> None:
    with pytest.raises(InvalidInput, match="not allowed here"):
        check_url(url, allow_private=False)
    assert check_url(url, allow_private=True) == url


def test_event_types() -> None:
    assert parse_event_types([]) == DEFAULT_EVENTS
    assert parse_event_types(["", " "]) == DEFAULT_EVENTS
    assert MODEL_SOLD_OUT not in DEFAULT_EVENTS  # opt-in
    assert parse_event_types(["order.dispatched, order.cancelled", "order.dispatched"]) == (
        ORDER_DISPATCHED,
        ORDER_CANCELLED,
    )
    assert parse_event_types(["*,model.sold_out"]) == (*DEFAULT_EVENTS, MODEL_SOLD_OUT)
    with pytest.raises(InvalidInput, match=r"unknown event type 'order\.shipped'"):
        parse_event_types(["order.created,order.shipped"])


def test_order_events_by_status() -> None:
    assert order_event_type(OrderStatus.TO_DISPATCH) == ORDER_CONFIRMED
    assert order_event_type(OrderStatus.MONEY_WAITING) == ORDER_CONFIRMED
    assert order_event_type(3) == ORDER_DISPATCHED
    assert order_event_type(2000) == ORDER_CANCELLED
    assert order_event_type(OrderStatus.BOOKED) is None
    assert order_event_type(12345) is None


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base=timedelta(seconds=30), cap=timedelta(hours=1))
    low = [policy.delay(n, 0.0) for n in range(1, 10)]
    high = [policy.delay(n, 0.999999) for n in range(1, 10)]
    assert low[:4] == [timedelta(seconds=s) for s in (15, 30, 60, 120)]
    assert all(h > lo for h, lo in zip(high, low, strict=True))
    assert all(b == 2 * a for a, b in itertools.pairwise(low[:7]))
    assert policy.delay(40, 0.0) == timedelta(minutes=30)  # capped, no overflow
    assert policy.delay(40, 0.999999) < timedelta(hours=1)
    rng = random.Random(3)
    spread = {policy.delay(5, rng.random()) for _ in range(20)}
    assert len(spread) == 20  # jitter: retries of many deliveries do not line up


def test_retries_last_at_least_a_day() -> None:
    policy = RetryPolicy()
    first = datetime(2026, 1, 1, tzinfo=UTC)
    moment, failures = first, 0
    while not policy.gives_up(first, moment):
        failures += 1
        moment += policy.delay(failures, 0.999999)
    assert moment - first >= timedelta(hours=24)
    assert failures >= 20  # many attempts within the day, not one at its end
    assert not policy.gives_up(first, first + timedelta(hours=23, minutes=59))

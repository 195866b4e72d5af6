"""`stockgate webhooks ...`: managing endpoints, looking at deliveries, delivering (also as a process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from stockgate.domain.webhooks import RetryPolicy
from stockgate.services.webhooks import redeliver
from stockgate_client import verify_signature
from tests.support.webhook_receiver import Answer, Receiver, receiving
from tests.support.webhooks import SIGNATURE, deliverer

EMAIL = "shop@example.com"
ALLOW = {"STOCKGATE_WEBHOOKS_ALLOW_PRIVATE": "1"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


@pytest.fixture
def run(database_url: str) -> Any:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(cli, [*args, "--database-url", database_url], env=env, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    invoke("accounts", "create", "--email", EMAIL, "--password", "long enough")
    return invoke


def doc(result: Result) -> Any:
    return json.loads(result.stdout)


def test_endpoint_lifecycle_and_deliveries(run: Any, receiver: Receiver) -> None:
    added = doc(run("webhooks", "add", EMAIL, receiver.url, "--description", "shop", "--json", env=ALLOW))
    secret, endpoint = added["secret"], str(added["id"])
    assert secret.startswith("whsec_") and added["account"] == EMAIL and added["enabled"] is True
    assert "model.sold_out" not in added["events"] and "order.dispatched" in added["events"]
    [listed] = doc(run("webhooks", "list", "--json"))
    assert "secret" not in listed and listed["secret_hint"] == secret[:10]  # shown once only
    assert secret not in run("webhooks", "list").stdout
    assert (listed["pending"], listed["failed"]) == (0, 0)

    event_id = doc(run("webhooks", "ping", endpoint, "--json"))["event_id"]
    assert doc(run("webhooks", "list", "--account", EMAIL, "--json"))[0]["pending"] == 1
    done = doc(run("webhooks", "deliver", "--once", "--json", env=ALLOW))
    assert done == {"attempted": 1, "delivered": 1, "retrying": 0, "failed": 0, "lost": 0}
    [ping] = receiver.delivered()
    assert ping.event_id == event_id and ping.json["data"] == {"endpoint_id": int(endpoint)}
    verify_signature(ping.body, ping.headers[SIGNATURE], secret)

    receiver.answer(500)
    run("webhooks", "ping", endpoint)
    assert "1 retrying" in run("webhooks", "deliver", "--once", env=ALLOW).stdout
    [waiting] = doc(run("webhooks", "deliveries", "--state", "pending", "--json"))
    assert (waiting["attempts"], waiting["last_status"], waiting["last_error"]) == (1, 500, "HTTP 500: ok")
    assert waiting["next_attempt_at"] is not None and waiting["type"] == "ping"
    assert "HTTP 500" in run("webhooks", "deliveries").stdout
    assert doc(run("webhooks", "redeliver", str(waiting["id"]), "--json")) == {"queued": 1}
    assert doc(run("webhooks", "deliver", "--once", "--json", env=ALLOW))["delivered"] == 1
    states = [d["state"] for d in doc(run("webhooks", "deliveries", "--endpoint", endpoint, "--json"))]
    assert states == ["delivered", "delivered"]
    receiver.answer(500)
    run("webhooks", "ping", endpoint)
    run("webhooks", "deliver", "--once", env=ALLOW)  # one pending, to be kept
    assert doc(run("webhooks", "prune", "--days", "1", "--json")) == {"pruned": 0}  # too recent
    assert doc(run("webhooks", "prune", "--days", "0", "--json")) == {"pruned": 2}
    assert [d["state"] for d in doc(run("webhooks", "deliveries", "--json"))] == ["pending"]

    changed = doc(run("webhooks", "set", endpoint, "--events", "order.dispatched", "--disabled", "--json"))
    assert (changed["events"], changed["enabled"]) == (["order.dispatched"], False)
    rotated = doc(run("webhooks", "rotate-secret", endpoint, "--json"))["secret"]
    assert rotated != secret and rotated.startswith("whsec_")
    given = doc(run("webhooks", "rotate-secret", endpoint, "--secret", "my-own-secret-123456", "--json"))
    assert given["secret"] == "my-own-secret-123456"
    assert doc(run("webhooks", "remove", endpoint, "--json"))["removed"] is True
    assert doc(run("webhooks", "list", "--json")) == []
    assert doc(run("webhooks", "deliveries", "--json")) == []


def test_failed_deliveries_are_listed_and_redelivered_with_failed(
    run: Any, receiver: Receiver, runtime: Runtime
) -> None:
    endpoint = str(doc(run("webhooks", "add", EMAIL, receiver.url, "--json", env=ALLOW))["id"])
    other = str(doc(run("webhooks", "add", EMAIL, receiver.url, "--json", env=ALLOW))["id"])
    run("webhooks", "ping", endpoint)
    run("webhooks", "ping", other)
    receiver.stop()  # down: the connection is refused
    assert "2 retrying" in run("webhooks", "deliver", "--once", env=ALLOW).stdout  # a day of retries ahead
    assert doc(run("webhooks", "redeliver", "--failed", "--json")) == {"queued": 0}
    # A worker whose retry window is over gives them up (the CLI's window is a day).
    redeliver(runtime.db, state="pending")
    with deliverer(runtime, policy=RetryPolicy(window=timedelta(0))) as worker:
        assert worker.drain().failed == 2
    failed = doc(run("webhooks", "deliveries", "--state", "failed", "--json"))
    assert len(failed) == 2 and all(row["last_error"].startswith("ConnectError") for row in failed)
    assert all(row["next_attempt_at"] is None for row in failed)
    assert [e["failed"] for e in doc(run("webhooks", "list", "--json"))] == [1, 1]
    receiver.start()
    queued = run("webhooks", "redeliver", "--failed", "--endpoint", endpoint, "--account", EMAIL, "--json")
    assert doc(queued) == {"queued": 1}
    assert doc(run("webhooks", "deliver", "--once", "--json", env=ALLOW))["delivered"] == 1
    assert [e["failed"] for e in doc(run("webhooks", "list", "--json"))] == [0, 1]
    assert doc(run("webhooks", "redeliver", "--failed", "--json")) == {"queued": 1}
    assert doc(run("webhooks", "deliver", "--once", "--json", env=ALLOW))["delivered"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["webhooks", "add", "ghost@b.co", "https://shop.example.com/h"], "account ghost@b.co not found"),
        (["webhooks", "add", EMAIL, "ftp://shop.example.com/h"], "must start with http"),
        (["webhooks", "add", EMAIL, "http://127.0.0.1:9/h"], "not allowed here"),
        (
            ["webhooks", "add", EMAIL, "https://shop.example.com/h", "--events", "order.shipped"],
            "unknown event",
        ),
        (["webhooks", "add", EMAIL, "https://shop.example.com/h", "--secret", "short"], "16 to 200"),
        (["webhooks", "set", "999", "--disabled"], "webhook endpoint 999 not found"),
        (["webhooks", "set", "999", "--url", "gopher://x"], "must start with http"),
        (["webhooks", "remove", "999"], "webhook endpoint 999 not found"),
        (["webhooks", "ping", "999"], "webhook endpoint 999 not found"),
        (["webhooks", "rotate-secret", "999"], "webhook endpoint 999 not found"),
        (["webhooks", "deliveries", "--endpoint", "999"], "webhook endpoint 999 not found"),
        (["webhooks", "deliveries", "--state", "lost"], "Invalid value"),
        (["webhooks", "redeliver"], "name delivery ids or give --failed"),
        (["webhooks", "redeliver", "12345"], "delivery 12345 not found"),
    ],
)
def test_errors_are_one_line_and_non_zero(run: Any, args: list[str], message: str) -> None:
    result = run(*args, ok=False)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


def test_deliver_runs_as_its_own_process_until_told_to_stop(
    run: Any, receiver: Receiver, database_url: str
) -> None:
    endpoint = str(doc(run("webhooks", "add", EMAIL, receiver.url, "--json", env=ALLOW))["id"])
    command = Path(sys.executable).parent / "stockgate"
    env = {**os.environ, **ALLOW, "STOCKGATE_DATABASE_URL": database_url}
    worker = subprocess.Popen(
        [str(command), "webhooks", "deliver", "--poll-interval", "0.1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        event_id = doc(run("webhooks", "ping", endpoint, "--json"))["event_id"]
        assert receiver.wait_for(1, timeout=60)[0].event_id == event_id
        worker.send_signal(signal.SIGTERM)
        _out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert b"Traceback" not in err


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing(run: Any, receiver: Receiver, database_url: str) -> None:
    endpoint = str(doc(run("webhooks", "add", EMAIL, receiver.url, "--json", env=ALLOW))["id"])
    arrived = threading.Event()

    def hold_the_first(_body: bytes) -> Answer | None:
        if arrived.is_set():
            return None
        arrived.set()
        return Answer(200, delay=3.0)  # the worker is killed while it waits for this answer

    receiver.decide = hold_the_first
    event_id = doc(run("webhooks", "ping", endpoint, "--json"))["event_id"]
    command = [str(Path(sys.executable).parent / "stockgate"), "webhooks", "deliver", "--lease", "10"]
    env = {**os.environ, **ALLOW, "STOCKGATE_DATABASE_URL": database_url}
    first = subprocess.Popen([*command, "--poll-interval", "0.1"], env=env, stderr=subprocess.PIPE)
    try:
        assert arrived.wait(timeout=120), "the first worker never tried"
    finally:
        first.kill()  # SIGKILL: no clean-up, its lease is left behind
        first.communicate(timeout=60)
    [row] = doc(run("webhooks", "deliveries", "--json"))
    assert (row["state"], row["attempts"]) == ("pending", 0)  # its outcome was never recorded
    second = subprocess.Popen([*command, "--poll-interval", "0.2"], env=env, stderr=subprocess.PIPE)
    try:
        got = receiver.wait_for(2, timeout=120)  # once the lease lapses, the second worker sends it
        second.send_signal(signal.SIGTERM)
        _out, err = second.communicate(timeout=60)
    finally:
        if second.poll() is None:
            second.kill()
            second.wait()
    assert second.returncode == 0, err
    assert [r.event_id for r in got] == [event_id, event_id]  # at least once: the receiver de-duplicates
    [row] = doc(run("webhooks", "deliveries", "--json"))
    assert (row["state"], row["attempts"]) == ("delivered", 1)

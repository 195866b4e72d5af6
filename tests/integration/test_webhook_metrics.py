"""Webhook figures on /metrics, on both databases: attempts by outcome and the outbox backlog, read
from the database at scrape time, so deliveries made by another process (`stockgate webhooks
deliver`) show too."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from stockgate.domain.webhooks import RetryPolicy
from stockgate.http.metrics import MULTIPROCESS_VARIABLE
from stockgate.services.webhook_metrics import webhook_report
from stockgate.services.webhooks import list_deliveries, ping_endpoint
from tests.conftest import AccountFactory
from tests.support.webhook_receiver import Receiver, receiving
from tests.support.webhooks import Clock, deliverer, hook

WEBHOOK_FAMILIES = {
    "stockgate_webhook_delivery_attempts",
    "stockgate_webhook_deliveries_given_up",
    "stockgate_webhook_outbox_pending",
    "stockgate_webhook_outbox_retrying",
    "stockgate_webhook_outbox_oldest_pending_age_seconds",
    "stockgate_webhook_outbox_failed",
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def scrape(http: TestClient) -> dict[str, float]:
    """Every sample of the webhook families, by name and labels: `name{label=value}` or `name`."""
    response = http.get("/metrics")
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.text):
        if family.name in WEBHOOK_FAMILIES:
            for s in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                samples[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return samples


def attempts(outcome: str) -> str:
    return f"stockgate_webhook_delivery_attempts_total{{outcome={outcome}}}"


def test_attempts_by_outcome_and_giving_up_show_on_metrics(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver).endpoint.id
    assert scrape(http) == {
        attempts("delivered"): 0,
        attempts("rejected"): 0,
        attempts("unreachable"): 0,
        "stockgate_webhook_deliveries_given_up_total": 0,
        "stockgate_webhook_outbox_pending": 0,
        "stockgate_webhook_outbox_retrying": 0,
        "stockgate_webhook_outbox_oldest_pending_age_seconds": 0,
        "stockgate_webhook_outbox_failed": 0,
    }
    clock = Clock()
    policy = RetryPolicy(base=timedelta(seconds=1), window=timedelta(minutes=1))
    with deliverer(runtime, clock=clock, policy=policy) as worker:
        for _ in range(2):
            ping_endpoint(runtime.db, endpoint_id=endpoint)
        clock.advance(seconds=5)  # the clock was read before the events were written
        assert worker.drain().delivered == 2
        assert len(receiver.delivered()) == 2
        receiver.answer(503)
        ping_endpoint(runtime.db, endpoint_id=endpoint)
        clock.advance(seconds=5)
        assert worker.drain().retrying == 1
        seen = scrape(http)
        assert (seen[attempts("delivered")], seen[attempts("rejected")]) == (2, 1)
        assert (seen["stockgate_webhook_outbox_pending"], seen["stockgate_webhook_outbox_retrying"]) == (1, 1)
        # The receiver goes down; past the retry window the delivery is given up.
        receiver.stop()
        clock.advance(minutes=2)
        assert worker.drain().failed == 1
    seen = scrape(http)
    assert (seen[attempts("delivered")], seen[attempts("rejected")], seen[attempts("unreachable")]) == (
        2,
        1,
        1,
    )
    assert seen["stockgate_webhook_deliveries_given_up_total"] == 1
    assert (seen["stockgate_webhook_outbox_pending"], seen["stockgate_webhook_outbox_failed"]) == (0, 1)


def test_the_backlog_shows_pending_deliveries_and_the_age_of_the_oldest(
    runtime: Runtime, http: TestClient, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver).endpoint.id
    for _ in range(3):
        ping_endpoint(runtime.db, endpoint_id=endpoint)
    seen = scrape(http)
    assert seen["stockgate_webhook_outbox_pending"] == 3
    assert seen["stockgate_webhook_outbox_retrying"] == 0
    assert 0 < seen["stockgate_webhook_outbox_oldest_pending_age_seconds"] < 3600
    oldest = min(d.created_at for d in list_deliveries(runtime.db, endpoint_id=endpoint))
    report = webhook_report(runtime.db, now=oldest + timedelta(seconds=90))
    assert (report.pending, report.oldest_pending_age) == (3, 90)
    with deliverer(runtime) as worker:
        worker.drain()
    assert scrape(http)["stockgate_webhook_outbox_pending"] == 0
    assert scrape(http)["stockgate_webhook_outbox_oldest_pending_age_seconds"] == 0


def test_deliveries_made_by_another_process_are_counted(
    runtime: Runtime, http: TestClient, database_url: str, make_account: AccountFactory, receiver: Receiver
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver).endpoint.id
    for _ in range(4):
        ping_endpoint(runtime.db, endpoint_id=endpoint)
    # The CLI opens its own engine on the database, as `stockgate webhooks deliver` in its own process.
    result = CliRunner().invoke(
        cli,
        ["webhooks", "deliver", "--once", "--database-url", database_url],
        env={"STOCKGATE_WEBHOOKS_ALLOW_PRIVATE": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert len(receiver.delivered()) == 4
    seen = scrape(http)
    assert (seen[attempts("delivered")], seen["stockgate_webhook_outbox_pending"]) == (4, 0)


def test_the_webhook_figures_are_reported_once_with_several_workers(
    runtime: Runtime,
    http: TestClient,
    make_account: AccountFactory,
    receiver: Receiver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With --workers N, /metrics adds up the workers' files; database figures join them as they are.
    shop = make_account()
    ping_endpoint(runtime.db, endpoint_id=hook(runtime, shop, receiver).endpoint.id)
    (tmp_path / "multiprocess").mkdir()
    monkeypatch.setenv(MULTIPROCESS_VARIABLE, str(tmp_path / "multiprocess"))
    assert scrape(http)["stockgate_webhook_outbox_pending"] == 1


def test_metrics_still_answer_when_the_webhook_figures_cannot_be_read(
    runtime: Runtime, http: TestClient, database_url: str
) -> None:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE webhook_counters"))
    engine.dispose()
    logger = logging.getLogger("stockgate")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        response = http.get("/metrics")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    assert "stockgate_http_request_duration_seconds" in response.text
    assert "stockgate_webhook" not in response.text
    assert "webhook metrics unavailable" in stream.getvalue()

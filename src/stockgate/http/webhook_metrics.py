"""The webhook families of /metrics, read from the database at scrape time (see
services/webhook_metrics.py for why not from in-process counters).

Being read from the database, they are the same whichever process answers /metrics and whichever
process delivered: with several workers they are reported as they are, not added up per worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from stockgate.services.webhook_metrics import ATTEMPT_OUTCOMES, WebhookReport

log = logging.getLogger(__name__)


class WebhookCollector:
    """A prometheus_client collector asking `report` for the current figures at each scrape."""

    def __init__(self, report: Callable[[], WebhookReport]) -> None:
        self.report = report

    def describe(self) -> Iterator[Metric]:
        # Lets a registry learn the names without a database read.
        yield from _families(None)

    def collect(self) -> Iterator[Metric]:
        try:
            report = self.report()
        except Exception as error:
            # The database may be down: /metrics still answers the rest (readyz tells the outage).
            log.warning("webhook metrics unavailable", extra={"error": f"{type(error).__name__}: {error}"})
            return
        yield from _families(report)


def _families(report: WebhookReport | None) -> Iterator[Metric]:
    attempts = CounterMetricFamily(
        "stockgate_webhook_delivery_attempts",
        "Webhook POSTs made by any process, by outcome: delivered (2xx in time), rejected (another "
        "answer), unreachable (no answer).",
        labels=["outcome"],
    )
    gave_up = CounterMetricFamily(
        "stockgate_webhook_deliveries_given_up", "Webhook deliveries that failed for good."
    )
    pending = GaugeMetricFamily("stockgate_webhook_outbox_pending", "Webhook deliveries waiting.")
    retrying = GaugeMetricFamily(
        "stockgate_webhook_outbox_retrying", "Waiting webhook deliveries attempted at least once."
    )
    oldest = GaugeMetricFamily(
        "stockgate_webhook_outbox_oldest_pending_age_seconds",
        "Age of the event of the oldest waiting webhook delivery (0 when none waits).",
    )
    failed = GaugeMetricFamily(
        "stockgate_webhook_outbox_failed", "Webhook deliveries given up and not redelivered."
    )
    if report is not None:
        for outcome in ATTEMPT_OUTCOMES:
            attempts.add_metric([outcome], report.attempts[outcome])
        gave_up.add_metric([], report.gave_up)
        pending.add_metric([], report.pending)
        retrying.add_metric([], report.retrying)
        oldest.add_metric([], report.oldest_pending_age)
        failed.add_metric([], report.failed)
    yield from (attempts, gave_up, pending, retrying, oldest, failed)

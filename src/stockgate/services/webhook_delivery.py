"""Delivering the outbox: lease due deliveries, POST them signed, record the outcome, back off.

Delivery is at least once: a worker that dies mid-attempt loses its lease after `lease` and another
worker tries again, so receivers de-duplicate on the event id. While a lease holds, no other worker
touches the row, so one event is never being delivered twice at the same time. Nothing here runs
inside a request: `serve` runs a DeliveryWorker thread per process, `stockgate webhooks deliver` runs
one on its own.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from stockgate.domain.dates import utc_now
from stockgate.domain.webhook_signature import SIGNATURE_HEADER, signature_header
from stockgate.domain.webhooks import RetryPolicy
from stockgate.services.unit_of_work import Database, Tx
from stockgate.services.webhook_metrics import GAVE_UP, attempt_counter
from stockgate.services.webhook_ports import DueDelivery, Outcome, Sender

log = logging.getLogger(__name__)

EVENT_ID_HEADER = "X-Stockgate-Event-Id"
EVENT_TYPE_HEADER = "X-Stockgate-Event-Type"
TIMESTAMP_HEADER = "X-Stockgate-Timestamp"
ATTEMPT_HEADER = "X-Stockgate-Attempt"


@dataclass(frozen=True, slots=True)
class DeliverySettings:
    batch: int = 20  # deliveries leased per round
    concurrency: int = 4  # POSTs in flight at once
    # Longer than the sender's 5 s limit by far, so a lease never lapses under a live attempt.
    lease: timedelta = timedelta(seconds=60)
    poll_interval: float = 1.0  # seconds between looks at an idle outbox
    retention: timedelta = timedelta(days=30)  # delivered rows are forgotten after this
    prune_interval: float = 3600.0  # seconds between two prunings by a running worker
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(slots=True)
class Round:
    """What one round did."""

    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0  # given up after the retry window
    lost: int = 0  # the lease had lapsed and another worker took the row: outcome not recorded
    ids: list[int] = field(default_factory=list)  # the deliveries claimed

    def add(self, other: Round) -> None:
        self.claimed += other.claimed
        self.delivered += other.delivered
        self.retrying += other.retrying
        self.failed += other.failed
        self.lost += other.lost
        self.ids += other.ids


def signed_headers(due: DueDelivery, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: due.event_id,
        EVENT_TYPE_HEADER: due.event_type,
        TIMESTAMP_HEADER: str(timestamp),
        ATTEMPT_HEADER: str(due.attempts + 1),
        SIGNATURE_HEADER: signature_header(due.secret, timestamp, due.body),
    }


class Deliverer:
    """Runs delivery rounds against one database with one sender."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        settings: DeliverySettings | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        random_unit: Callable[[], float] = random.random,
    ) -> None:
        self.db = db
        self.sender = sender
        self.settings = settings or DeliverySettings()
        self.clock = clock
        self.random_unit = random_unit
        self._pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="webhook-post")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.sender.close()

    def deliver_due(self) -> Round:
        """One round: lease what is due now, attempt each, record each outcome as it arrives."""
        now = self.clock()
        # A read first: an idle outbox costs no write transaction (on SQLite, no write lock).
        if not self.db.read(lambda tx: tx.webhooks.any_due(now)):
            return Round()
        token = secrets.token_hex(16)
        lease_until = now + self.settings.lease
        due = self.db.write(lambda tx: tx.webhooks.claim(now, self.settings.batch, lease_until, token))
        result = Round(claimed=len(due), ids=[d.id for d in due])
        futures = {self._pool.submit(self._attempt, d): d for d in due}
        for future in as_completed(futures):
            self._record(futures[future], future.result(), result)
        return result

    def drain(self) -> Round:
        """Rounds until nothing is due or a delivery comes round again (`webhooks deliver --once`)."""
        total = Round()
        while True:
            done = self.deliver_due()
            repeated = set(done.ids) & set(total.ids)
            total.add(done)
            if done.claimed == 0 or repeated:
                return total

    def prune(self) -> int:
        """Forget what was delivered longer ago than the retention; failed and pending rows stay."""
        before = self.clock() - self.settings.retention
        return self.db.write(lambda tx: tx.webhooks.prune(before))

    def _attempt(self, due: DueDelivery) -> Outcome:
        headers = signed_headers(due, int(self.clock().timestamp()))
        try:
            return self.sender.post(due.url, due.body, headers)
        except Exception as error:  # a defect in the sender must not kill the worker
            log.exception("webhook sender failed", extra={"delivery": due.id})
            return Outcome(False, None, f"{type(error).__name__}: {error}")

    def _record(self, due: DueDelivery, outcome: Outcome, result: Round) -> None:
        now = self.clock()
        # Every attempt made is counted, even when its lease had lapsed: the POST went out all the same.
        counters = [attempt_counter(outcome)]
        if outcome.delivered:

            def work(tx: Tx) -> bool:
                kept = tx.webhooks.record_delivered(due.id, due.lease_token, now, outcome.status or 0)
                tx.webhooks.tally(counters)
                return kept

            kept = self.db.write(work)
            result.delivered += kept
        else:
            policy = self.settings.policy
            give_up = policy.gives_up(due.first_attempt_at or now, now)
            retry_at = None if give_up else now + policy.delay(due.attempts + 1, self.random_unit())

            def fail(tx: Tx) -> bool:
                kept = tx.webhooks.record_failure(
                    due.id,
                    due.lease_token,
                    now,
                    status=outcome.status,
                    error=outcome.error,
                    retry_at=retry_at,
                )
                tx.webhooks.tally([*counters, GAVE_UP] if kept and give_up else counters)
                return kept

            kept = self.db.write(fail)
            if kept and give_up:
                result.failed += 1
                log.warning("webhook delivery failed for good", extra={"delivery": due.id})
            elif kept:
                result.retrying += 1
                log.info(
                    "webhook delivery will be retried", extra={"delivery": due.id, "error": outcome.error}
                )
        if not kept:
            result.lost += 1


class DeliveryWorker:
    """A Deliverer on a background thread: rounds back to back while there is work, else it waits."""

    def __init__(self, deliverer: Deliverer) -> None:
        self.deliverer = deliverer
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self.run, name="webhook-delivery", daemon=True)
            self._thread.start()

    def stop(self, timeout: float | None = 30) -> None:
        """Finish the round in progress, then stop."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.deliverer.close()

    def run(self) -> None:
        settings = self.deliverer.settings
        interval = settings.poll_interval
        next_prune = time.monotonic()
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + settings.prune_interval
                    self.deliverer.prune()
                done = self.deliverer.deliver_due()
            except Exception:
                # The database may be restarting: keep the worker alive and look again later.
                log.exception("webhook delivery round failed")
                self._stop.wait(interval)
                continue
            if done.claimed == 0:
                self._stop.wait(interval)

"""What /metrics says about webhooks: attempts by outcome, and the outbox backlog.

Both come from the database, read when /metrics is scraped, not from counters in the server's memory:
deliveries are made by every server process's worker thread and by `stockgate webhooks deliver`, often
a process of its own, and in-memory counters would show only the part the answering process made. The
attempt counts are kept in `webhook_counters`, incremented in the transaction that records each
outcome, so they are exact across processes, never go down (pruning delivered rows does not touch them)
and survive restarts, as Prometheus counters should (a counter that restarts from zero is fine too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stockgate.domain.dates import utc_now
from stockgate.services.unit_of_work import Database
from stockgate.services.webhook_ports import Outcome

# delivered: a 2xx in time; rejected: any other answer (a 4xx or 5xx, a redirect, a 2xx too late);
# unreachable: no answer at all (time-out, connection refused, a name that does not resolve or resolves
# to a private address).
ATTEMPT_OUTCOMES = ("delivered", "rejected", "unreachable")
GAVE_UP = "gave_up"


def attempt_outcome(outcome: Outcome) -> str:
    if outcome.delivered:
        return "delivered"
    return "unreachable" if outcome.status is None else "rejected"


def attempt_counter(outcome: Outcome) -> str:
    """The name of the counter one attempt adds to."""
    return f"attempt.{attempt_outcome(outcome)}"


@dataclass(frozen=True, slots=True)
class WebhookReport:
    attempts: dict[str, int]  # every ATTEMPT_OUTCOMES key, 0 when none yet
    gave_up: int  # deliveries that failed for good (each also counted in attempts)
    pending: int
    retrying: int  # pending deliveries attempted at least once
    failed: int  # deliveries given up and still kept
    oldest_pending_age: float  # seconds since the oldest pending delivery's event; 0 when none


def webhook_report(db: Database, *, now: datetime | None = None) -> WebhookReport:
    """Attempt counts and the outbox backlog, in one read transaction."""
    counts, backlog = db.read(lambda tx: (tx.webhooks.tallies(), tx.webhooks.backlog()))
    when = now or utc_now()
    oldest = backlog.oldest_pending_at
    return WebhookReport(
        attempts={name: counts.get(f"attempt.{name}", 0) for name in ATTEMPT_OUTCOMES},
        gave_up=counts.get(GAVE_UP, 0),
        pending=backlog.pending,
        retrying=backlog.retrying,
        failed=backlog.failed,
        oldest_pending_age=max(0.0, (when - oldest).total_seconds()) if oldest is not None else 0.0,
    )

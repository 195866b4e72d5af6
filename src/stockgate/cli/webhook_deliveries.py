"""`stockgate webhooks deliveries|redeliver|deliver`: what was sent, again on demand, and the worker."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

import click

from stockgate.bootstrap import webhook_deliverer
from stockgate.cli.common import database_option, emit, json_option, page_options, runtime, table
from stockgate.services.webhook_delivery import DeliverySettings, DeliveryWorker, Round
from stockgate.services.webhooks import DELIVERY_STATES, list_deliveries, prune_deliveries, redeliver
from stockgate.wire.webhook_documents import delivery_document


@click.command("deliveries")
@click.option("--state", type=click.Choice(DELIVERY_STATES), default=None)
@click.option("--endpoint", "endpoint_id", type=int, default=None)
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@click.option("--event", "event_id", default=None, help="One event (evt_...).")
@page_options("--before", "before_id", help="Continue below this delivery id.")
@database_option
@json_option
def deliveries(
    state: str | None,
    endpoint_id: int | None,
    email: str | None,
    event_id: str | None,
    limit: int,
    before_id: int | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Deliveries newest first, with attempts and the last error."""
    with runtime(database_url) as rt:
        found = list_deliveries(
            rt.db,
            state=state,
            endpoint_id=endpoint_id,
            email=email,
            event_id=event_id,
            before_id=before_id,
            limit=limit,
        )
    rows = [
        (x.id, x.event_type, x.subject, x.endpoint_id, x.state, x.attempts, x.last_error or "") for x in found
    ]
    emit(
        as_json,
        [delivery_document(x) for x in found],
        table(["id", "type", "subject", "endpoint", "state", "attempts", "last error"], rows),
    )


@click.command("redeliver")
@click.argument("delivery_ids", type=int, nargs=-1)
@click.option("--failed", is_flag=True, help="Every failed delivery (of the endpoint or account given).")
@click.option("--endpoint", "endpoint_id", type=int, default=None)
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@database_option
@json_option
def redeliver_(
    delivery_ids: tuple[int, ...],
    failed: bool,
    endpoint_id: int | None,
    email: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Send deliveries again now, with a fresh retry window: the ids given, or --failed ones."""
    if not delivery_ids and not failed:
        raise click.UsageError("name delivery ids or give --failed")
    with runtime(database_url) as rt:
        queued = redeliver(
            rt.db,
            delivery_ids=list(delivery_ids) or None,
            state="failed" if failed else None,
            endpoint_id=endpoint_id,
            email=email,
        )
    emit(as_json, {"queued": queued}, f"{queued} deliveries queued")


def _round_document(done: Round) -> dict[str, int]:
    return {
        "attempted": done.claimed,
        "delivered": done.delivered,
        "retrying": done.retrying,
        "failed": done.failed,
        "lost": done.lost,
    }


@click.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron or scripts).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--batch", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--poll-interval", type=click.FloatRange(0.05, 60), default=1.0, show_default=True)
@click.option(
    "--lease",
    type=click.FloatRange(10, 3600),
    default=60.0,
    show_default=True,
    help="Seconds a claimed delivery belongs to this worker; another takes it over if this one dies.",
)
@database_option
@json_option
def deliver(
    once: bool,
    concurrency: int,
    batch: int,
    poll_interval: float,
    lease: float,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Run a webhook delivery worker in this process (until SIGTERM or Ctrl-C, or --once)."""
    settings = DeliverySettings(
        batch=batch, concurrency=concurrency, poll_interval=poll_interval, lease=timedelta(seconds=lease)
    )
    with runtime(database_url) as rt:
        deliverer = webhook_deliverer(rt, settings)
        if once:
            try:
                done = deliverer.drain()
            finally:
                deliverer.close()
            document = _round_document(done)
            emit(as_json, document, ", ".join(f"{v} {k}" for k, v in document.items()))
            return
        worker = DeliveryWorker(deliverer)
        stopping = threading.Event()

        def stop(_signum: int, _frame: FrameType | None) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.start()
        if not as_json:
            click.echo("delivering webhooks (Ctrl-C to stop)")
        while not stopping.wait(1.0):
            pass
        worker.stop()


@click.command("prune")
@click.option("--days", type=click.IntRange(0, 36500), default=30, show_default=True)
@database_option
@json_option
def prune(days: int, database_url: str | None, as_json: bool) -> None:
    """Forget deliveries delivered more than DAYS ago (running workers also do it hourly)."""
    with runtime(database_url) as rt:
        gone = prune_deliveries(rt.db, days=days)
    emit(as_json, {"pruned": gone}, f"{gone} delivered deliveries forgotten")


def attach(group: click.Group) -> None:
    for command in (deliveries, redeliver_, deliver, prune):
        group.add_command(command)

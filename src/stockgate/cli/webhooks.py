"""`stockgate webhooks add|list|set|rotate-secret|remove|ping` (deliveries: cli/webhook_deliveries.py)."""

from __future__ import annotations

import click

from stockgate.cli import webhook_deliveries
from stockgate.cli.common import database_option, emit, json_option, runtime, table
from stockgate.domain.webhooks import EVENT_TYPES, OPT_IN
from stockgate.services.webhook_ports import Endpoint
from stockgate.services.webhooks import (
    add_endpoint,
    list_endpoints,
    ping_endpoint,
    remove_endpoint,
    rotate_secret,
    update_endpoint,
)
from stockgate.wire.webhook_documents import endpoint_document

_EVENTS_HELP = (
    "Comma-separated event types (default: all but the opt-in ones). Known: "
    + ", ".join(f"{t} (opt-in)" if t in OPT_IN else t for t in EVENT_TYPES)
    + "."
)


@click.group()
def webhooks() -> None:
    """Webhook endpoints: shops told of order and return changes by signed POSTs."""


def _human(endpoint: Endpoint) -> list[str]:
    state = "enabled" if endpoint.enabled else "disabled"
    return [
        f"endpoint {endpoint.id} for {endpoint.account_email} ({state}): {endpoint.url}",
        f"events: {', '.join(endpoint.events)}",
    ]


@webhooks.command("add")
@click.argument("email")
@click.argument("url")
@click.option("--events", default="", help=_EVENTS_HELP)
@click.option("--secret", default=None, help="Use this secret (16+ characters) instead of a generated one.")
@click.option("--description", default="")
@click.option("--disabled", is_flag=True, help="Register it without sending anything yet.")
@database_option
@json_option
def add(
    email: str,
    url: str,
    events: str,
    secret: str | None,
    description: str,
    disabled: bool,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Register a webhook URL for an account; prints the signing secret (shown only now)."""
    with runtime(database_url) as rt:
        new = add_endpoint(
            rt.db,
            email=email,
            url=url,
            events=[events],
            secret=secret,
            description=description,
            enabled=not disabled,
            allow_private=rt.config.webhooks_allow_private,
        )
    document = {**endpoint_document(new.endpoint), "secret": new.secret}
    emit(as_json, document, [*_human(new.endpoint), f"secret: {new.secret}  (shown only now)"])


@webhooks.command("list")
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@database_option
@json_option
def list_(email: str | None, database_url: str | None, as_json: bool) -> None:
    """Webhook endpoints with their pending and failed deliveries."""
    with runtime(database_url) as rt:
        found = list_endpoints(rt.db, email=email)
    rows = [
        (e.id, e.account_email, "yes" if e.enabled else "no", e.url, e.pending, e.failed, ",".join(e.events))
        for e in found
    ]
    emit(
        as_json,
        [endpoint_document(e) for e in found],
        table(["id", "account", "enabled", "url", "pending", "failed", "events"], rows),
    )


@webhooks.command("set")
@click.argument("endpoint_id", type=int)
@click.option("--url", default=None)
@click.option("--events", default=None, help=_EVENTS_HELP)
@click.option("--enabled/--disabled", default=None, help="A disabled endpoint gets nothing; pending waits.")
@click.option("--description", default=None)
@database_option
@json_option
def set_(
    endpoint_id: int,
    url: str | None,
    events: str | None,
    enabled: bool | None,
    description: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Change an endpoint's URL, event types, description or enabled flag."""
    with runtime(database_url) as rt:
        endpoint = update_endpoint(
            rt.db,
            endpoint_id=endpoint_id,
            url=url,
            events=None if events is None else [events],
            enabled=enabled,
            description=description,
            allow_private=rt.config.webhooks_allow_private,
        )
    emit(as_json, endpoint_document(endpoint), _human(endpoint))


@webhooks.command("rotate-secret")
@click.argument("endpoint_id", type=int)
@click.option("--secret", default=None, help="Use this secret (16+ characters) instead of a generated one.")
@database_option
@json_option
def rotate(endpoint_id: int, secret: str | None, database_url: str | None, as_json: bool) -> None:
    """Give an endpoint a new signing secret and print it (shown only now)."""
    with runtime(database_url) as rt:
        new = rotate_secret(rt.db, endpoint_id=endpoint_id, secret=secret)
    emit(as_json, {"id": endpoint_id, "secret": new}, f"secret: {new}  (shown only now)")


@webhooks.command("remove")
@click.argument("endpoint_id", type=int)
@database_option
@json_option
def remove(endpoint_id: int, database_url: str | None, as_json: bool) -> None:
    """Delete an endpoint; its pending deliveries are dropped."""
    with runtime(database_url) as rt:
        gone = remove_endpoint(rt.db, endpoint_id=endpoint_id)
    emit(as_json, {**endpoint_document(gone), "removed": True}, f"endpoint {gone.id} removed ({gone.url})")


@webhooks.command("ping")
@click.argument("endpoint_id", type=int)
@database_option
@json_option
def ping(endpoint_id: int, database_url: str | None, as_json: bool) -> None:
    """Queue a `ping` event to an endpoint, to try it out."""
    with runtime(database_url) as rt:
        event_id = ping_endpoint(rt.db, endpoint_id=endpoint_id)
    emit(as_json, {"endpoint_id": endpoint_id, "event_id": event_id}, f"ping {event_id} queued")


webhook_deliveries.attach(webhooks)


def register(cli: click.Group) -> None:
    cli.add_command(webhooks)

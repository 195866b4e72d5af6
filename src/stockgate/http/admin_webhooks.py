"""Admin API: webhook endpoints of the accounts, and their deliveries (supplier.md section 5)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import InvalidInput
from stockgate.http.admin_call import AdminCall, Reply, admin_routes, flag, integer, page, text
from stockgate.services.webhooks import (
    add_endpoint,
    list_deliveries,
    list_endpoints,
    ping_endpoint,
    redeliver,
    remove_endpoint,
    rotate_secret,
    show_endpoint,
    update_endpoint,
)
from stockgate.wire.webhook_documents import delivery_document, endpoint_document


def _events(body: dict[str, Any]) -> list[str] | None:
    value = body.get("events")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput("events", "events must be a list of event type names")
    return value


def endpoints(call: AdminCall) -> Any:
    limit = call.limit()
    after = call.cursor()
    found = list_endpoints(
        call.ctx.db,
        email=call.query.get("account") or None,
        after_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(found, limit, lambda x: (x.id,), endpoint_document)


def create(call: AdminCall) -> Any:
    body = call.json()
    new = add_endpoint(
        call.ctx.db,
        email=text(body, "account", required=True) or "",
        url=text(body, "url", required=True) or "",
        events=_events(body) or [],
        secret=text(body, "secret"),
        description=text(body, "description") or "",
        enabled=flag(body, "enabled") is not False,
        allow_private=call.ctx.webhooks_allow_private,
    )
    return Reply({**endpoint_document(new.endpoint), "secret": new.secret}, status=201)


def endpoint(call: AdminCall) -> Any:
    return endpoint_document(show_endpoint(call.ctx.db, endpoint_id=call.path_id("id", "webhook endpoint")))


def change(call: AdminCall) -> Any:
    body = call.json()
    changed = update_endpoint(
        call.ctx.db,
        endpoint_id=call.path_id("id", "webhook endpoint"),
        url=text(body, "url"),
        events=_events(body),
        enabled=flag(body, "enabled"),
        description=text(body, "description"),
        allow_private=call.ctx.webhooks_allow_private,
    )
    return endpoint_document(changed)


def delete(call: AdminCall) -> Any:
    gone = remove_endpoint(call.ctx.db, endpoint_id=call.path_id("id", "webhook endpoint"))
    return {**endpoint_document(gone), "removed": True}


def rotate(call: AdminCall) -> Any:
    endpoint_id = call.path_id("id", "webhook endpoint")
    secret = rotate_secret(call.ctx.db, endpoint_id=endpoint_id, secret=text(call.json(), "secret"))
    return {"id": endpoint_id, "secret": secret}


def ping(call: AdminCall) -> Any:
    endpoint_id = call.path_id("id", "webhook endpoint")
    return Reply(
        {"endpoint_id": endpoint_id, "event_id": ping_endpoint(call.ctx.db, endpoint_id=endpoint_id)}, 202
    )


def deliveries(call: AdminCall) -> Any:
    """Newest first; the cursor continues below the last delivery shown."""
    limit = call.limit()
    after = call.cursor()
    found = list_deliveries(
        call.ctx.db,
        state=call.query.get("state") or None,
        endpoint_id=call.query_int("endpoint"),
        email=call.query.get("account") or None,
        event_id=call.query.get("event") or None,
        before_id=after[0] if after else None,
        limit=limit + 1,
    )
    return page(found, limit, lambda x: (x.id,), delivery_document)


def send_again(call: AdminCall) -> Any:
    body = call.json()
    ids = body.get("ids")
    if ids is not None and not (isinstance(ids, list) and all(type(i) is int for i in ids)):
        raise InvalidInput("ids", "ids must be a list of delivery ids")
    queued = redeliver(
        call.ctx.db,
        delivery_ids=ids,
        state=text(body, "state"),
        endpoint_id=integer(body, "endpoint"),
        email=text(body, "account"),
    )
    return {"queued": queued}


def routes() -> list[BaseRoute]:
    return [
        *admin_routes("/webhooks", endpoints, methods=["GET"]),
        *admin_routes("/webhooks", create, methods=["POST"]),
        *admin_routes("/webhooks/{id}", endpoint, methods=["GET"]),
        *admin_routes("/webhooks/{id}", change, methods=["PATCH"]),
        *admin_routes("/webhooks/{id}", delete, methods=["DELETE"]),
        *admin_routes("/webhooks/{id}/rotate-secret", rotate, methods=["POST"]),
        *admin_routes("/webhooks/{id}/ping", ping, methods=["POST"]),
        *admin_routes("/webhook-deliveries", deliveries, methods=["GET"]),
        *admin_routes("/webhook-deliveries/redeliver", send_again, methods=["POST"]),
    ]

"""The admin API's webhook resources in the OpenAPI document (joined into openapi_admin.admin_section)."""

from __future__ import annotations

from typing import Any

from stockgate.domain.webhooks import EVENT_TYPES
from stockgate.http.openapi import Schema
from stockgate.http.openapi_admin import LIST, _body, _ok, _op, _param, _path_id
from stockgate.http.openapi_admin_schemas import (
    ID,
    INSTANT,
    INT,
    TEXT,
    exact,
    loose,
    nullable,
    page_of,
)

EVENTS: Schema = {"type": "array", "items": {"enum": list(EVENT_TYPES)}}
STATE: Schema = {"enum": ["pending", "delivered", "failed"]}

ENDPOINT_FIELDS: dict[str, Schema] = {
    "id": ID,
    "account": TEXT,
    "url": TEXT,
    "events": EVENTS,
    "enabled": {"type": "boolean"},
    "description": TEXT,
    "secret_hint": TEXT,
    "created_at": INSTANT,
    "pending": {"type": "integer", "minimum": 0},
    "failed": {"type": "integer", "minimum": 0},
}

WEBHOOK_SCHEMAS: dict[str, Schema] = {
    "WebhookEndpoint": exact(ENDPOINT_FIELDS),
    "WebhookEndpointPage": page_of("WebhookEndpoint"),
    "NewWebhookEndpoint": exact({**ENDPOINT_FIELDS, "secret": TEXT}),
    "RemovedWebhookEndpoint": exact({**ENDPOINT_FIELDS, "removed": {"const": True}}),
    "WebhookSecret": exact({"id": ID, "secret": TEXT}),
    "WebhookPing": exact({"endpoint_id": ID, "event_id": TEXT}),
    "WebhookDelivery": exact(
        {
            "id": ID,
            "event_id": TEXT,
            "type": TEXT,
            "subject": TEXT,
            "endpoint_id": ID,
            "account": TEXT,
            "url": TEXT,
            "state": STATE,
            "attempts": {"type": "integer", "minimum": 0},
            "created_at": INSTANT,
            "next_attempt_at": nullable(INSTANT),
            "first_attempt_at": nullable(INSTANT),
            "last_attempt_at": nullable(INSTANT),
            "delivered_at": nullable(INSTANT),
            "last_status": nullable(INT),
            "last_error": nullable(TEXT),
        }
    ),
    "WebhookDeliveryPage": page_of("WebhookDelivery"),
    "Redelivered": exact({"queued": {"type": "integer", "minimum": 0}}),
}


def webhook_paths() -> dict[str, Any]:
    """Paths relative to the admin API's prefix."""
    endpoint = _path_id("id", "webhook endpoint")
    settings = {"url": TEXT, "events": EVENTS, "enabled": {"type": "boolean"}, "description": TEXT}
    return {
        "/webhooks": {
            "get": _op(
                "List webhook endpoints (id order)",
                _ok("WebhookEndpointPage"),
                ("400", "404"),
                parameters=[*LIST, _param("account", "query", TEXT, "Only this account's (e-mail).")],
            ),
            "post": _op(
                "Register a webhook URL for an account (events default to all but the opt-in ones)",
                _ok("NewWebhookEndpoint", "Created; the secret is shown once", "201"),
                ("400", "404"),
                requestBody=_body(loose({**settings, "account": TEXT, "secret": TEXT}, ("account", "url"))),
            ),
        },
        "/webhooks/{id}": {
            "get": _op("One webhook endpoint", _ok("WebhookEndpoint"), ("404",), parameters=[endpoint]),
            "patch": _op(
                "Change URL, events, description or enabled (only those given)",
                _ok("WebhookEndpoint"),
                ("400", "404"),
                parameters=[endpoint],
                requestBody=_body(loose(settings)),
            ),
            "delete": _op(
                "Remove an endpoint; its pending deliveries are dropped",
                _ok("RemovedWebhookEndpoint"),
                ("404",),
                parameters=[endpoint],
            ),
        },
        "/webhooks/{id}/rotate-secret": {
            "post": _op(
                "A new signing secret (generated unless given), shown once",
                _ok("WebhookSecret"),
                ("400", "404"),
                parameters=[endpoint],
                requestBody=_body(loose({"secret": TEXT}), required=False),
            )
        },
        "/webhooks/{id}/ping": {
            "post": _op(
                "Queue a `ping` event to the endpoint",
                _ok("WebhookPing", "Queued", "202"),
                ("404",),
                parameters=[endpoint],
            )
        },
        "/webhook-deliveries": {
            "get": _op(
                "List deliveries, newest first, with attempts and last error",
                _ok("WebhookDeliveryPage"),
                ("400", "404"),
                parameters=[
                    *LIST,
                    _param("state", "query", STATE, "Only deliveries in this state."),
                    _param("endpoint", "query", ID, "Only this endpoint's."),
                    _param("account", "query", TEXT, "Only this account's (e-mail)."),
                    _param("event", "query", TEXT, "Only this event (evt_...)."),
                ],
            )
        },
        "/webhook-deliveries/redeliver": {
            "post": _op(
                "Send again now, with a fresh retry window: the ids given, or those matching the filter",
                _ok("Redelivered"),
                ("400", "404"),
                requestBody=_body(
                    loose(
                        {
                            "ids": {"type": "array", "items": ID},
                            "state": STATE,
                            "endpoint": ID,
                            "account": TEXT,
                        }
                    )
                ),
            )
        },
    }

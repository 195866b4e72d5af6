"""JSON documents of webhook endpoints and deliveries, as the CLI (--json) and the admin API show them."""

from __future__ import annotations

from typing import Any

from stockgate.services.webhook_ports import Delivery, Endpoint


def endpoint_document(endpoint: Endpoint) -> dict[str, Any]:
    """An endpoint; its secret only as a hint (the whole secret is shown once, when set)."""
    return {
        "id": endpoint.id,
        "account": endpoint.account_email,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
        "description": endpoint.description,
        "secret_hint": endpoint.secret_hint,
        "created_at": endpoint.created_at,
        "pending": endpoint.pending,
        "failed": endpoint.failed,
    }


def delivery_document(delivery: Delivery) -> dict[str, Any]:
    """A delivery: its event, where it goes, its state, attempts and last error."""
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "type": delivery.event_type,
        "subject": delivery.subject,
        "endpoint_id": delivery.endpoint_id,
        "account": delivery.account_email,
        "url": delivery.url,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at if delivery.state == "pending" else None,
        "first_attempt_at": delivery.first_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "delivered_at": delivery.delivered_at,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
    }

"""The admin API's webhook resources: endpoints managed, deliveries listed and sent again (both engines)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import jsonschema_rs
import pytest
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.domain.webhooks import RetryPolicy
from stockgate.http.openapi_admin import admin_section
from stockgate.services.admin_access import create_admin_token
from stockgate.services.webhooks import ping_endpoint
from tests.conftest import AccountFactory
from tests.support.webhook_receiver import Receiver, receiving
from tests.support.webhooks import deliverer, hook

API = "/admin/api/v1"
URL = "https://shop.example.com/hooks"


def conforms(name: str, answer: object) -> None:
    """The answer matches its (exact) schema in the OpenAPI document."""
    schemas = admin_section()["schemas"]
    check = jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    )
    assert [str(e) for e in check.iter_errors(answer)] == []


@pytest.fixture
def admin(runtime: Runtime) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_admin_token(runtime.db, name='ops').token}"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


def test_endpoints_are_managed_through_the_api(
    http: TestClient, admin: dict[str, str], make_account: AccountFactory
) -> None:
    shop, other = make_account(), make_account()
    assert http.get(f"{API}/webhooks").status_code == 401
    assert http.post(f"{API}/webhooks", json={"account": shop.email, "url": URL}).status_code == 401
    created = http.post(
        f"{API}/webhooks",
        json={"account": shop.email, "url": URL, "events": ["order.dispatched", "model.sold_out"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["secret"].startswith("whsec_") and first["events"] == ["order.dispatched", "model.sold_out"]
    second = http.post(
        f"{API}/webhooks", json={"account": other.email, "url": URL + "/2"}, headers=admin
    ).json()
    assert "secret" not in http.get(f"{API}/webhooks/{first['id']}", headers=admin).json()

    page = http.get(f"{API}/webhooks", params={"limit": 1}, headers=admin).json()
    assert [e["id"] for e in page["items"]] == [first["id"]] and page["next_cursor"]
    conforms("WebhookEndpointPage", page)
    rest = http.get(
        f"{API}/webhooks", params={"limit": 1, "cursor": page["next_cursor"]}, headers=admin
    ).json()
    assert [e["id"] for e in rest["items"]] == [second["id"]] and rest["next_cursor"] is None
    mine = http.get(f"{API}/webhooks", params={"account": other.email}, headers=admin).json()["items"]
    assert [e["id"] for e in mine] == [second["id"]]

    patched = http.patch(
        f"{API}/webhooks/{first['id']}", json={"enabled": False, "events": ["order.cancelled"]}, headers=admin
    ).json()
    assert (patched["enabled"], patched["events"]) == (False, ["order.cancelled"])
    conforms("WebhookEndpoint", patched)
    rotated = http.post(f"{API}/webhooks/{first['id']}/rotate-secret", headers=admin).json()
    assert rotated["secret"] != first["secret"]
    conforms("WebhookSecret", rotated)
    removed = http.delete(f"{API}/webhooks/{first['id']}", headers=admin).json()
    assert removed["removed"] is True
    conforms("RemovedWebhookEndpoint", removed)
    assert http.get(f"{API}/webhooks/{first['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "detail"),
    [
        ({"url": URL}, "account", "account is required"),
        ({"account": "ghost@b.co", "url": URL}, None, "account ghost@b.co not found"),
        ({"account": "{email}", "url": "ftp://x.example/h"}, "url", "must start with http"),
        ({"account": "{email}", "url": "http://10.0.0.7/h"}, "url", "not allowed here"),
        ({"account": "{email}", "url": URL, "events": "order.created"}, "events", "must be a list"),
        ({"account": "{email}", "url": URL, "events": ["order.shipped"]}, "events", "unknown event type"),
        ({"account": "{email}", "url": URL, "secret": "short"}, "secret", "16 to 200"),
        ({"account": "{email}", "url": URL, "description": "a\x00b"}, "description", "control characters"),
        ({"account": "{email}", "url": URL + "\x00"}, "url", "control characters"),
    ],
)
def test_bad_endpoints_are_problems(
    http: TestClient,
    admin: dict[str, str],
    make_account: AccountFactory,
    body: dict[str, object],
    field: str | None,
    detail: str,
) -> None:
    shop = make_account()
    body = {k: (shop.email if v == "{email}" else v) for k, v in body.items()}
    response = http.post(f"{API}/webhooks", json=body, headers=admin)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert detail in problem["detail"] and problem.get("field") == field


def test_deliveries_are_listed_and_failed_ones_sent_again(
    runtime: Runtime,
    http: TestClient,
    admin: dict[str, str],
    make_account: AccountFactory,
    receiver: Receiver,
) -> None:
    shop = make_account()
    endpoint = hook(runtime, shop, receiver).endpoint
    ping = http.post(f"{API}/webhooks/{endpoint.id}/ping", headers=admin)
    assert ping.status_code == 202
    conforms("WebhookPing", ping.json())
    ping_endpoint(runtime.db, endpoint_id=endpoint.id)
    receiver.answer(503, 503)
    with deliverer(runtime, policy=RetryPolicy(window=timedelta(0))) as worker:
        assert worker.drain().failed == 2
    listed = http.get(
        f"{API}/webhook-deliveries", params={"state": "failed", "limit": 1}, headers=admin
    ).json()
    [newest] = listed["items"]
    conforms("WebhookDeliveryPage", listed)
    assert (newest["state"], newest["last_error"], newest["attempts"]) == ("failed", "HTTP 503: ok", 1)
    older = http.get(
        f"{API}/webhook-deliveries",
        params={"state": "failed", "cursor": listed["next_cursor"]},
        headers=admin,
    ).json()["items"]
    assert [d["event_id"] for d in older] == [ping.json()["event_id"]]
    assert http.get(f"{API}/webhook-deliveries", params={"state": "odd"}, headers=admin).status_code == 400
    again = http.post(f"{API}/webhook-deliveries/redeliver", json={"ids": [newest["id"]]}, headers=admin)
    assert again.json() == {"queued": 1}
    conforms("Redelivered", again.json())
    assert http.post(f"{API}/webhook-deliveries/redeliver", json={}, headers=admin).status_code == 400
    assert (
        http.post(f"{API}/webhook-deliveries/redeliver", json={"ids": "1"}, headers=admin).status_code == 400
    )
    missing = http.post(f"{API}/webhook-deliveries/redeliver", json={"ids": [999999]}, headers=admin)
    assert missing.status_code == 404
    with deliverer(runtime) as worker:
        assert worker.drain().delivered == 1
    rest = http.post(
        f"{API}/webhook-deliveries/redeliver",
        json={"state": "failed", "endpoint": endpoint.id, "account": shop.email},
        headers=admin,
    )
    assert rest.json() == {"queued": 1}
    with deliverer(runtime) as worker:
        assert worker.drain().delivered == 1
    states = [d["state"] for d in http.get(f"{API}/webhook-deliveries", headers=admin).json()["items"]]
    assert states == ["delivered", "delivered"]


@pytest.mark.parametrize(
    ("method", "path", "body", "params", "status"),
    [
        ("GET", "/webhook-deliveries", None, {"event": "evt_\x00"}, 400),
        ("GET", "/webhook-deliveries", None, {"event": "x" * 41}, 400),
        ("GET", "/webhook-deliveries", None, {"endpoint": "999999999999999999"}, 400),
        ("POST", "/webhook-deliveries/redeliver", {"ids": [2**63]}, None, 404),
        ("POST", "/webhook-deliveries/redeliver", {"endpoint": 2**63}, None, 404),
        ("POST", "/webhook-deliveries/redeliver", {"state": "failed", "endpoint": -1}, None, 404),
        ("PATCH", "/webhooks/1", {"description": "\x07"}, None, 400),  # checked before the lookup
        ("GET", "/webhooks", None, {"cursor": "WzkyMjMzNzIwMzY4NTQ3NzU4MDhd"}, 400),  # [2**63]
    ],
)
def test_odd_filters_are_refused_not_crashed_on(
    http: TestClient,
    admin: dict[str, str],
    method: str,
    path: str,
    body: object,
    params: dict[str, str] | None,
    status: int,
) -> None:
    response = http.request(method, API + path, json=body, params=params, headers=admin)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")

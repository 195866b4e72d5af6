"""The OpenAPI sections of the admin API and of the returns endpoints: valid, complete, and true to the
answers the app really gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from starlette.routing import Route
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.http.app import api_document
from stockgate.http.openapi_abuse import abuse_section
from stockgate.http.openapi_admin import admin_section
from stockgate.http.openapi_returns import returns_section
from stockgate.services.admin_access import create_admin_token
from stockgate.services.auth import Principal
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.orders import JSON
from tests.support.supplier import dispatched, place

API = "/admin/api/v1"


def document() -> dict[str, Any]:
    """The whole document as served: every section, the returns' and the admin API's among them."""
    return api_document()


def test_the_whole_document_is_valid_openapi_and_served(http: TestClient) -> None:
    doc = document()
    assert http.get("/openapi.json").json() == doc
    assert doc["components"]["securitySchemes"]["adminBearer"]["scheme"] == "bearer"
    schema = schemathesis.openapi.from_dict(doc)
    schema.validate()
    assert all(result.ok() for result in schema.get_all_operations())
    for name, component in doc["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(component), name


def test_every_route_is_documented_and_every_documented_route_served(http: TestClient) -> None:
    served: dict[str, set[str]] = {}
    for route in http.app.routes:  # type: ignore[attr-defined]
        if not isinstance(route, Route) or "{rest:path}" in route.path:
            continue
        if route.path.startswith(API) or "returnedgoods" in route.path or "dropshipping/status" in route.path:
            methods = {m.lower() for m in route.methods or ()} - {"head"}
            served.setdefault(route.path.rstrip("/"), set()).update(methods)
    mine = {**admin_section()["paths"], **abuse_section()["paths"], **returns_section()["paths"]}
    assert served == {path: set(methods) for path, methods in mine.items()}
    assert set(mine) <= set(document()["paths"])


def validator(name: str) -> Any:
    doc = document()
    return jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
    )


def test_answers_match_their_schemas(
    http: TestClient,
    runtime: Runtime,
    make_account: AccountFactory,
    catalog: list[int],
    principal_of: Callable[[Shop], Principal],
) -> None:
    admin = {"Authorization": f"Bearer {create_admin_token(runtime.db, name='doc').token}"}
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    shop = make_account(ecredit="100")
    sent = dispatched(runtime, principal_of(shop), "DOC-1", {catalog[0]: 2})
    waiting = place(runtime, principal_of(shop), "DOC-2", {catalog[0]: 1}, auto_confirm=False)
    request = {"orderId": sent, "items": [{"stockModelId": catalog[0], "quantity": 1, "reasonCode": 2}]}
    opened = http.post("/restful/ghost/returnedgoods/request/new", json=request, auth=shop.auth, headers=JSON)
    refused = http.post(
        "/restful/ghost/returnedgoods/request/new",
        json={"orderId": waiting, "items": [{"stockModelId": catalog[0]}]},
        auth=shop.auth,
        headers=JSON,
    )
    line = http.get(f"{API}/returns", headers=admin).json()["items"][0]["id"]
    http.post(f"{API}/returns/{line}/authorize", headers=admin)

    checks: list[tuple[str, Any]] = [
        ("ReturnOutcome", opened.json()),
        ("ReturnOutcome", refused.json()),
        (
            "OrderReturns",
            http.get(f"/restful/ghost/returnedgoods/serverkey/{sent}", auth=shop.auth, headers=JSON).json(),
        ),
        ("AccountPage", http.get(f"{API}/accounts", headers=admin).json()),
        ("Account", http.get(f"{API}/accounts/{shop.account_id}", headers=admin).json()),
        (
            "Balance",
            http.post(f"{API}/accounts/{shop.account_id}/credit", json={"amount": "1"}, headers=admin).json(),
        ),
        ("CarrierPage", http.get(f"{API}/carriers", headers=admin).json()),
        ("HoldingPage", http.get(f"{API}/reservations", headers=admin).json()),
        ("StockSet", http.put(f"{API}/stock/{catalog[1]}", json={"quantity": 3}, headers=admin).json()),
        ("OrderPage", http.get(f"{API}/orders", params={"limit": 1}, headers=admin).json()),
        ("Order", http.get(f"{API}/orders/{sent}", headers=admin).json()),
        ("OrderMove", http.post(f"{API}/orders/{waiting}/advance", json={"to": 2}, headers=admin).json()),
        ("OrderMove", http.post(f"{API}/orders/{waiting}/cancel", headers=admin).json()),
        ("ReturnLinePage", http.get(f"{API}/returns", headers=admin).json()),
        ("ReturnLine", http.get(f"{API}/returns/{line}", headers=admin).json()),
        ("Problem", http.post(f"{API}/orders/{waiting}/cancel", headers=admin).json()),
        ("Problem", http.get(f"{API}/accounts").json()),
        (
            "PushOutcome",
            http.post(
                "/restful/orders/dropshipping/status",
                json={"orderId": sent, "trackingCode": "X"},
                headers={**admin, **JSON},
            ).json(),
        ),
    ]
    for name, answer in checks:
        errors = [str(e) for e in validator(name).iter_errors(answer)]
        assert not errors, (name, answer, errors)


@pytest.mark.parametrize("name", ["Order", "ReturnLine", "Account"])
def test_the_schemas_are_exact(name: str) -> None:
    # A key the code adds without documenting it must fail the check above.
    assert document()["components"]["schemas"][name]["additionalProperties"] is False

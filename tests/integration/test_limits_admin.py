"""The supplier's view of abuse control: lockouts and rate limits, through the admin API and the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from starlette.testclient import TestClient

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from stockgate.domain.throttle import RateLimit
from stockgate.services.admin_access import create_admin_token
from stockgate.services.rate_limits import rate_limit_of, set_rate_limit
from tests.conftest import Shop

API = "/admin/api/v1"
LOCKED = "/restful/ghost/orders/dropshipping/locked"


@pytest.fixture
def admin(runtime: Runtime) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_admin_token(runtime.db, name='ops').token}"}


def lock_out(http: TestClient, shop: Shop) -> None:
    for _ in range(5):
        assert http.get(LOCKED, auth=(shop.api_key, "wrong")).status_code == 401
    assert http.get(LOCKED, auth=shop.auth).status_code == 429


def test_admin_api_lists_and_lifts_lockouts(http: TestClient, shop: Shop, admin: dict[str, str]) -> None:
    assert http.get(f"{API}/lockouts", headers=admin).json() == {"items": []}
    lock_out(http, shop)
    listed = http.get(f"{API}/lockouts", headers=admin).json()["items"]
    assert [(k["account_id"], k["email"], k["failures"]) for k in listed] == [
        (shop.account_id, shop.email, 5)
    ]
    assert len(listed[0]["key_hash_prefix"]) == 12
    assert shop.api_key not in json.dumps(listed)
    released = http.delete(f"{API}/accounts/{shop.account_id}/lockout", headers=admin)
    assert released.json() == {"account_id": shop.account_id, "released": 1}
    assert http.get(LOCKED, auth=shop.auth).status_code == 200
    assert http.get(f"{API}/lockouts").status_code == 401  # the admin token is required
    assert http.delete(f"{API}/accounts/999999/lockout", headers=admin).status_code == 404


def test_admin_api_sets_rate_limits(
    http: TestClient, runtime: Runtime, shop: Shop, admin: dict[str, str]
) -> None:
    url = f"{API}/accounts/{shop.account_id}/rate-limit"
    assert http.get(url, headers=admin).json() == {
        "account_id": shop.account_id,
        "default": True,
        "unlimited": False,
        "burst": 100,
        "per_second": 50.0,
    }
    own = http.put(url, json={"burst": 3, "per_second": 0.5}, headers=admin).json()
    assert (own["default"], own["burst"], own["per_second"]) == (False, 3, 0.5)
    assert rate_limit_of(runtime.db, email=shop.email) == RateLimit(3, 0.5)
    assert http.put(url, json={"burst": 0}, headers=admin).json()["unlimited"] is True
    assert http.put(url, json={"default": True}, headers=admin).json()["default"] is True
    assert rate_limit_of(runtime.db, email=shop.email) is None
    for body, field in (
        ({"burst": -1, "per_second": 1}, "burst"),
        ({"burst": 5, "per_second": 0}, "refill"),
        ({"burst": 5}, "per_second"),
        ({"burst": 5, "per_second": "fast"}, "per_second"),
        ({"burst": 10**12, "per_second": 1}, "burst"),
    ):
        refused = http.put(url, json=body, headers=admin)
        assert refused.status_code == 400, body
        assert field in refused.json()["detail"]


@pytest.fixture
def run(database_url: str) -> Any:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, [*args, "--database-url", database_url], catch_exceptions=False)
        assert (result.exit_code == 0) is ok, result.output + result.stderr
        return result

    return invoke


def test_cli_sets_and_shows_limits(run: Any, shop: Shop) -> None:
    assert "default" in run("limits", "show", shop.email).stdout
    assert json.loads(
        run("limits", "set", shop.email, "--burst", "7", "--per-second", "2", "--json").stdout
    ) == {
        "email": shop.email,
        "default": False,
        "burst": 7,
        "per_second": 2.0,
    }
    assert "burst 7, 2 per second" in run("limits", "show", shop.email).stdout
    assert "no limit" in run("limits", "set", shop.email, "--unlimited").stdout
    assert json.loads(run("limits", "set", shop.email, "--default", "--json").stdout)["default"] is True
    assert "--burst" in run("limits", "set", shop.email, ok=False).stderr
    assert "go together" in run("limits", "set", shop.email, "--burst", "3", ok=False).stderr
    assert "refill" in run("limits", "set", shop.email, "--burst", "3", "--per-second", "0", ok=False).stderr
    assert "not found" in run("limits", "show", "nobody@example.com", ok=False).stderr


def test_cli_lists_and_lifts_lockouts(run: Any, http: TestClient, shop: Shop, runtime: Runtime) -> None:
    set_rate_limit(runtime.db, email=shop.email, limit=None)
    assert json.loads(run("limits", "lockouts", "--json").stdout) == []
    lock_out(http, shop)
    listed = json.loads(run("limits", "lockouts", "--json").stdout)
    assert [(k["email"], k["failures"]) for k in listed] == [(shop.email, 5)]
    assert shop.email in run("limits", "lockouts").stdout
    assert json.loads(run("limits", "unlock", shop.email, "--json").stdout)["released"] == 1
    assert http.get(LOCKED, auth=shop.auth).status_code == 200

"""The pinned commands of issue 5: orders advance|cancel, returns ..., admin-tokens."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from stockgate.domain.returns import ReturnItem, ReturnRequest
from stockgate.services.admin_access import authenticate_admin
from stockgate.services.auth import Principal
from stockgate.services.fulfilment import advance_order
from stockgate.services.return_requests import open_return
from stockgate.services.supplier_stock import set_stock
from tests.conftest import AccountFactory, Shop
from tests.support.supplier import ecredit, on_hand, place


@pytest.fixture
def run(database_url: str) -> Callable[..., Result]:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, [*args, "--database-url", database_url], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        else:
            assert result.exit_code != 0 and "Traceback" not in result.output + result.stderr
            assert len([x for x in result.stderr.splitlines() if x.startswith("Error")]) == 1, result.stderr
        return result

    return invoke


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def order(
    runtime: Runtime,
    catalog: list[int],
    make_account: AccountFactory,
    principal_of: Callable[[Shop], Principal],
) -> dict[str, Any]:
    set_stock(runtime.db, stock_id=catalog[0], quantity=10, actor="test")
    shop = make_account(ecredit="1000")
    order_id = place(runtime, principal_of(shop), "C-1", {catalog[0]: 2}, auto_confirm=False)
    return {"id": order_id, "shop": shop, "sid": catalog[0], "principal": principal_of(shop)}


def test_orders_advance_and_cancel(
    run: Callable[..., Result], runtime: Runtime, order: dict[str, Any]
) -> None:
    oid = str(order["id"])
    confirmed = as_json(run("orders", "advance", oid, "--to", "2", "--reason", "checked", "--json"))
    assert (confirmed["previous_status"], confirmed["status"], confirmed["substatus"]) == (5, 2, 1)
    assert confirmed["debited"] == confirmed["paid"] and isinstance(confirmed["paid"], str)
    human = run("orders", "advance", oid, "--to", "3001").stdout
    assert f"order {oid}: 2 TO DISPATCH -> 3001 WORKING ON" in human

    backwards = run("orders", "advance", oid, "--to", "2", ok=False)
    assert f"order {oid} is WORKING ON (3001); it cannot move to status 2" in backwards.stderr
    untracked = run("orders", "advance", oid, "--to", "3", ok=False)
    assert "tracking code or a tracking url" in untracked.stderr
    run("orders", "advance", "999999", "--to", "2", ok=False)
    assert "Missing option '--to'" in run("orders", "advance", oid, ok=False).stderr

    cancelled = as_json(run("orders", "cancel", oid, "--reason", "out of stock", "--json"))
    assert (cancelled["status"], cancelled["substatus"], cancelled["refunded"]) == (
        2000,
        4,
        confirmed["paid"],
    )
    assert on_hand(runtime, order["sid"]) == 10 and ecredit(runtime, order["shop"].email) == 1000
    again = run("orders", "cancel", oid, "--reject", ok=False)
    assert "is CANCELLED (2000)" in again.stderr
    shown = run("orders", "show", oid).stdout
    assert "status -> 3001" in shown and "out of stock" in shown and "e-credit +" in shown
    assert as_json(run("check", "--json"))["ok"] is True


def test_returns_commands(run: Callable[..., Result], runtime: Runtime, order: dict[str, Any]) -> None:
    advance_order(runtime.db, order_id=order["id"], to=3, tracking_code="T", actor="t")
    request = ReturnRequest(order["id"], (ReturnItem(order["sid"], 2, 6, "too small"),))
    first, second = open_return(runtime.db, principal=order["principal"], request=request, actor="shop")
    listed = as_json(run("returns", "list", "--order", str(order["id"]), "--json"))
    assert [(r["id"], r["order_id"], r["stock_id"], r["status"], r["return_code"]) for r in listed] == [
        (first, order["id"], order["sid"], 0, None),
        (second, order["id"], order["sid"], 0, None),
    ]
    assert as_json(run("returns", "list", "--status", "7", "--json")) == []
    assert "not my size" in run("returns", "list").stdout

    authorised = as_json(run("returns", "authorize", str(first), "--paid-by", "supplier", "--json"))
    assert (authorised["status"], authorised["paid_by"]) == (2, "supplier") and authorised["return_code"]
    assert as_json(run("returns", "receive", str(first), "--ok", "--json"))["restocked"] is True
    before = ecredit(runtime, order["shop"].email)
    refunded = run("returns", "refund", str(first)).stdout
    assert f"return line {first}" in refunded and "COMPLETED" in refunded and "refunded" in refunded
    assert ecredit(runtime, order["shop"].email) > before
    assert "REFUSED" in run("returns", "refuse", str(second)).stdout

    assert (
        "REFUSED (7); it cannot be received"
        in run("returns", "receive", str(second), "--not-ok", ok=False).stderr
    )
    assert "not found" in run("returns", "refund", "999999", ok=False).stderr
    assert "--paid-by" in run("returns", "authorize", str(second), "--paid-by", "nobody", ok=False).stderr
    run("returns", "receive", str(second), ok=False)  # --ok or --not-ok is required
    assert as_json(run("check", "--json"))["ok"] is True


def test_admin_tokens(run: Callable[..., Result], runtime: Runtime) -> None:
    created = as_json(run("admin-tokens", "create", "wms", "--json"))
    assert created["name"] == "wms" and created["token"].startswith("sgadm_")
    assert authenticate_admin(runtime.db, token=created["token"]).name == "wms"
    assert "already exists" in run("admin-tokens", "create", "wms", ok=False).stderr
    [listed] = as_json(run("admin-tokens", "list", "--json"))
    assert (
        listed["name"] == "wms"
        and created["token"].startswith(listed["hint"])
        and listed["revoked_at"] is None
    )
    assert created["token"] not in run("admin-tokens", "list").stdout
    run("admin-tokens", "revoke", "wms")
    assert as_json(run("admin-tokens", "list", "--json"))[0]["revoked_at"] is not None
    assert "not found" in run("admin-tokens", "revoke", "wms", ok=False).stderr

"""The pinned command line (supplier.md section 2): output, --json shapes, one-line errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

from stockgate.bootstrap import Runtime
from stockgate.cli.main import cli
from tests.support.supplier import lock


@pytest.fixture
def run(database_url: str) -> Any:
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True) -> Result:
        result = runner.invoke(cli, [*args, "--database-url", database_url], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output + result.stderr
        return result

    return invoke


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


def test_accounts_lifecycle(run: Any) -> None:
    created = as_json(
        run(
            "accounts",
            "create",
            "--email",
            "Shop@Example.com",
            "--password",
            "long enough",
            "--ecredit",
            "100.00",
            "--name",
            "Shop",
            "--address",
            "Via Roma, 1, 10100, Torino, TO, IT",
            "--json",
        )
    )
    assert created["email"] == "shop@example.com" and len(created["api_key"]) == 36 and created["id"] > 0
    assert (
        as_json(run("accounts", "credit", "shop@example.com", "-25.50", "--note", "refund fix", "--json"))[
            "ecredit"
        ]
        == "74.50"
    )
    run("accounts", "set", "shop@example.com", "--auto-confirm", "--disabled")
    [listed] = as_json(run("accounts", "list", "--json"))
    assert listed["email"] == "shop@example.com"
    assert listed["ecredit"] == "74.50" and listed["auto_confirm"] is True and listed["enabled"] is False
    new_key = as_json(run("accounts", "rotate-key", "shop@example.com", "--json"))["api_key"]
    assert new_key != created["api_key"]
    assert "shop@example.com" in run("accounts", "list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accounts", "create", "--email", "nope", "--password", "long enough"], "is not an e-mail address"),
        (["accounts", "create", "--email", "a@b.co", "--password", "short"], "at least 8 characters"),
        (
            ["accounts", "create", "--email", "a@b.co", "--password", "long enough", "--ecredit", "1.234"],
            "at most two decimals",
        ),
        (
            ["accounts", "create", "--email", "a@b.co", "--password", "long enough", "--address", "Via Roma"],
            "six parts",
        ),
        (["accounts", "credit", "ghost@b.co", "10"], "account ghost@b.co not found"),
        (["accounts", "credit", "ghost@b.co", "ten"], "is not an amount"),
        (["stock", "set", "999999", "3"], "stock_id 999999 does not exist"),
        (["stock", "set", "999999", "-3"], "Invalid value"),
        (
            ["carriers", "add", "--id", "1", "--name", "X", "--cost", "1", "--countries", "ZZ"],
            "not an ISO 3166-1",
        ),
        (["orders", "show", "123456"], "order 123456 not found"),
        (["reservations", "release", "ghost@b.co"], "account ghost@b.co not found"),
    ],
)
def test_errors_are_one_line_and_non_zero(run: Any, args: list[str], message: str) -> None:
    result = run(*args, ok=False)
    assert result.exit_code != 0
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    # One error line (click's usage errors add a usage hint above it).
    assert len([line for line in result.stderr.splitlines() if line.startswith("Error")]) == 1


def test_duplicate_account_is_refused(run: Any) -> None:
    run("accounts", "create", "--email", "a@b.co", "--password", "long enough")
    result = run("accounts", "create", "--email", "A@B.CO", "--password", "long enough", ok=False)
    assert result.exit_code == 1 and "already exists" in result.stderr


def test_carriers_one_default(run: Any) -> None:
    run("carriers", "add", "--id", "10", "--name", "DHL", "--cost", "9.80", "--default")
    run(
        "carriers",
        "add",
        "--id",
        "20",
        "--name",
        "UPS",
        "--cost",
        "7.5",
        "--default",
        "--countries",
        "it,fr",
        "--max-weight",
        "30",
    )
    listed = as_json(run("carriers", "list", "--json"))
    assert listed == [
        {"id": 10, "name": "DHL", "cost": "9.80", "countries": [], "max_weight": None, "default": False},
        {
            "id": 20,
            "name": "UPS",
            "cost": "7.50",
            "countries": ["FR", "IT"],
            "max_weight": "30.000",
            "default": True,
        },
    ]


def test_stock_reservations_orders_and_check(
    run: Any, runtime: Runtime, catalog: list[int], principal_of: Any, shop: Any
) -> None:
    sid = catalog[0]
    assert as_json(run("stock", "set", str(sid), "12", "--json"))["on_hand"] == 12
    lock(runtime.db, principal_of(shop), [(sid, 5)])
    refused = run("stock", "set", str(sid), "4", ok=False)
    assert refused.exit_code == 1 and "5 units locked" in refused.stderr
    held = as_json(run("reservations", "list", "--account", shop.email, "--json"))
    assert held == [{"email": shop.email, "stock_id": sid, "quantity": 5}]
    assert (
        as_json(run("reservations", "release", shop.email, "--stock-id", str(sid), "--json"))["released"] == 5
    )
    assert as_json(run("reservations", "list", "--json")) == []
    assert as_json(run("check", "--json")) == {"ok": True, "breaches": []}
    assert as_json(run("orders", "list", "--json")) == []


def test_orders_show(
    run: Any, runtime: Runtime, catalog: list[int], principal_of: Any, make_account: Any
) -> None:
    from stockgate.services.dropship import place_dropship_orders
    from stockgate.services.supplier_stock import set_stock
    from tests.integration.test_order_rules import request

    set_stock(runtime.db, stock_id=catalog[0], quantity=5, actor="test")
    shop = make_account(ecredit="500")
    placed = place_dropship_orders(
        runtime.db, principal=principal_of(shop), requests=[request("K-1", {catalog[0]: 1})], actor="t"
    )
    shown = as_json(run("orders", "show", str(placed.order_ids[0]), "--json"))
    assert shown["order_id"] == placed.order_ids[0] and shown["key"] == "K-1"
    assert shown["status"] == 2 and shown["carrier_id"] == 10
    assert [line["stock_id"] for line in shown["lines"]] == [catalog[0]]
    assert isinstance(shown["lines"][0]["quantity"], int) and isinstance(shown["total"], str)
    assert [h["kind"] for h in shown["history"]] == ["order", "status", "credit"]
    human = run("orders", "show", str(placed.order_ids[0])).stdout
    assert "K-1" in human and "TO DISPATCH" in human
    assert [o["key"] for o in as_json(run("orders", "list", "--status", "2", "--json"))] == ["K-1"]
    assert as_json(run("orders", "list", "--status", "5", "--json")) == []


def test_check_reports_breaches(run: Any, runtime: Runtime, catalog: list[int]) -> None:
    from sqlalchemy import text

    with runtime.engine.begin() as conn:
        conn.execute(text("UPDATE models SET on_hand = on_hand + 3 WHERE id = :id"), {"id": catalog[0]})
    result = run("check", ok=False)
    assert result.exit_code == 1
    assert f"stock_id {catalog[0]}: on-hand" in result.stdout and "the ledger says" in result.stdout

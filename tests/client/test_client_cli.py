"""The stockgate-client command, driven with click's CliRunner against the scripted server."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from stockgate_client import Client, Retries
from stockgate_client.cli import commands
from tests.client import ghost_samples as samples
from tests.client.conftest import FakeServer
from tests.support.orders import seed_json

ENV = {"STOCKGATE_URL": "http://ghost.test", "STOCKGATE_API_KEY": "key", "STOCKGATE_PASSWORD": "pw"}
SEED_ORDER = seed_json("2357", [(1578, 1)])


@pytest.fixture
def run(server: FakeServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> partial[Result]:
    monkeypatch.setattr(
        "stockgate_client.cli_session.Client",
        partial(Client, transport=httpx.MockTransport(server.handle), retries=Retries(total=0)),
    )
    # No config file from the developer's home may leak into the tests.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    for name in [*ENV, "STOCKGATE_FORMAT"]:
        monkeypatch.delenv(name, raising=False)
    return partial(CliRunner().invoke, commands, env=ENV, catch_exceptions=False)


def test_carriers_table(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.CARRIERS["json"], content_type="application/json")
    result = run(["carriers"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["ID  NAME  COST", "10  DHL   9.80", "20  UPS   12.00"]


def test_carriers_json(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.CARRIERS["json"], content_type="application/json")
    result = run(["carriers", "--json"])
    assert json.loads(result.stdout) == [
        {"id": 10, "name": "DHL", "cost": "9.80"},
        {"id": 20, "name": "UPS", "cost": "12.00"},
    ]


def test_reserve(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.RESERVATION["json"], content_type="application/json")
    result = run(["reserve", "lock", "3=2", "7:1"])
    assert result.exit_code == 0
    assert json.loads(server.last.content) == {
        "operations": [
            {"type": "lock", "models": [{"stock_id": 3, "quantity": 2}, {"stock_id": 7, "quantity": 1}]}
        ]
    }
    assert result.stdout.splitlines()[1].split() == ["3", "11", "5"]
    assert "reservation 1000" in result.stderr


def test_reserve_in_xml(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.RESERVATION["xml"], content_type="application/xml")
    result = run(["--format", "xml", "reserve", "set", "3=2", "--json"])
    assert result.exit_code == 0
    assert server.last.headers["Content-Type"].startswith("application/xml")
    assert json.loads(result.stdout)["order_id"] == 1000


def test_bad_line_is_a_usage_error(run: partial[Result], server: FakeServer) -> None:
    result = run(["reserve", "lock", "3x"])
    assert result.exit_code == 2
    assert "STOCK_ID=QUANTITY" in result.stderr
    assert server.requests == []


def test_reservation(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.EMPTY_RESERVATION["json"], content_type="application/json")
    result = run(["reservation", "--json"])
    assert json.loads(result.stdout) == {"order_id": 0, "models": []}


def test_order_from_a_file(run: partial[Result], server: FakeServer, tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps(SEED_ORDER))
    server.reply(body=samples.PLACED["json"], content_type="application/json")
    result = run(["order", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["order_ids"] == [1001, 1002]
    sent = json.loads(server.last.content)["order_list"][0]
    assert (sent["key"], sent["carrierId"], sent["autoConfirm"]) == ("2357", 20, True)
    assert sent["recipient_details"]["address"]["city"] == "TORINO"


def test_order_file_missing_a_field(run: partial[Result], server: FakeServer, tmp_path: Path) -> None:
    path = tmp_path / "order.json"
    path.write_text(json.dumps({"key": "9", "item_list": []}))
    result = run(["order", str(path)])
    assert result.exit_code == 1
    assert result.stderr == "Error: order 9: recipient is required\n"
    assert server.requests == []


def test_acquire(run: partial[Result], server: FakeServer) -> None:
    server.reply(body="4321", content_type="text/plain")
    result = run(["acquire", "59=10", "--carrier", "20", "--no-auto-confirm"])
    assert result.exit_code == 0
    assert result.stdout.split() == ["ORDER_ID", "4321"]
    assert json.loads(server.last.content) == {
        "products": [{"stock_id": 59, "quantity": 10}],
        "carrierId": 20,
        "autoConfirm": False,
    }


def test_acquire_refused(run: partial[Result], server: FakeServer) -> None:
    server.reply(429, "stock_id 59: quantity must be a positive integer", "text/plain")
    result = run(["acquire", "59=0"])
    assert result.exit_code == 5
    assert result.stderr == "Error: OrderRejected (429): stock_id 59: quantity must be a positive integer\n"


def test_status(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.ORDER_STATUS["json"], content_type="application/json")
    server.reply(body=samples.ORDER_STATUS["json"], content_type="application/json")
    table = run(["status", "130"])
    assert "DISPATCHED" in table.stdout
    assert "https://track.example/1Z999" in table.stdout
    as_json = json.loads(run(["status", "--key", "2357", "--json"]).stdout)
    assert as_json["tracking_code"] == "1Z999"
    assert as_json["last_update"] == "2021-02-03T14:36:55+02:00"
    assert server.last.url.path == "/restful/ghost/clientorders/clientkey/2357"


def test_status_needs_one_lookup(run: partial[Result]) -> None:
    result = run(["status"])
    assert result.exit_code == 2
    assert "ORDER_ID or --key" in result.stderr


def test_not_found_is_one_line(run: partial[Result], server: FakeServer) -> None:
    server.reply(404, "order 5 not found", "text/plain")
    result = run(["status", "5"])
    assert result.exit_code == 4
    assert result.stderr == "Error: NotFound (404): order 5 not found\n"
    assert "Traceback" not in result.output


def test_bad_credentials(run: partial[Result], server: FakeServer) -> None:
    server.reply(401, "authentication failed", "text/plain")
    result = run(["check"])
    assert result.exit_code == 3
    assert "AuthenticationError (401)" in result.stderr


def test_unreachable_server(run: partial[Result], server: FakeServer) -> None:
    server.answer(httpx.ConnectError("connection refused"))
    result = run(["locales"])
    assert result.exit_code == 7
    assert result.stderr.startswith("Error: TransportError: GET /restful/export/locales: connection refused")


def test_locales_and_tags(run: partial[Result], server: FakeServer) -> None:
    server.reply(body=samples.LOCALES["json"], content_type="application/json")
    server.reply(body=samples.TAGS["json"], content_type="application/json")
    assert run(["locales"]).stdout.splitlines()[1].split() == ["en_US", "English"]
    assert json.loads(run(["tags", "--json"]).stdout)[0] == {"tag": "brand", "value": "Acme"}


def test_returns_show_open_and_pdf(run: partial[Result], server: FakeServer, tmp_path: Path) -> None:
    server.reply(body=samples.RETURNS["json"], content_type="application/json")
    shown = run(["returns", "show", "--order", "912120"])
    assert "R-77" in shown.stdout
    server.reply(body=samples.RETURN_OK["json"], content_type="application/json")
    opened = run(["returns", "open", "912120", "182179=1", "--reason", "2", "--notes", "damaged"])
    assert opened.stdout == "return requested for order 912120\n"
    assert json.loads(server.last.content)["items"][0]["reasonCode"] == 2
    server.reply(body=b"%PDF-1.4", content_type="application/pdf")
    target = tmp_path / "r.pdf"
    assert run(["returns", "pdf", "R-77", "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == b"%PDF-1.4"


def test_return_refused(run: partial[Result], server: FakeServer) -> None:
    server.reply(400, samples.RETURN_REFUSED["json"], "application/json")
    result = run(["returns", "open", "912120", "182179=1", "--reason", "2"])
    assert result.exit_code == 5
    assert result.stderr == "Error: BadRequest (400): order 912120 is not dispatched\n"


def test_catalog_download_with_state(run: partial[Result], server: FakeServer, tmp_path: Path) -> None:
    out, state = tmp_path / "catalog.jsonl", tmp_path / "since.txt"
    server.reply(body=samples.catalog("xml", [1, 2, 3]), content_type="application/xml")
    result = run(
        ["catalog", "--locale", "it_IT", "--tag", "brand=Acme", "-o", str(out), "--state", str(state)]
    )
    assert result.exit_code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == [1, 2, 3]
    assert lines[0]["models"][0]["taxable"] == "45.50"
    assert "3 products (full export)" in result.stderr
    assert state.read_text() == "2021-02-03T14:36:55.322000+01:00\n"
    assert (server.last.url.params["acceptedlocales"], server.last.url.params["tag_1"]) == ("it_IT", "Acme")
    # The next run asks only for what changed since then.
    server.reply(body=samples.catalog("json", []), content_type="application/json")
    again = run(["catalog", "-o", str(out), "--state", str(state), "--no-progress"])
    assert "0 products (incremental export)" in again.stderr
    assert server.last.url.params["since"] == "2021-02-03T14:36:55.322000+01:00"


def test_settings_from_a_config_file(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        "stockgate_client.cli_session.Client", partial(Client, transport=httpx.MockTransport(server.handle))
    )
    for name in [*ENV, "STOCKGATE_FORMAT"]:
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "stockgate-client.toml").write_text(
        'url = "http://from-file.test"\napi_key = "file-key"\npassword = "file-pw"\nformat = "xml"\n'
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    server.reply(body=samples.LOCALES["xml"], content_type="application/xml")
    result = CliRunner().invoke(commands, ["locales"], env={"STOCKGATE_API_KEY": "env-key"})
    assert result.exit_code == 0, result.output
    assert server.last.url.host == "from-file.test"
    assert server.last.headers["Accept"] == "application/xml"
    # The environment wins over the file.
    assert server.last.headers["Authorization"] == httpx.BasicAuth("env-key", "file-pw")._auth_header


def test_missing_settings(run: partial[Result]) -> None:
    result = CliRunner().invoke(commands, ["carriers"], env={name: "" for name in ENV})
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: missing url, api_key, password: set STOCKGATE_URL")


def test_explicit_config_file_must_exist(run: partial[Result], tmp_path: Path) -> None:
    result = run(["--config", str(tmp_path / "nope.toml"), "carriers"])
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


def test_every_command_has_help() -> None:
    runner = CliRunner()
    for name, command in commands.commands.items():
        assert command.help, name
        assert runner.invoke(commands, [name, "--help"]).exit_code == 0

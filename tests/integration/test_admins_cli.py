"""`stockgate admins create|list|set`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stockgate.bootstrap import Config, start
from stockgate.cli.main import cli
from stockgate.services.admin_sessions import log_in


def test_admins_commands(database_url: str) -> None:
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(cli, [*args, "--database-url", database_url])
        assert result.exit_code == code, result.output
        return result.stdout if code == 0 else result.stderr

    created = json.loads(
        run("admins", "create", "Boss@Example.com", "--password", "long password 1", "--json")
    )
    assert created["email"] == "boss@example.com" and created["enabled"] is True
    assert "already exists" in run(
        "admins", "create", "boss@example.com", "--password", "long password 1", code=1
    )
    assert "at least 10 characters" in run("admins", "create", "b@example.com", "--password", "short", code=1)
    assert "is not an e-mail address" in run(
        "admins", "create", "nobody", "--password", "long password 1", code=1
    )
    run("admins", "set", "boss@example.com", "--disabled")
    [listed] = json.loads(run("admins", "list", "--json"))
    assert listed["enabled"] is False and listed["last_login_at"] is None
    assert "admin nobody@example.com not found" in run(
        "admins", "set", "nobody@example.com", "--enabled", code=1
    )
    run("admins", "set", "boss@example.com", "--enabled", "--password", "another password")
    runtime = start(Config(database_url=database_url))
    try:
        assert (
            log_in(runtime.db, email="boss@example.com", password="another password").email
            == "boss@example.com"
        )
    finally:
        runtime.close()
    assert "boss@example.com" in run("admins", "list")

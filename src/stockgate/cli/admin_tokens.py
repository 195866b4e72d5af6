"""`stockgate admin-tokens create|list|revoke`."""

from __future__ import annotations

import click

from stockgate.cli.common import database_option, emit, json_option, runtime, table
from stockgate.services.admin_access import (
    create_admin_token,
    list_admin_tokens,
    revoke_admin_token,
)


@click.group("admin-tokens")
def admin_tokens() -> None:
    """Bearer tokens of the admin API."""


@admin_tokens.command("create")
@click.argument("name")
@database_option
@json_option
def create_token(name: str, database_url: str | None, as_json: bool) -> None:
    """A new token named NAME; it is shown once, only its hash is kept."""
    with runtime(database_url) as rt:
        new = create_admin_token(rt.db, name=name)
    emit(as_json, {"name": new.name, "token": new.token}, [f"token {new.name}: {new.token}", "(shown once)"])


@admin_tokens.command("list")
@database_option
@json_option
def list_tokens(database_url: str | None, as_json: bool) -> None:
    """Tokens by name, with a hint of each and whether it is revoked."""
    with runtime(database_url) as rt:
        found = list_admin_tokens(rt.db)
    documents = [
        {"name": t.name, "hint": t.token_hint, "created_at": t.created_at, "revoked_at": t.revoked_at}
        for t in found
    ]
    rows = [
        (t.name, t.token_hint + "...", f"{t.created_at:%Y-%m-%d}", "revoked" if t.revoked_at else "")
        for t in found
    ]
    emit(as_json, documents, table(["name", "token", "created", ""], rows))


@admin_tokens.command("revoke")
@click.argument("name")
@database_option
@json_option
def revoke_token(name: str, database_url: str | None, as_json: bool) -> None:
    """The token named NAME stops working at once."""
    with runtime(database_url) as rt:
        revoke_admin_token(rt.db, name=name)
    emit(as_json, {"name": name, "revoked": True}, f"token {name} revoked")


def register(cli: click.Group) -> None:
    cli.add_command(admin_tokens)

"""`stockgate db upgrade`."""

from __future__ import annotations

import click

from stockgate.cli.common import database_option, emit, json_option, runtime


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@database_option
@json_option
def upgrade(database_url: str | None, as_json: bool) -> None:
    """Apply migrations up to the latest schema (serve does this on start too)."""
    with runtime(database_url):
        emit(as_json, {"upgraded": True}, "database is at the latest schema")


def register(cli: click.Group) -> None:
    cli.add_command(db)

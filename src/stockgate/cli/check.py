"""`stockgate check`: verify the invariants."""

from __future__ import annotations

import sys

import click

from stockgate.cli.common import database_option, emit, json_option, runtime
from stockgate.services.check import check_invariants


@click.command("check")
@database_option
@json_option
def check(database_url: str | None, as_json: bool) -> None:
    """Verify stock, lock and credit invariants; exit 1 listing every breach."""
    with runtime(database_url) as rt:
        breaches = check_invariants(rt.db)
    emit(as_json, {"ok": not breaches, "breaches": breaches}, breaches or "all invariants hold")
    if breaches:
        sys.exit(1)


def register(cli: click.Group) -> None:
    cli.add_command(check)

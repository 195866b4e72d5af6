"""`stockgate reservations list|release`."""

from __future__ import annotations

import click

from stockgate.cli.common import SUPPLIER, database_option, emit, json_option, runtime, table
from stockgate.services.supplier_stock import list_reservations, release_reservation


@click.group()
def reservations() -> None:
    """Dropshippers' reservations."""


@reservations.command("list")
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@database_option
@json_option
def list_(email: str | None, database_url: str | None, as_json: bool) -> None:
    """Who holds what locked."""
    with runtime(database_url) as rt:
        held = list_reservations(rt.db, email=email)
    emit(
        as_json,
        [{"email": h.email, "stock_id": h.stock_id, "quantity": h.quantity} for h in held],
        table(["account", "stock_id", "locked"], [(h.email, h.stock_id, h.quantity) for h in held]),
    )


@reservations.command("release")
@click.argument("email")
@click.option("--stock-id", type=int, default=None, help="Only this model.")
@database_option
@json_option
def release(email: str, stock_id: int | None, database_url: str | None, as_json: bool) -> None:
    """Release an account's locks: all, or one model's."""
    with runtime(database_url) as rt:
        units = release_reservation(rt.db, email=email, stock_id=stock_id, actor=SUPPLIER)
    emit(as_json, {"email": email, "released": units}, f"{units} units released from {email}")


def register(cli: click.Group) -> None:
    cli.add_command(reservations)

"""`stockgate accounts create|list|credit|set|rotate-key`."""

from __future__ import annotations

from decimal import Decimal

import click

from stockgate.cli.common import AMOUNT, SUPPLIER, database_option, emit, json_option, runtime, table
from stockgate.services.accounts import create_account, credit_account, list_accounts, rotate_key, set_account
from stockgate.wire.supplier_documents import account_document


@click.group()
def accounts() -> None:
    """Dropshipper accounts."""


_document = account_document


@accounts.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--ecredit", type=AMOUNT, default="0", show_default=True)
@click.option("--auto-confirm", is_flag=True, help="Confirm orders even when e-credit does not cover them.")
@click.option("--name", default="")
@click.option("--address", default=None, help='"street, number, zip, city, province, CC"')
@database_option
@json_option
def create(
    email: str,
    password: str,
    ecredit: Decimal,
    auto_confirm: bool,
    name: str,
    address: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Open a dropshipper account and print its API key (shown only now)."""
    with runtime(database_url) as rt:
        new = create_account(
            rt.db,
            email=email,
            password=password,
            ecredit=ecredit,
            auto_confirm=auto_confirm,
            name=name,
            address=address,
            actor=SUPPLIER,
        )
    emit(
        as_json,
        {"id": new.id, "email": new.email, "api_key": new.api_key},
        [f"account {new.id} created for {new.email}", f"API key: {new.api_key}"],
    )


@accounts.command("list")
@database_option
@json_option
def list_(database_url: str | None, as_json: bool) -> None:
    """Accounts with their e-credit and reservation size."""
    with runtime(database_url) as rt:
        found = list_accounts(rt.db)
    rows = [
        (
            a.id,
            a.email,
            f"{a.ecredit:.2f}",
            "yes" if a.auto_confirm else "",
            "yes" if a.enabled else "no",
            held,
        )
        for a, held in found
    ]
    emit(
        as_json,
        [_document(a, held) for a, held in found],
        table(["id", "email", "ecredit", "auto-confirm", "enabled", "reserved"], rows),
    )


# A negative amount ("-25.50") must reach the argument rather than be taken for an option.
@accounts.command("credit", context_settings={"ignore_unknown_options": True})
@click.argument("email")
@click.argument("amount", type=AMOUNT)
@click.option("--note", default="", help="Why: kept in the ledger.")
@database_option
@json_option
def credit(email: str, amount: Decimal, note: str, database_url: str | None, as_json: bool) -> None:
    """Add (or with a negative amount remove) e-credit."""
    with runtime(database_url) as rt:
        balance = credit_account(rt.db, email=email, amount=amount, note=note, actor=SUPPLIER)
    emit(as_json, {"email": email, "ecredit": balance}, f"{email}: e-credit now {balance:.2f}")


@accounts.command("set")
@click.argument("email")
@click.option("--auto-confirm/--no-auto-confirm", default=None)
@click.option("--disabled/--enabled", "disabled", default=None)
@click.option("--password", default=None)
@click.option("--name", default=None)
@click.option("--address", default=None, help='"street, number, zip, city, province, CC"')
@database_option
@json_option
def set_(
    email: str,
    auto_confirm: bool | None,
    disabled: bool | None,
    password: str | None,
    name: str | None,
    address: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Change an account's settings."""
    with runtime(database_url) as rt:
        account = set_account(
            rt.db,
            email=email,
            auto_confirm=auto_confirm,
            enabled=None if disabled is None else not disabled,
            password=password,
            name=name,
            address=address,
        )
    emit(as_json, _document(account), f"account {account.email} updated")


@accounts.command("rotate-key")
@click.argument("email")
@database_option
@json_option
def rotate(email: str, database_url: str | None, as_json: bool) -> None:
    """Issue a new API key; the old one stops working."""
    with runtime(database_url) as rt:
        key = rotate_key(rt.db, email=email)
    emit(as_json, {"email": email, "api_key": key}, f"new API key for {email}: {key}")


def register(cli: click.Group) -> None:
    cli.add_command(accounts)

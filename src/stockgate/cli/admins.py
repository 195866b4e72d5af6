"""`stockgate admins create|list|set`: back-office users."""

from __future__ import annotations

import click

from stockgate.cli.common import database_option, emit, json_option, runtime, table
from stockgate.services.admins import create_admin, list_admins, set_admin
from stockgate.services.backoffice_ports import AdminRow


@click.group()
def admins() -> None:
    """Back-office users (log in at /admin/)."""


def _document(admin: AdminRow) -> dict[str, object]:
    return {
        "id": admin.id,
        "email": admin.email,
        "enabled": admin.enabled,
        "created_at": admin.created_at,
        "last_login_at": admin.last_login_at,
    }


@admins.command("create")
@click.argument("email")
@click.option("--password", required=True, help="At least 10 characters.")
@database_option
@json_option
def create(email: str, password: str, database_url: str | None, as_json: bool) -> None:
    """Create a back-office user."""
    with runtime(database_url) as rt:
        admin = create_admin(rt.db, email=email, password=password)
    emit(as_json, _document(admin), f"admin {admin.email} created; log in at /admin/")


@admins.command("list")
@database_option
@json_option
def list_(database_url: str | None, as_json: bool) -> None:
    """Back-office users."""
    with runtime(database_url) as rt:
        found = list_admins(rt.db)
    rows = [
        (
            a.id,
            a.email,
            "yes" if a.enabled else "no",
            f"{a.last_login_at:%Y-%m-%d %H:%M}" if a.last_login_at else "",
        )
        for a in found
    ]
    emit(as_json, [_document(a) for a in found], table(["id", "email", "enabled", "last login"], rows))


@admins.command("set")
@click.argument("email")
@click.option("--password", default=None, help="A new password (ends the admin's sessions).")
@click.option("--disabled/--enabled", "disabled", default=None, help="Disabling ends the admin's sessions.")
@database_option
@json_option
def set_(
    email: str, password: str | None, disabled: bool | None, database_url: str | None, as_json: bool
) -> None:
    """Change a back-office user's password, or disable/enable them."""
    with runtime(database_url) as rt:
        admin = set_admin(
            rt.db, email=email, password=password, enabled=None if disabled is None else not disabled
        )
    emit(as_json, _document(admin), f"admin {admin.email} updated")


def register(cli: click.Group) -> None:
    cli.add_command(admins)

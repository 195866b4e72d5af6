"""The `stockgate` command."""

from __future__ import annotations

import click

from stockgate import __version__
from stockgate.cli import (
    accounts,
    admin_tokens,
    admins,
    carriers,
    catalog,
    check,
    db,
    limits,
    orders,
    reservations,
    returns,
    serve,
    stock,
    webhooks,
)
from stockgate.cli.common import FriendlyGroup


@click.group(cls=FriendlyGroup)
@click.version_option(__version__, prog_name="stockgate")
def cli() -> None:
    """stockgate: a wholesale/dropshipping order platform speaking the Rewix ghost API."""


for module in (
    serve,
    db,
    accounts,
    carriers,
    stock,
    reservations,
    orders,
    returns,
    check,
    catalog,
    admin_tokens,
    admins,
    limits,
    webhooks,
):
    module.register(cli)


def main() -> None:
    """Entry point of the stockgate command."""
    cli(prog_name="stockgate")

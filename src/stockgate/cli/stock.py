"""`stockgate stock set`."""

from __future__ import annotations

import click

from stockgate.cli.common import SUPPLIER, database_option, emit, json_option, runtime
from stockgate.services.supplier_stock import set_stock


@click.group()
def stock() -> None:
    """Models' on-hand stock."""


# "-3" must reach the argument (and be refused by its range) rather than be taken for an option.
@stock.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("stock_id", type=int)
@click.argument("quantity", type=click.IntRange(min=0))
@database_option
@json_option
def set_(stock_id: int, quantity: int, database_url: str | None, as_json: bool) -> None:
    """Set a model's on-hand quantity (never below what is locked)."""
    with runtime(database_url) as rt:
        before = set_stock(rt.db, stock_id=stock_id, quantity=quantity, actor=SUPPLIER)
    emit(
        as_json,
        {"stock_id": stock_id, "on_hand": quantity, "previous": before},
        f"stock_id {stock_id}: on-hand {before} -> {quantity}",
    )


def register(cli: click.Group) -> None:
    cli.add_command(stock)

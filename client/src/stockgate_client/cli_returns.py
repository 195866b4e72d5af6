"""The ``stockgate-client returns`` commands."""

from __future__ import annotations

from pathlib import Path

import click

from .cli_output import emit
from .cli_session import Session, json_option, lines_argument, pass_session
from .codes import ReturnReason
from .models import Line, ReturnItem

__all__ = ["returns"]

_REASONS = ", ".join(f"{reason.value} {reason.name.lower()}" for reason in ReturnReason)


@click.group()
def returns() -> None:
    """Return requests: open one, list return lines, fetch a manifest."""


@returns.command("show")
@click.option("--order", "order_id", type=int, help="The order's order_id.")
@click.option("--key", help="The order's client key.")
@json_option
@pass_session
def show(session: Session, order_id: int | None, key: str | None, as_json: bool) -> None:
    """List the return lines of an order, by --order or --key."""
    if (order_id is None) == (key is None):
        raise click.UsageError("give either --order or --key")
    client = session.client()
    result = client.returns_by_order(order_id) if order_id is not None else client.returns_by_key(str(key))
    rows = [(line.stock_id, line.quantity, line.reason, line.status, line.refund_status, line.return_code,
             line.pdf_link) for line in result.lines]  # fmt: skip
    emit(as_json, result, ["STOCK_ID", "QTY", "REASON", "STATUS", "REFUND", "RETURN_CODE", "PDF"], rows)


@returns.command("open")
@click.argument("order_id", type=int)
@lines_argument
@click.option("--reason", type=click.IntRange(0, 8), required=True, help=f"Reason code: {_REASONS}.")
@click.option("--notes", help="Free text for the supplier.")
@click.option("--ext-ref", help="Your own reference for this request.")
@pass_session
def open_(
    session: Session, order_id: int, lines: list[Line], reason: int, notes: str | None, ext_ref: str | None
) -> None:
    """Ask to return units of a dispatched order: ``returns open 912120 182179=1 --reason 2``."""
    items = [ReturnItem(line.stock_id, line.quantity, reason, notes, ext_ref) for line in lines]
    session.client().open_return(order_id, items)
    click.echo(f"return requested for order {order_id}")


@returns.command("pdf")
@click.argument("return_code")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Default: RETURN_CODE.pdf"
)
@pass_session
def pdf(session: Session, return_code: str, output: Path | None) -> None:
    """Save the printable manifest of an authorised return."""
    target = output or Path(f"{return_code}.pdf")
    target.write_bytes(session.client().return_pdf(return_code))
    click.echo(f"saved {target}")

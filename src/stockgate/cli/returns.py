"""`stockgate returns list|authorize|receive|not-received|refuse|refund|complete`: the return workflow,
per return line (the `id` of `returns list`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from stockgate.cli.common import (
    SUPPLIER,
    database_option,
    emit,
    emit_table,
    json_option,
    page_options,
    runtime,
)
from stockgate.services.return_ports import ReturnLine
from stockgate.services.return_workflow import (
    authorize_return,
    complete_return,
    list_returns,
    mark_not_received,
    receive_return,
    refund_return,
    refuse_return,
)
from stockgate.wire.supplier_documents import return_document


@click.group()
def returns() -> None:
    """Returned goods: the queue and the steps on each return line."""


@returns.command("list")
@click.option("--order", "order_id", type=int, default=None, help="Only this order's return lines.")
@click.option("--status", type=int, default=None, help="Only lines in this status (0 pending, ...).")
@page_options("--after", "after_id", help="Continue after this return line id.")
@database_option
@json_option
def list_(
    order_id: int | None,
    status: int | None,
    limit: int,
    after_id: int | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Return lines, oldest first."""
    with runtime(database_url) as rt:
        found = list_returns(rt.db, order_id=order_id, status=status, after_id=after_id, limit=limit)
    headers = ["id", "order", "stock_id", "status", "reason", "refunded", "code"]
    emit_table(as_json, [return_document(line) for line in found], headers, _row)


def _row(d: Mapping[str, Any]) -> tuple[object, ...]:
    status = f"{d['status']} {d['status_name']}"
    refunded = "yes" if d["refund_status"] else ""
    return (d["id"], d["order_id"], d["stock_id"], status, d["reason"], refunded, d["return_code"] or "")


def _done(as_json: bool, line: ReturnLine) -> None:
    document: dict[str, Any] = return_document(line)
    text = (
        f"return line {line.id} (order {line.order_id}, stock_id {line.stock_id}): {document['status_name']}"
    )
    if line.return_code:
        text += f", return code {line.return_code}"
    if line.refund_status:
        text += f", refunded {line.refund_amount:.2f}"
    emit(as_json, document, text)


@returns.command("authorize")
@click.argument("return_id", type=int)
@click.option(
    "--paid-by",
    type=click.Choice(["supplier", "customer"]),
    default=None,
    help="Who pays the shipping back (default: the supplier when the reason is its fault).",
)
@database_option
@json_option
def authorize(return_id: int, paid_by: str | None, database_url: str | None, as_json: bool) -> None:
    """Authorise a pending return line; it gets a return code and a printable manifest."""
    with runtime(database_url) as rt:
        _done(as_json, authorize_return(rt.db, return_id=return_id, paid_by=paid_by, actor=SUPPLIER))


@returns.command("receive")
@click.argument("return_id", type=int)
@click.option("--ok/--not-ok", "ok", required=True, help="In good order (back on hand) or not.")
@database_option
@json_option
def receive(return_id: int, ok: bool, database_url: str | None, as_json: bool) -> None:
    """Record that the unit arrived; in good order it goes back on hand."""
    with runtime(database_url) as rt:
        _done(as_json, receive_return(rt.db, return_id=return_id, ok=ok, actor=SUPPLIER))


@returns.command("not-received")
@click.argument("return_id", type=int)
@database_option
@json_option
def not_received(return_id: int, database_url: str | None, as_json: bool) -> None:
    """Record that an authorised unit never arrived."""
    with runtime(database_url) as rt:
        _done(as_json, mark_not_received(rt.db, return_id=return_id, actor=SUPPLIER))


@returns.command("refuse")
@click.argument("return_id", type=int)
@database_option
@json_option
def refuse(return_id: int, database_url: str | None, as_json: bool) -> None:
    """Refuse a return line."""
    with runtime(database_url) as rt:
        _done(as_json, refuse_return(rt.db, return_id=return_id, actor=SUPPLIER))


@returns.command("refund")
@click.argument("return_id", type=int)
@database_option
@json_option
def refund(return_id: int, database_url: str | None, as_json: bool) -> None:
    """Pay the unit's price back to the account's e-credit (a received line is then completed)."""
    with runtime(database_url) as rt:
        _done(as_json, refund_return(rt.db, return_id=return_id, actor=SUPPLIER))


@returns.command("complete")
@click.argument("return_id", type=int)
@database_option
@json_option
def complete(return_id: int, database_url: str | None, as_json: bool) -> None:
    """Close a received (or never received) line without a refund."""
    with runtime(database_url) as rt:
        _done(as_json, complete_return(rt.db, return_id=return_id, actor=SUPPLIER))


def register(cli: click.Group) -> None:
    cli.add_command(returns)

"""`stockgate orders list|show|advance|cancel`."""

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
    table,
)
from stockgate.domain.statuses import status_label
from stockgate.services.fulfilment import advance_order, cancel_order
from stockgate.services.supplier_orders import list_orders, show_order
from stockgate.wire.supplier_documents import move_document, order_document, order_row


@click.group()
def orders() -> None:
    """Orders: list, show, and (with the warehouse workflow) advance and cancel."""


@orders.command("list")
@click.option("--status", type=int, default=None, help="Only orders in this status (e.g. 5).")
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@page_options("--before", "after_id", help="Continue below this order id.")
@database_option
@json_option
def list_(
    status: int | None,
    email: str | None,
    limit: int,
    after_id: int | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Orders, newest first."""
    with runtime(database_url) as rt:
        found = list_orders(rt.db, status=status, email=email, after_id=after_id, limit=limit)
    emit_table(as_json, [order_row(o) for o in found], ["order", "key", "account", "status", "total"], _row)


def _row(d: Mapping[str, Any]) -> tuple[object, ...]:
    status = f"{d['status']} {status_label(d['status'])}"
    return (d["order_id"], d["key"] or "", d["account"], status, f"{d['total']:.2f}")


def _human(d: dict[str, Any]) -> list[str]:
    r = d["recipient"]
    lines = [
        f"order {d['order_id']} ({d['kind']}) key {d['key'] or '-'} for {d['account']}",
        f"status {d['status']} {d['status_name']}"
        + (f", substatus {d['substatus']}" if d["substatus"] else ""),
        f"total {d['total']:.2f} (carrier {d['carrier_name'] or 'none'} {d['carrier_cost'] or 0:.2f}),"
        f" paid {d['paid']:.2f}",
        f"ship to {r['recipient']}, {r['street_name']} {r['address_number'] or ''},"
        f" {r['zip']} {r['city']} {r['countrycode']}",
    ]
    if d["tracking"]["code"] or d["tracking"]["url"]:
        lines.append(f"tracking {d['tracking']['code'] or ''} {d['tracking']['url'] or ''}".rstrip())
    lines += table(
        ["stock_id", "quantity", "unit price", "from lock"],
        [(x["stock_id"], x["quantity"], f"{x['unit_price']:.2f}", x["from_lock"]) for x in d["lines"]],
    )
    lines.append("history:")
    for h in d["history"]:
        lines.append(f"  {h['at']:%Y-%m-%d %H:%M:%S} {h['actor']}: {_event(h)} {h['reason']}".rstrip())
    return lines


def _event(h: dict[str, Any]) -> str:
    """One history entry in a few words: what changed, by how much."""
    if h["kind"] == "status":
        return f"status -> {h['status']}"
    if h["kind"] == "return":
        return f"return line {h['return_id']} -> {h['status']}"
    parts = [h["kind"]]
    if h["stock_id"] is not None:
        parts.append(f"stock_id {h['stock_id']}")
    if h["on_hand_delta"]:
        parts.append(f"on-hand {h['on_hand_delta']:+d}")
    if h["locked_delta"]:
        parts.append(f"locked {h['locked_delta']:+d}")
    if h["credit_delta"]:
        parts.append(f"e-credit {h['credit_delta']:+.2f}")
    return " ".join(parts) + ":"


@orders.command("show")
@click.argument("order_id", type=int)
@database_option
@json_option
def show(order_id: int, database_url: str | None, as_json: bool) -> None:
    """One order: lines, recipient, totals, payment, history."""
    with runtime(database_url) as rt:
        document = order_document(show_order(rt.db, order_id=order_id))
    emit(as_json, document, _human(document))


def _moved(document: dict[str, Any]) -> str:
    previous = document["previous_status"]
    line = (
        f"order {document['order_id']}: {previous} {status_label(previous)}"
        f" -> {document['status']} {document['status_name']}"
    )
    if document["substatus"]:
        line += f", substatus {document['substatus']}"
    if document["debited"]:
        line += f", {document['debited']:.2f} debited from e-credit"
    if document["refunded"]:
        line += f", {document['refunded']:.2f} paid back to e-credit"
    return line


@orders.command("advance")
@click.argument("order_id", type=int)
@click.option("--to", "to", type=int, required=True, help="Target status: 2, 3001, 3002 or 3.")
@click.option("--tracking-code", default=None, help="Carrier tracking code (dispatch needs a code or url).")
@click.option("--tracking-url", default=None)
@click.option(
    "--carrier-name", default=None, help="Carrier shops are told about (default: the assigned one)."
)
@click.option("--reason", default="", help="Why, for the order's history.")
@database_option
@json_option
def advance(
    order_id: int,
    to: int,
    tracking_code: str | None,
    tracking_url: str | None,
    carrier_name: str | None,
    reason: str,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Move an order forward along 5 -> 2 -> 3001 -> 3002 -> 3 (leaving 5 confirms it)."""
    with runtime(database_url) as rt:
        moved = advance_order(
            rt.db,
            order_id=order_id,
            to=to,
            tracking_code=tracking_code,
            tracking_url=tracking_url,
            carrier_name=carrier_name,
            actor=SUPPLIER,
            reason=reason,
        )
    document = move_document(moved)
    emit(as_json, document, _moved(document))


@orders.command("cancel")
@click.argument("order_id", type=int)
@click.option("--reason", default="", help="Why, for the order's history.")
@click.option("--reject", is_flag=True, help="Rejected by the supplier (substatus 3) rather than cancelled.")
@database_option
@json_option
def cancel(order_id: int, reason: str, reject: bool, database_url: str | None, as_json: bool) -> None:
    """Cancel (or reject) an order not yet dispatched: units back to stock, e-credit paid back."""
    with runtime(database_url) as rt:
        moved = cancel_order(rt.db, order_id=order_id, reason=reason, reject=reject, actor=SUPPLIER)
    document = move_document(moved)
    emit(as_json, document, _moved(document))


def register(cli: click.Group) -> None:
    cli.add_command(orders)

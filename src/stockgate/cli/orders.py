"""`stockgate orders list|show`."""

from __future__ import annotations

from typing import Any

import click

from stockgate.cli.common import database_option, emit, json_option, runtime, table
from stockgate.domain.statuses import status_label
from stockgate.services.ports import OrderDetail
from stockgate.services.supplier_orders import list_orders, show_order


@click.group()
def orders() -> None:
    """Orders: list, show, and (with the warehouse workflow) advance and cancel."""


@orders.command("list")
@click.option("--status", type=int, default=None, help="Only orders in this status (e.g. 5).")
@click.option("--account", "email", default=None, help="Only this account's (e-mail).")
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@click.option("--before", "after_id", type=int, default=None, help="Continue below this order id.")
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
    documents = [
        {
            "order_id": o["id"],
            "key": o["key"],
            "kind": o["kind"],
            "status": o["status"],
            "substatus": o["substatus"],
            "account": o["account_email"],
            "total": o["total"],
            "paid": o["paid"],
            "created_at": o["created_at"],
        }
        for o in found
    ]
    rows = [
        (
            d["order_id"],
            d["key"] or "",
            d["account"],
            f"{d['status']} {status_label(d['status'])}",
            f"{d['total']:.2f}",
        )
        for d in documents
    ]
    emit(as_json, documents, table(["order", "key", "account", "status", "total"], rows))


def order_document(order: OrderDetail) -> dict[str, Any]:
    """The `orders show --json` shape scripts rely on (supplier.md section 2)."""
    f = order.fields
    return {
        "order_id": f["id"],
        "key": f["key"],
        "kind": f["kind"],
        "account": f["account_email"],
        "status": f["status"],
        "status_name": status_label(f["status"]),
        "substatus": f["substatus"],
        "carrier_id": f["carrier_id"],
        "carrier_name": f["carrier_name"],
        "carrier_cost": f["carrier_cost"],
        "total": f["total"],
        "paid": f["paid"],
        "order_date": f["order_date"],
        "created_at": f["created_at"],
        "last_update": f["last_update"],
        "recipient": {
            name: f[name]
            for name in (
                "recipient",
                "careof",
                "cfpiva",
                "customer_key",
                "notes",
                "street_type",
                "street_name",
                "address_number",
                "zip",
                "city",
                "province",
                "countrycode",
                "phone_prefix",
                "phone_number",
            )
        },
        "tracking": {"code": f["tracking_code"], "url": f["tracking_url"], "carrier": f["tracking_carrier"]},
        "lines": [
            {
                "stock_id": line.stock_id,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "from_lock": line.from_lock,
            }
            for line in order.lines
        ],
        "history": [
            {
                "at": h.at,
                "actor": h.actor,
                "kind": h.kind,
                "reason": h.reason,
                "status": h.status,
                "stock_id": h.stock_id,
                "on_hand_delta": h.on_hand_delta,
                "locked_delta": h.locked_delta,
                "credit_delta": h.credit_delta,
            }
            for h in order.history
        ],
    }


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
        what = f"status -> {h['status']}" if h["kind"] == "status" else h["kind"]
        lines.append(f"  {h['at']:%Y-%m-%d %H:%M:%S} {h['actor']}: {what} {h['reason']}".rstrip())
    return lines


@orders.command("show")
@click.argument("order_id", type=int)
@database_option
@json_option
def show(order_id: int, database_url: str | None, as_json: bool) -> None:
    """One order: lines, recipient, totals, payment, history."""
    with runtime(database_url) as rt:
        document = order_document(show_order(rt.db, order_id=order_id))
    emit(as_json, document, _human(document))


def register(cli: click.Group) -> None:
    cli.add_command(orders)

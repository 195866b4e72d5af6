"""`stockgate carriers add|list`."""

from __future__ import annotations

from decimal import Decimal

import click

from stockgate.cli.common import AMOUNT, database_option, emit, json_option, runtime, table
from stockgate.services.carriers import add_carrier, list_carriers
from stockgate.wire.supplier_documents import carrier_document


@click.group()
def carriers() -> None:
    """Carriers and their costs."""


_document = carrier_document


@carriers.command("add")
@click.option("--id", "carrier_id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--cost", type=AMOUNT, required=True)
@click.option("--default", "is_default", is_flag=True, help="Make it the default carrier.")
@click.option("--countries", default="", help="Comma-separated ISO codes; empty serves every country.")
@click.option("--max-weight", type=click.FloatRange(min=0, min_open=True), default=None)
@database_option
@json_option
def add(
    carrier_id: int,
    name: str,
    cost: Decimal,
    is_default: bool,
    countries: str,
    max_weight: float | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Add or replace a carrier (a new --default replaces the old default)."""
    weight = None if max_weight is None else Decimal(str(max_weight)).quantize(Decimal("0.001"))
    with runtime(database_url) as rt:
        carrier = add_carrier(
            rt.db,
            carrier_id=carrier_id,
            name=name,
            cost=cost,
            default=is_default,
            countries=countries,
            max_weight=weight,
        )
    emit(as_json, _document(carrier), f"carrier {carrier.id} {carrier.name} saved")


@carriers.command("list")
@database_option
@json_option
def list_(database_url: str | None, as_json: bool) -> None:
    """Every carrier."""
    with runtime(database_url) as rt:
        found = list_carriers(rt.db)
    rows = [
        (
            c.id,
            c.name,
            f"{c.cost:.2f}",
            ",".join(sorted(c.countries)) or "all",
            c.max_weight or "",
            "yes" if c.is_default else "",
        )
        for c in found
    ]
    emit(
        as_json,
        [_document(c) for c in found],
        table(["id", "name", "cost", "countries", "max weight", "default"], rows),
    )


def register(cli: click.Group) -> None:
    cli.add_command(carriers)

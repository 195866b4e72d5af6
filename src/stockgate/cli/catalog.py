"""`stockgate catalog import|export|generate` (docs/catalog.md)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import click

from stockgate.cli.catalog_files import input_format, output, read_items
from stockgate.cli.common import SUPPLIER, database_option, emit, json_option, runtime
from stockgate.domain.catalog import CatalogFilter, ImportRejected, ParsedItem, ProductRecord
from stockgate.domain.dates import utc_now
from stockgate.services.catalog_export import PAGE_SIZE, export_catalog
from stockgate.services.catalog_generate import generate_catalog
from stockgate.services.catalog_import import import_catalog, import_products
from stockgate.wire.catalog import render_export
from stockgate.wire.negotiation import Format


@click.group()
def catalog() -> None:
    """The product catalog: import, export, generate."""


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["xml", "csv"]), help="Default: from the file name.")
@click.option(
    "--strict", is_flag=True, help="Check the whole file first; import nothing if an item is broken."
)
@database_option
@json_option
def import_(file: Path, fmt: str | None, strict: bool, database_url: str | None, as_json: bool) -> None:
    """Import products and models from TEAL XML or CSV; ids are kept, re-imports update in place.

    A broken item is reported with its line and skipped (exit status 1), or with --strict nothing is
    imported at all.
    """
    kind = input_format(file, fmt)
    reads = 0

    def items() -> Iterator[ParsedItem]:  # read once, or twice with --strict (check, then import)
        nonlocal reads
        reads += 1
        label = "checking" if strict and reads == 1 else "importing"
        return read_items(file, kind, label=label, notes=reads == 1)

    started = time.monotonic()
    with runtime(database_url) as rt:
        try:
            counts = import_catalog(rt.db, items=items, actor=SUPPLIER, strict=strict)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                click.echo(problem, err=True)
            raise click.ClickException(rejected.message) from None
    seconds = time.monotonic() - started
    emit(
        as_json,
        {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "skipped": counts.skipped,
            "errors": counts.errors,
            "seconds": round(seconds, 3),
        },
        f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, "
        f"{counts.skipped} skipped ({seconds:.1f} s)",
    )
    if not as_json:
        for error in counts.errors:
            click.echo(error, err=True)
        if counts.skipped > len(counts.errors):
            click.echo(f"... and {counts.skipped - len(counts.errors)} more", err=True)
    if counts.skipped:
        sys.exit(1)


def _export_format(target: str, given: Format | None) -> Format:
    if given:
        return given
    return "json" if target.lower().removesuffix(".gz").endswith(".json") else "xml"


@catalog.command("export")
@click.argument("file")
@click.option(
    "--format", "fmt", type=click.Choice(["xml", "json"]), help="Default: from the file name, else xml."
)
@click.option(
    "--availability",
    type=click.Choice(["on-hand", "free"]),
    default="on-hand",
    show_default=True,
    help="on-hand re-imports exactly; free is what shops see (on-hand minus reservations).",
)
@click.option("--locales", default=None, help="Comma-separated locales to keep (default: all).")
@database_option
@json_option
def export(
    file: str,
    fmt: Format | None,
    availability: str,
    locales: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Write the whole catalog in the TEAL shape of the catalog export (FILE `-`: standard output)."""
    kind = _export_format(file, fmt)
    wanted = frozenset(code.strip() for code in locales.split(",") if code.strip()) if locales else None
    started = time.monotonic()
    with runtime(database_url) as rt:
        batch = export_catalog(rt.db, selection=CatalogFilter(), free=availability == "free")
        try:
            with output(file) as stream:
                for chunk in render_export(batch.total, batch.last_update, batch.pages(), kind, wanted):
                    stream.write(chunk)
        finally:
            batch.close()
    if file != "-":
        seconds = time.monotonic() - started
        emit(
            as_json,
            {"products": batch.total, "file": file, "format": kind, "seconds": round(seconds, 3)},
            f"{batch.total} products written to {file} ({seconds:.1f} s)",
        )


@catalog.command("generate")
@click.argument("file", required=False)
@click.option("--products", type=click.IntRange(1, 10_000_000), required=True, help="How many products.")
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same catalog.")
@click.option("--locales", type=click.IntRange(1, 5), default=2, show_default=True)
@click.option("--max-models", type=click.IntRange(1, 40), default=6, show_default=True, help="Per product.")
@click.option("--first-id", type=click.IntRange(1, 2**40), default=1000, show_default=True)
@click.option("--load", is_flag=True, help="Load into the database instead of writing FILE.")
@database_option
@json_option
def generate(
    file: str | None,
    products: int,
    seed: int,
    locales: int,
    max_models: int,
    first_id: int,
    load: bool,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Make a realistic synthetic catalog: write it to FILE as TEAL XML, or --load it."""
    if load == (file is not None):
        raise click.UsageError("give FILE to write, or --load to load into the database")
    records = generate_catalog(
        products=products, seed=seed, locales=locales, max_models=max_models, first_id=first_id
    )
    started = time.monotonic()
    if load:
        with runtime(database_url) as rt:
            counts = import_products(rt.db, records=records, actor=SUPPLIER)
        summary: dict[str, object] = {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        }
        message = f"{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
    else:
        assert file is not None
        with output(file) as stream:
            for chunk in render_export(products, utc_now(), _pages(records), "xml", None):
                stream.write(chunk)
        summary = {"products": products, "file": file}
        message = f"{products} products written to {file}"
    seconds = time.monotonic() - started
    emit(as_json, {**summary, "seconds": round(seconds, 3)}, f"{message} ({seconds:.1f} s)")


def _pages(records: Iterator[ProductRecord]) -> Iterator[list[ProductRecord]]:
    while page := list(islice(records, PAGE_SIZE)):
        yield page


def register(cli: click.Group) -> None:
    cli.add_command(catalog)

"""The ``stockgate-client catalog`` command: download the export as JSON Lines."""

from __future__ import annotations

import itertools
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import IO

import click

from .cli_output import jsonable
from .cli_session import Session, pass_session
from .dates import parse_instant

__all__ = ["catalog"]


def _tag_filters(values: tuple[str, ...]) -> dict[str | int, str]:
    filters: dict[str | int, str] = {}
    for value in values:
        name, separator, wanted = value.partition("=")
        if not separator:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--tag")
        filters[int(name) if name.isdigit() else name] = wanted
    return filters


def _since(value: str | None, state: Path | None) -> datetime | None:
    if value:
        return parse_instant(value)
    if state is not None and state.exists():
        return parse_instant(state.read_text().strip())
    return None


@click.command()
@click.option("--locale", "locales", multiple=True, default=["en_US"], show_default=True, help="Repeatable.")
@click.option("--since", help="Only products changed since this ISO-8601 instant.")
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File keeping the last sync instant: read as --since, rewritten after a complete download.",
)
@click.option("--tag", "tag_values", multiple=True, help="Filter NAME=VALUE (brand, category, season, ...).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Default: stdout.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
@pass_session
def catalog(
    session: Session,
    locales: tuple[str, ...],
    since: str | None,
    state: Path | None,
    tag_values: tuple[str, ...],
    output: IO[str],
    progress: bool,
) -> None:
    """Download the catalog export as JSON Lines, one product per line."""
    client = session.client()
    with client.catalog(locales, since=_since(since, state), tags=_tag_filters(tag_values)) as export:
        first = list(itertools.islice(export, 1))
        products = itertools.chain(first, export)
        count = 0
        # The XML export announces its size up front, so the bar can show a percentage.
        with click.progressbar(
            products,
            length=export.total,
            label="products",
            file=sys.stderr,
            hidden=not progress,
        ) as bar:
            for product in bar:
                output.write(json.dumps(jsonable(product), ensure_ascii=False) + "\n")
                count += 1
        kind = "full" if export.full else "incremental"
        next_since = export.next_since
    if state is not None and next_since is not None:
        state.write_text(next_since.isoformat() + "\n")
    click.echo(
        f"{count} products ({kind} export); next since {next_since and next_since.isoformat()}", err=True
    )

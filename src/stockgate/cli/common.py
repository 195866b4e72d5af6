"""What every command shares: --database-url, --json, opening the database, one-line errors."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TypeVar

import click

from stockgate.bootstrap import URL_VARIABLE, Config, Runtime, start
from stockgate.domain.errors import DomainError
from stockgate.domain.money import parse_amount

F = TypeVar("F", bound=Callable[..., Any])
SUPPLIER = "supplier:cli"


def database_option(func: F) -> F:
    return click.option(
        "--database-url",
        envvar=URL_VARIABLE,
        default=None,
        help="SQLAlchemy URL; default sqlite:///stockgate.db (or $STOCKGATE_DATABASE_URL).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def page_options(cursor: str, dest: str, help: str) -> Callable[[F], F]:
    """--limit and the cursor option (e.g. --before) of a listing that is read a page at a time."""

    def decorate(func: F) -> F:
        # click lists options in the reverse order of application: --limit first, then the cursor.
        func = click.option(cursor, dest, type=int, default=None, help=help)(func)
        return click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)(func)

    return decorate


@contextmanager
def runtime(database_url: str | None) -> Iterator[Runtime]:
    """The database, migrated to the latest schema, closed on the way out."""
    rt = start(Config.from_env(database_url))
    try:
        yield rt
    finally:
        rt.close()


def emit(as_json: bool, document: Any, lines: Sequence[str] | str) -> None:
    """Print `document` as JSON with --json, else the human-readable lines."""
    if as_json:
        click.echo(json.dumps(document, default=_json_default, ensure_ascii=False, indent=2))
    elif isinstance(lines, str):
        click.echo(lines)
    else:
        for line in lines:
            click.echo(line)


def emit_table(
    as_json: bool,
    documents: Sequence[Mapping[str, Any]],
    headers: Sequence[str],
    row: Callable[[Mapping[str, Any]], Sequence[object]],
) -> None:
    """Print a listing: the documents as JSON with --json, else a table of one `row(document)` each."""
    emit(as_json, documents, table(headers, [row(d) for d in documents]))


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A plain aligned text table."""
    cells = [[str(h) for h in headers]] + [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    return ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]


class AmountType(click.ParamType):  # type: ignore[type-arg]
    name = "amount"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except DomainError as error:
            self.fail(error.message, param, ctx)


AMOUNT = AmountType()


class FriendlyGroup(click.Group):
    """A group whose commands report failures as one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            if os.environ.get("STOCKGATE_DEBUG"):
                raise
            message = str(error).splitlines()[0] if str(error) else ""
            click.echo(f"Error: {type(error).__name__}: {message}", err=True)
            sys.exit(2)

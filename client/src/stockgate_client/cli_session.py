"""What every stockgate-client command shares: the open Client, --json, line arguments, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .client import Client
from .config import Settings, load_settings
from .errors import (
    ApiError,
    AuthenticationError,
    BadRequest,
    NotFound,
    OrderRejected,
    RateLimited,
    ServerError,
    StockgateError,
    TransportError,
)
from .models import Line

__all__ = ["Session", "command_error", "json_option", "lines_argument", "pass_session"]

F = TypeVar("F", bound=Callable[..., Any])

# Exit status per kind of failure, so scripts can tell them apart (1 for anything else).
_EXIT_CODES: list[tuple[type[StockgateError], int]] = [
    (AuthenticationError, 3),
    (NotFound, 4),
    (OrderRejected, 5),
    (BadRequest, 5),
    (RateLimited, 6),
    (TransportError, 7),
    (ServerError, 7),
]


class Session:
    """The command's settings, and the Client opened from them on first use."""

    def __init__(self, given: dict[str, str | None], config: Path | None) -> None:
        self._given = given
        self._config = config
        self._client: Client | None = None

    def settings(self) -> Settings:
        """The merged settings (options, environment, config file)."""
        return load_settings(self._given, self._config)

    def client(self) -> Client:
        """The Client of this invocation, closed when the command ends."""
        if self._client is None:
            settings = self.settings()
            self._client = Client(
                settings.url,
                settings.api_key,
                settings.password,
                format=settings.format,  # type: ignore[arg-type]
            )
            click.get_current_context().call_on_close(self._client.close)
        return self._client


pass_session = click.make_pass_decorator(Session)


def json_option(function: F) -> F:
    """Add ``--json``: one JSON document on stdout instead of a table."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(function)


def _parse_line(text: str) -> Line:
    stock_id, separator, quantity = text.partition("=")
    if not separator:
        stock_id, separator, quantity = text.partition(":")
    try:
        return Line(int(stock_id), int(quantity))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not STOCK_ID=QUANTITY") from None


def lines_argument(function: F) -> F:
    """Add the LINES... argument, each ``STOCK_ID=QUANTITY``."""

    def convert(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Line]:
        """Parse each argument into a Line."""
        return [_parse_line(value) for value in values]

    decorator = click.argument("lines", nargs=-1, required=True, metavar="STOCK_ID=QTY...", callback=convert)
    return decorator(function)


def command_error(exc: StockgateError) -> tuple[str, int]:
    """The error's line for the terminal, and the exit status for its kind of failure."""
    if isinstance(exc, ApiError):
        kind = type(exc).__name__
        message = f"{kind} ({exc.status}): {exc.message}"
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            message += f"; retry after {exc.retry_after:g} s"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return message, next((code for kind, code in _EXIT_CODES if isinstance(exc, kind)), 1)

"""The stockgate-client command: the ghost API from a terminal.

Connection settings come from options, the environment or a config file (see config.py). Results
print as tables, or as JSON with --json; errors print as one line on stderr with a non-zero exit.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

import click

from . import __version__
from .cli_catalog import catalog
from .cli_orders import read_orders
from .cli_output import emit
from .cli_returns import returns
from .cli_session import Session, command_error, json_option, lines_argument, pass_session
from .config import ConfigError
from .errors import StockgateError
from .models import Line, Operation, Reservation

__all__ = ["commands", "main"]


class _Commands(click.Group):
    """The top group: turns every expected failure into one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; report a failure as ``Error: ...`` and the exit status of its kind."""
        try:
            return super().invoke(ctx)
        except StockgateError as exc:
            message, code = command_error(exc)
        except (ConfigError, OSError, ValueError) as exc:
            message, code = str(exc), 1
        click.echo(f"Error: {' '.join(message.split())}", err=True)
        raise click.exceptions.Exit(code)


@click.group(cls=_Commands)
@click.option("--url", envvar="STOCKGATE_URL", help="Base URL of the server (env STOCKGATE_URL).")
@click.option("--api-key", envvar="STOCKGATE_API_KEY", help="API key (env STOCKGATE_API_KEY).")
@click.option("--password", envvar="STOCKGATE_PASSWORD", help="Password (env STOCKGATE_PASSWORD).")
@click.option(
    "--format",
    "fmt",
    envvar="STOCKGATE_FORMAT",
    type=click.Choice(["json", "xml"], case_sensitive=False),
    help="Wire format (default json).",
)
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default ~/.config/stockgate-client.toml).",
)
@click.version_option(__version__, prog_name="stockgate-client")
@click.pass_context
def commands(
    ctx: click.Context,
    url: str | None,
    api_key: str | None,
    password: str | None,
    fmt: str | None,
    config: Path | None,
) -> None:
    """Talk to a stockgate server or any Rewix site through the ghost API."""
    ctx.obj = Session({"url": url, "api_key": api_key, "password": password, "format": fmt}, config)


def _show_reservation(as_json: bool, reservation: Reservation) -> None:
    rows = [(m.stock_id, m.locked, m.available) for m in reservation.models]
    emit(as_json, reservation, ["STOCK_ID", "LOCKED", "AVAILABLE"], rows)
    if not as_json:
        click.echo(f"reservation {reservation.order_id}", err=True)


@commands.command()
@pass_session
def check(session: Session) -> None:
    """Test the credentials against the server."""
    session.client().check()
    click.echo("credentials accepted")


@commands.command()
@json_option
@pass_session
def carriers(session: Session, as_json: bool) -> None:
    """List the carriers this account may use."""
    result = session.client().carriers()
    emit(as_json, result, ["ID", "NAME", "COST"], [(c.id, c.name, c.cost) for c in result])


@commands.command()
@click.argument("operation", type=click.Choice(["lock", "unlock", "set", "ensure"]))
@lines_argument
@json_option
@pass_session
def reserve(session: Session, operation: str, lines: list[Line], as_json: bool) -> None:
    """Lock, unlock, set or ensure reserved quantities: ``reserve lock 1578=2``."""
    _show_reservation(as_json, session.client().reserve([Operation(operation, tuple(lines))]))  # type: ignore[arg-type]


@commands.command()
@json_option
@pass_session
def reservation(session: Session, as_json: bool) -> None:
    """Show the reservation."""
    _show_reservation(as_json, session.client().reservation())


@commands.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--reservation-id", default=0, show_default=True, help="0 or the reservation's order_id.")
@json_option
@pass_session
def order(session: Session, file: IO[str], reservation_id: int, as_json: bool) -> None:
    """Place dropshipping orders from a JSON FILE (the ghost API's order_list shape; - for stdin)."""
    orders = read_orders(file.read())
    placed = session.client().place_dropship_order(orders, reservation_id=reservation_id)
    emit(as_json, placed, ["ORDER_ID"], [(order_id,) for order_id in placed.order_ids])


@commands.command()
@lines_argument
@click.option("--carrier", "carrier_id", type=int, help="Carrier id (default: the server's default).")
@click.option(
    "--auto-confirm/--no-auto-confirm", default=None, help="Confirm when possible (server default: yes)."
)
@json_option
@pass_session
def acquire(
    session: Session, lines: list[Line], carrier_id: int | None, auto_confirm: bool | None, as_json: bool
) -> None:
    """Order goods to the account's own address: ``acquire 59=10 10=7``."""
    order_id = session.client().acquire(lines, carrier_id=carrier_id, auto_confirm=auto_confirm)
    emit(as_json, {"order_id": order_id}, ["ORDER_ID"], [(order_id,)])


@commands.command()
@click.argument("order_id", type=int, required=False)
@click.option("--key", help="Look the order up by the shop's own key instead.")
@json_option
@pass_session
def status(session: Session, order_id: int | None, key: str | None, as_json: bool) -> None:
    """Show an order's status and tracking, by ORDER_ID or --key."""
    if (order_id is None) == (key is None):
        raise click.UsageError("give either ORDER_ID or --key")
    client = session.client()
    result = client.order_status(order_id) if order_id is not None else client.order_status_by_key(str(key))
    state = result.state.name if result.state is not None else str(result.status)
    headers = [
        "ORDER_ID",
        "KEY",
        "STATUS",
        "SUBSTATUS",
        "LAST_UPDATE",
        "CARRIER",
        "TRACKING_CODE",
        "TRACKING_URL",
    ]
    row = (result.order_id, result.ext_ref, state, result.substatus, result.last_update, result.carrier_name,
           result.tracking_code, result.tracking_url)  # fmt: skip
    emit(as_json, result, headers, [row])


@commands.command()
@json_option
@pass_session
def locales(session: Session, as_json: bool) -> None:
    """List the locales the catalog carries."""
    result = session.client().locales()
    emit(as_json, result, ["KEY", "NAME"], [(item.key, item.name) for item in result])


@commands.command()
@json_option
@pass_session
def tags(session: Session, as_json: bool) -> None:
    """List the tag values (brand, category, ...) in use."""
    result = session.client().tags()
    emit(as_json, result, ["TAG", "VALUE"], [(item.tag, item.value) for item in result])


commands.add_command(returns)
commands.add_command(catalog)


def main() -> None:
    """Entry point of the stockgate-client command."""
    commands(prog_name="stockgate-client")

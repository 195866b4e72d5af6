"""`stockgate limits`: accounts' rate limits, and API keys locked out after failed authentications."""

from __future__ import annotations

import click

from stockgate.cli.common import database_option, emit, json_option, runtime, table
from stockgate.domain.throttle import RateLimit
from stockgate.services.lockouts import locked_out_keys, release_lockout
from stockgate.services.rate_limits import rate_limit_of, set_rate_limit


@click.group()
def limits() -> None:
    """Rate limits and failed-authentication lockouts."""


def _describe(email: str, limit: RateLimit | None) -> tuple[dict[str, object], str]:
    if limit is None:
        return {"email": email, "default": True}, f"{email}: the server's default limit"
    if limit.unlimited:
        return {"email": email, "default": False, "unlimited": True}, f"{email}: no limit"
    document = {"email": email, "default": False, "burst": limit.burst, "per_second": limit.per_second}
    return document, f"{email}: burst {limit.burst}, {limit.per_second:g} per second"


@limits.command("show")
@click.argument("email")
@database_option
@json_option
def show(email: str, database_url: str | None, as_json: bool) -> None:
    """An account's own rate limit, if it has one."""
    with runtime(database_url) as rt:
        emit(as_json, *_describe(email, rate_limit_of(rt.db, email=email)))


@limits.command("set")
@click.argument("email")
@click.option("--burst", type=click.IntRange(1), help="Requests allowed at once.")
@click.option("--per-second", type=float, help="Requests per second on average.")
@click.option("--unlimited", is_flag=True, help="No limit for this account.")
@click.option("--default", "use_default", is_flag=True, help="Follow the server's default again.")
@database_option
@json_option
def set_(
    email: str,
    burst: int | None,
    per_second: float | None,
    unlimited: bool,
    use_default: bool,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Give an account its own rate limit (changes reach every server process within seconds)."""
    if sum((burst is not None or per_second is not None, unlimited, use_default)) != 1:
        raise click.UsageError("give --burst and --per-second, or --unlimited, or --default")
    limit: RateLimit | None = None
    if unlimited:
        limit = RateLimit(0, 0)
    elif not use_default:
        if burst is None or per_second is None:
            raise click.UsageError("--burst and --per-second go together")
        limit = RateLimit(burst, per_second)
    with runtime(database_url) as rt:
        set_rate_limit(rt.db, email=email, limit=limit)
    emit(as_json, *_describe(email, limit))


@limits.command("lockouts")
@database_option
@json_option
def lockouts(database_url: str | None, as_json: bool) -> None:
    """API keys refused right now after too many failed authentications."""
    with runtime(database_url) as rt:
        found = locked_out_keys(rt.db)
    rows = [
        [k.key_hash_prefix, k.email or "(no such key)", k.failures, k.locked_until.isoformat()] for k in found
    ]
    documents = [
        {
            "key_hash_prefix": k.key_hash_prefix,
            "account_id": k.account_id,
            "email": k.email,
            "failures": k.failures,
            "locked_until": k.locked_until,
        }
        for k in found
    ]
    emit(as_json, documents, table(["key (sha-256)", "account", "failures", "locked until"], rows))


@limits.command("unlock")
@click.argument("email")
@database_option
@json_option
def unlock(email: str, database_url: str | None, as_json: bool) -> None:
    """Lift the lockout of an account's API key (its failure count starts again)."""
    with runtime(database_url) as rt:
        released = release_lockout(rt.db, email=email)
    emit(as_json, {"email": email, "released": released}, f"{email}: {released} lockout record(s) removed")


def register(cli: click.Group) -> None:
    cli.add_command(limits)

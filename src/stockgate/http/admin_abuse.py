"""Admin API: API keys locked out after failed authentications, and accounts' rate limits."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import InvalidInput
from stockgate.domain.throttle import RateLimit
from stockgate.http.admin_call import AdminCall, admin_routes, flag, integer
from stockgate.services.accounts import account_by_id
from stockgate.services.lockouts import LockedOutKeyView, locked_out_keys, release_lockout
from stockgate.services.rate_limits import rate_limit_of, set_rate_limit


def lockouts(call: AdminCall) -> Any:
    """Every API key refused right now; a handful at most, so one page."""
    return {"items": [_lockout_document(k) for k in locked_out_keys(call.ctx.db)]}


def _lockout_document(key: LockedOutKeyView) -> dict[str, Any]:
    return {
        "key_hash_prefix": key.key_hash_prefix,
        "account_id": key.account_id,
        "email": key.email,
        "failures": key.failures,
        "locked_until": key.locked_until.isoformat(),
    }


def unlock(call: AdminCall) -> Any:
    account = account_by_id(call.ctx.db, account_id=call.path_id("account_id", "account"))
    return {"account_id": account.id, "released": release_lockout(call.ctx.db, email=account.email)}


def get_rate_limit(call: AdminCall) -> Any:
    account = account_by_id(call.ctx.db, account_id=call.path_id("account_id", "account"))
    return _limit_document(account.id, rate_limit_of(call.ctx.db, email=account.email), call)


def put_rate_limit(call: AdminCall) -> Any:
    account = account_by_id(call.ctx.db, account_id=call.path_id("account_id", "account"))
    body = call.json()
    limit = None
    if not flag(body, "default"):
        burst = integer(body, "burst", required=True) or 0
        per_second = body.get("per_second", 0 if burst == 0 else None)
        if isinstance(per_second, bool) or not isinstance(per_second, int | float):
            raise InvalidInput("per_second", "per_second must be a number of requests per second")
        limit = RateLimit(burst, float(per_second))
    set_rate_limit(call.ctx.db, email=account.email, limit=limit)
    return _limit_document(account.id, limit, call)


def _limit_document(account_id: int, own: RateLimit | None, call: AdminCall) -> dict[str, Any]:
    effective = own or call.ctx.rate_limit
    return {
        "account_id": account_id,
        "default": own is None,
        "unlimited": effective.unlimited,
        "burst": effective.burst,
        "per_second": 0.0 if effective.unlimited else effective.per_second,
    }


def routes() -> list[BaseRoute]:
    return [
        *admin_routes("/lockouts", lockouts, methods=["GET"]),
        *admin_routes("/accounts/{account_id}/lockout", unlock, methods=["DELETE"]),
        *admin_routes("/accounts/{account_id}/rate-limit", get_rate_limit, methods=["GET"]),
        *admin_routes("/accounts/{account_id}/rate-limit", put_rate_limit, methods=["PUT"]),
    ]

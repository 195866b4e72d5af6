"""The plumbing every admin API endpoint shares: bearer token, JSON body, cursor pages, problem details.

An endpoint is a plain function of an `AdminCall` returning a JSON-ready value (or a `Reply` for another
status); it runs in a worker thread and whatever it raises becomes an RFC 9457 problem.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from stockgate.domain.errors import AuthenticationFailed, InvalidInput, NotFound
from stockgate.domain.money import parse_amount
from stockgate.http.body import read_body
from stockgate.http.context import AppContext, served_app
from stockgate.http.errors import problem_response
from stockgate.services.admin_access import AdminPrincipal, authenticate_admin

PREFIX = "/admin/api/v1"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
T = TypeVar("T")


@dataclass(frozen=True)
class Reply:
    document: Any
    status: int = 200


@dataclass
class AdminCall:
    ctx: AppContext
    principal: AdminPrincipal
    body: bytes
    path_params: dict[str, str]
    query: dict[str, str]

    @property
    def actor(self) -> str:
        return self.principal.actor

    def json(self) -> dict[str, Any]:
        """The JSON object in the body; an empty body is an empty object."""
        if not self.body.strip():
            return {}
        try:
            value = orjson.loads(self.body)
        except orjson.JSONDecodeError:
            raise InvalidInput("body", "the body is not valid JSON") from None
        if not isinstance(value, dict):
            raise InvalidInput("body", "the body must be a JSON object")
        return value

    def path_id(self, name: str, what: str) -> int:
        raw = self.path_params[name]
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # isdigit() alone takes "²"
            raise NotFound(what, raw)
        return int(raw)

    def query_int(self, name: str, *, most: int = 2**31 - 1) -> int | None:
        """An integer query parameter; `most` keeps it within its column (PostgreSQL refuses more)."""
        raw = self.query.get(name, "").strip()
        if not raw:
            return None
        if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 18 or abs(int(raw)) > most:
            raise InvalidInput(name, f"{name} must be an integer")
        return int(raw)

    def limit(self) -> int:
        limit = self.query_int("limit")
        if limit is None:
            return DEFAULT_LIMIT
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput("limit", f"limit must be between 1 and {MAX_LIMIT}")
        return limit

    def cursor(self, arity: int = 1) -> tuple[int, ...] | None:
        """The position an opaque `cursor` stands for (as handed out in `next_cursor`)."""
        raw = self.query.get("cursor", "").strip()
        if not raw:
            return None
        try:
            value = orjson.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        except (binascii.Error, ValueError):
            value = None
        if not (isinstance(value, list) and len(value) == arity and all(type(v) is int for v in value)):
            raise InvalidInput("cursor", "cursor is not one this API handed out")
        return tuple(value)


def page(
    items: Sequence[T], limit: int, key: Callable[[T], tuple[int, ...]], render: Callable[[T], Any]
) -> Any:
    """`{"items": [...], "next_cursor": ...}` from up to limit + 1 fetched items (the extra one says
    that another page exists)."""
    shown = list(items[:limit])
    more = len(items) > limit and shown
    cursor = None
    if more:
        cursor = base64.urlsafe_b64encode(orjson.dumps(list(key(shown[-1])))).decode().rstrip("=")
    return {"items": [render(item) for item in shown], "next_cursor": cursor}


AdminEndpoint = Callable[[AdminCall], Any]


def admin_routes(path: str, endpoint: AdminEndpoint, *, methods: list[str]) -> list[BaseRoute]:
    async def handle(request: Request) -> Response:
        ctx = served_app(request).ctx
        try:
            body = (
                await read_body(request, ctx.max_body) if request.method in ("POST", "PUT", "PATCH") else b""
            )
            result = await run_in_threadpool(_call, ctx, request, body, endpoint)
        except Exception as error:
            return problem_response(error)
        reply = result if isinstance(result, Reply) else Reply(result)
        return Response(_dumps(reply.document), status_code=reply.status, media_type="application/json")

    full = PREFIX + path
    return [Route(full, handle, methods=methods)]


def bearer_token(header: str | None) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed
    return token.strip()


def _call(ctx: AppContext, request: Request, body: bytes, endpoint: AdminEndpoint) -> Any:
    principal = authenticate_admin(ctx.db, token=bearer_token(request.headers.get("authorization")))
    call = AdminCall(ctx, principal, body, dict(request.path_params), dict(request.query_params))
    return endpoint(call)


def _dumps(document: Any) -> bytes:
    return orjson.dumps(document, default=_default)


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # Money, as everywhere on the supplier side: two places, "29.80" (weights arrive as strings).
        return f"{value:.2f}"
    if isinstance(value, datetime):  # pragma: no cover - orjson writes datetimes itself
        return value.isoformat()
    raise TypeError(type(value).__name__)


# --- Reading values of a JSON body strictly: the admin API is for programs, not plugins.


def text(body: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(name, f"{name} is required")
        return None
    if not isinstance(value, str):
        raise InvalidInput(name, f"{name} must be a string")
    return value


def flag(body: dict[str, Any], name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise InvalidInput(name, f"{name} must be true or false")
    return value


def integer(body: dict[str, Any], name: str, *, required: bool = False) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(name, f"{name} is required")
        return None
    if type(value) is not int:
        raise InvalidInput(name, f"{name} must be an integer")
    return value


def amount(body: dict[str, Any], name: str, *, required: bool = False) -> Decimal | None:
    """Money as a decimal string ("29.80") or a JSON number."""
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(name, f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInput(name, f'{name} must be an amount such as "29.80"')
    return parse_amount(str(value), name)

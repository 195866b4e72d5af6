"""The admin API under /admin/api/v1/ (supplier.md section 3): JSON, bearer tokens, problem details."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute

from stockgate.domain.errors import NotFound
from stockgate.http import (
    admin_abuse,
    admin_accounts,
    admin_catalog,
    admin_orders,
    admin_stock,
    admin_webhooks,
    status_push,
)
from stockgate.http.admin_call import AdminCall, admin_routes


def unknown(call: AdminCall) -> Any:
    # After the token is checked, so an unauthenticated caller learns nothing about the routes.
    raise NotFound("admin API resource", "/" + call.path_params["rest"])


def routes() -> list[BaseRoute]:
    return [
        *admin_accounts.routes(),
        *admin_stock.routes(),
        *admin_orders.routes(),
        *admin_catalog.routes(),
        *admin_abuse.routes(),
        *admin_webhooks.routes(),
        *admin_routes("/{rest:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        *status_push.routes(),
    ]

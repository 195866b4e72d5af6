"""The back-office: server-rendered pages under /admin/ for the supplier's staff (supplier.md section 4).

The pages call the same service functions as the command line and the admin API.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from stockgate.domain.errors import NotFound
from stockgate.http.backoffice import (
    accounts,
    carriers,
    catalog,
    dashboard,
    login,
    orders,
    reservations,
)
from stockgate.http.backoffice.pages import AdminCall, Handler, admin_route
from stockgate.http.backoffice.rendering import Renderer
from stockgate.http.context import AppContext

GET = ["GET"]
POST = ["POST"]


def _home_redirect(_call: AdminCall) -> Response:
    return RedirectResponse("/admin/", status_code=307)


def _not_found(call: AdminCall) -> Response:
    # Behind the session check, so an unknown address tells a stranger nothing but "log in".
    raise NotFound("page", call.path)


PAGES: list[tuple[str, Handler, list[str]]] = [
    ("/admin", _home_redirect, GET),
    ("/admin/", dashboard.show, GET),
    ("/admin/orders", orders.listing, GET),
    ("/admin/orders/{id}", orders.detail, GET),
    ("/admin/accounts", accounts.listing, GET),
    ("/admin/accounts", accounts.create, POST),
    ("/admin/accounts/{id}", accounts.detail, GET),
    ("/admin/accounts/{id}/credit", accounts.credit, POST),
    ("/admin/accounts/{id}/settings", accounts.settings, POST),
    ("/admin/accounts/{id}/rotate-key", accounts.rotate, POST),
    ("/admin/accounts/{id}/carriers", accounts.carriers, POST),
    ("/admin/catalog", catalog.search, GET),
    ("/admin/catalog/stock", catalog.edit_stock, POST),
    ("/admin/reservations", reservations.overview, GET),
    ("/admin/reservations/{id}", reservations.of_account, GET),
    ("/admin/reservations/{id}/release", reservations.release, POST),
    ("/admin/carriers", carriers.listing, GET),
    ("/admin/carriers", carriers.save, POST),
]


def routes(ctx: AppContext) -> list[BaseRoute]:
    """Every back-office route; anything else under /admin/ wants a session, then answers 404."""
    renderer = Renderer(ctx.timezone)
    found: list[BaseRoute] = [
        Mount("/admin/static", StaticFiles(packages=[("stockgate.http.backoffice", "static")])),
        *login.routes(renderer),
    ]
    found += [admin_route(renderer, path, handler, methods=methods) for path, handler, methods in PAGES]
    found.append(admin_route(renderer, "/admin/{rest:path}", _not_found, methods=["GET", "POST"]))
    return found

"""The back-office: server-rendered pages under /admin/ for the supplier's staff (supplier.md section 4).

The pages call the same service functions as the command line and the admin API.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from stockgate.domain.errors import NotFound
from stockgate.http.backoffice import (
    accounts,
    carriers,
    catalog,
    dashboard,
    login,
    orders,
    reservations,
    returns,
)
from stockgate.http.backoffice.pages import AdminCall, Handler, admin_route
from stockgate.http.backoffice.rendering import Renderer
from stockgate.http.context import AppContext

PREFIX = "/admin"
API_PREFIX = "/admin/api"
GET = ["GET"]
POST = ["POST"]


# Forms that carry a file, and how large it may be (others: the server's body limit).
UPLOADS = {"/admin/catalog/import": catalog.UPLOAD_LIMIT}


def _not_found(call: AdminCall) -> Response:
    # Behind the session check, so an unknown address tells a stranger nothing but "log in".
    raise NotFound("page", call.path)


PAGES: list[tuple[str, Handler, list[str]]] = [
    ("/admin/catalog/import", catalog.import_form, GET),
    ("/admin/catalog/import", catalog.import_file, POST),
    ("/admin/", dashboard.show, GET),
    ("/admin/orders", orders.listing, GET),
    ("/admin/orders/{id}", orders.detail, GET),
    ("/admin/orders/{id}/advance", orders.advance, POST),
    ("/admin/orders/{id}/cancel", orders.cancel, POST),
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
    ("/admin/returns", returns.queue, GET),
    ("/admin/returns/{id}/{action}", returns.step, POST),
    ("/admin/carriers", carriers.listing, GET),
    ("/admin/carriers", carriers.save, POST),
]


class BackOffice(Mount):
    """Everything under /admin/ but the admin API (/admin/api/...), which answers for itself."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")[len(scope.get("root_path", "")) :]
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return Match.NONE, {}
        return super().matches(scope)


def routes(ctx: AppContext) -> list[BaseRoute]:
    """The back-office, mounted at /admin; anything unknown there wants a session, then answers 404."""
    renderer = Renderer(ctx.timezone)
    inside: list[BaseRoute] = [
        Mount("/static", StaticFiles(packages=[("stockgate.http.backoffice", "static")])),
        *login.routes(renderer),
    ]
    inside += [
        admin_route(renderer, path.removeprefix(PREFIX), handler, methods=methods, max_body=UPLOADS.get(path))
        for path, handler, methods in PAGES
    ]
    inside.append(
        admin_route(
            renderer, "/catalog/import", catalog.import_file, methods=POST, max_body=catalog.UPLOAD_LIMIT
        )
    )
    inside.append(admin_route(renderer, "/{rest:path}", _not_found, methods=["GET", "POST"]))
    # One mount rather than top-level routes: the OpenAPI document lists the API's routes, and these
    # HTML pages are not part of any API.
    return [BackOffice(PREFIX, routes=inside)]

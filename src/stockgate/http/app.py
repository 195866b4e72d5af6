"""The application factory: routes for the ghost API, health, and (in bench mode) a ceiling route."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from stockgate.http import ghost
from stockgate.http.context import AppContext
from stockgate.services.health import database_ready


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


def readyz(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    if database_ready(ctx.db):
        return PlainTextResponse("ready")
    return PlainTextResponse("database unreachable", status_code=503)


async def bench_constant(_request: Request) -> Response:
    # The HTTP ceiling of the benchmark: the full stack, no work. Exists only in bench mode.
    return Response(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<root order_id="0"/>',
        media_type="application/xml",
    )


def create_app(ctx: AppContext) -> Starlette:
    """A Starlette app serving everything stockgate answers over HTTP, bound to `ctx`."""
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *ghost.routes(),
    ]
    if ctx.bench_routes:
        routes.append(Route("/bench/constant", bench_constant, methods=["GET"]))
    app = Starlette(routes=routes, lifespan=_lifespan if ctx.background else None)
    app.state.ctx = ctx
    return app


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    # Started once per server process, stopped (finishing the work in hand) when it shuts down.
    ctx: AppContext = app.state.ctx
    for task in ctx.background:
        task.start()
    try:
        yield
    finally:
        for task in reversed(ctx.background):
            await run_in_threadpool(task.stop)

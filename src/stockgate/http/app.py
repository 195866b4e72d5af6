"""The application factory: routes for the ghost API, health, and (in bench mode) a ceiling route."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from stockgate.http import admin_api, backoffice, catalog, ghost, returns
from stockgate.http.context import AppContext, ServedApp, served_app
from stockgate.http.metrics import Metrics, metrics_endpoint
from stockgate.http.observe import Observe
from stockgate.http.openapi import openapi_document, operations_section
from stockgate.http.openapi_abuse import abuse_section
from stockgate.http.openapi_admin import admin_section
from stockgate.http.openapi_catalog import catalog_section
from stockgate.http.openapi_ghost import ghost_section
from stockgate.http.openapi_returns import returns_section
from stockgate.http.webhook_metrics import WebhookCollector
from stockgate.services.health import database_ready
from stockgate.services.rate_limits import RateLimiter
from stockgate.services.webhook_metrics import webhook_report


async def healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


def readyz(request: Request) -> Response:
    ctx = served_app(request).ctx
    if database_ready(ctx.db):
        return PlainTextResponse("ready")
    return PlainTextResponse("database unreachable", status_code=503)


async def bench_constant(_request: Request) -> Response:
    # The HTTP ceiling of the benchmark: the full stack, no work. Exists only in bench mode.
    return Response(
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<root order_id="0"/>',
        media_type="application/xml",
    )


async def bench_worker(_request: Request) -> Response:
    # Which server process holds this connection: the benchmark spreads its keep-alive connections
    # evenly over the workers (bench/README.md). Exists only in bench mode.
    return PlainTextResponse(str(os.getpid()))


def api_document() -> dict[str, object]:
    """The OpenAPI document served at /openapi.json: every section, ghost and admin."""
    return openapi_document(
        ghost_section(),
        catalog_section(),
        returns_section(),
        admin_section(),
        abuse_section(),
        operations_section(),
    )


def openapi_route(document: dict[str, object]) -> Route:
    rendered = orjson.dumps(document)

    async def serve_openapi(_request: Request) -> Response:
        return Response(rendered, media_type="application/json")

    return Route("/openapi.json", serve_openapi, methods=["GET"])


def create_app(ctx: AppContext) -> ServedApp:
    """A Starlette app serving everything stockgate answers over HTTP, bound to `ctx`."""
    metrics = Metrics()
    metrics.add_collector(WebhookCollector(lambda: webhook_report(ctx.db)))
    # Starlette tries the routes in order, each one that does not match at some 5,000 instructions:
    # the shops' endpoints come first. The benchmark's constant comes before them all, so its ceiling
    # is HTTP and the framework with no other route tried; each scenario pays for the routes ahead
    # of its own (bench/README.md).
    bench = [Route("/bench/constant", bench_constant, methods=["GET"])] if ctx.bench_routes else []
    routes: list[BaseRoute] = [
        *bench,
        *ghost.routes(),
        *catalog.routes(),
        *returns.routes(),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint(metrics, ctx.metrics_token), methods=["GET"]),
        openapi_route(api_document()),
        *admin_api.routes(),
        *backoffice.routes(ctx),
    ]
    if ctx.bench_routes:
        routes.append(Route("/bench/worker", bench_worker, methods=["GET"]))
    return ServedApp(
        ctx,
        metrics,
        RateLimiter(ctx.db, ctx.rate_limit, clock=ctx.clock),
        routes=routes,
        middleware=[Middleware(Observe, metrics=metrics)],
        lifespan=_lifespan if ctx.background else None,
    )


@asynccontextmanager
async def _lifespan(app: ServedApp) -> AsyncIterator[None]:
    # Started once per server process, stopped (finishing the work in hand) when it shuts down.
    ctx = app.ctx
    for task in ctx.background:
        task.start()
    try:
        yield
    finally:
        for task in reversed(ctx.background):
            await run_in_threadpool(task.stop)

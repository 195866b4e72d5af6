"""Prometheus metrics: request latency per route and status, and the business and abuse counters.

Each app has its own registry (tests build many apps in one process). With several worker processes,
`stockgate serve` sets PROMETHEUS_MULTIPROC_DIR before the workers start: prometheus_client then keeps
every worker's values in files there and /metrics, whichever worker answers it, adds them all up.
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from stockgate.domain.errors import AuthenticationFailed, LineUnavailable, NothingAvailable
from stockgate.domain.throttle import LockedOut, RateLimited
from stockgate.services.tally import Tally

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# From a cached E4 answer (about a millisecond) to a slow order on a busy database.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.latency = Histogram(
            "stockgate_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template, method and status.",
            ["route", "method", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.orders_created = Counter(
            "stockgate_orders_created", "Orders created through the ghost API.", ["kind"], registry=r
        )
        self.clamped_lines = Counter(
            "stockgate_clamped_lines",
            "Reserve and order lines granted less than asked.",
            ["kind"],
            registry=r,
        )
        self.stock_outs = Counter(
            "stockgate_stock_outs",
            "Reserve and order lines that could get nothing at all.",
            ["kind"],
            registry=r,
        )
        self.auth_failures = Counter(
            "stockgate_auth_failures",
            "Requests refused for their credentials (reason: rejected, locked_out).",
            ["reason"],
            registry=r,
        )
        self.rate_limited = Counter(
            "stockgate_rate_limited_requests", "Requests refused by an account's rate limit.", registry=r
        )
        self._latency_children: dict[tuple[str, str, int], Any] = {}
        self._collectors: list[Collector] = []

    def add_collector(self, collector: Collector) -> None:
        """A collector computing its figures at scrape time (from the database, say): reported as is,
        never added up per worker."""
        self.registry.register(collector)
        self._collectors.append(collector)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        key = (route, method, status)
        child = self._latency_children.get(key)
        if child is None:  # labels() takes a lock and builds a tuple: look each series up once
            child = self._latency_children[key] = self.latency.labels(route, method, str(status))
        child.observe(seconds)

    def count_outcome(self, kind: str, tally: Tally) -> None:
        """What a reserve or order request did (kind: reserve, dropship, acquire)."""
        if tally.orders_created:
            self.orders_created.labels(kind).inc(tally.orders_created)
        if tally.clamped_lines:
            self.clamped_lines.labels(kind).inc(tally.clamped_lines)
        if tally.stock_outs:
            self.stock_outs.labels(kind).inc(tally.stock_outs)

    def count_error(self, error: Exception) -> None:
        # An order refused because a line could get nothing is a stock-out too.
        if isinstance(error, NothingAvailable):
            self.stock_outs.labels("dropship").inc()
        elif isinstance(error, LineUnavailable):
            self.stock_outs.labels("acquire").inc()
        elif isinstance(error, RateLimited):
            self.rate_limited.inc()
        elif isinstance(error, LockedOut):
            self.auth_failures.labels("locked_out").inc()
        elif isinstance(error, AuthenticationFailed):
            self.auth_failures.labels("rejected").inc()

    def render(self) -> bytes:
        if os.environ.get(MULTIPROCESS_VARIABLE):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            for collector in self._collectors:
                registry.register(collector)
            return bytes(generate_latest(registry))
        return bytes(generate_latest(self.registry))


def metrics_endpoint(metrics: Metrics, token: str | None) -> Any:
    async def serve_metrics(request: Request) -> Response:
        if token is not None:
            scheme, _, offered = request.headers.get("authorization", "").partition(" ")
            # Compared in constant time: the token is a secret and this endpoint is not throttled.
            if scheme.lower() != "bearer" or not hmac.compare_digest(
                offered.strip().encode(), token.encode()
            ):
                return PlainTextResponse(
                    "metrics need a bearer token", status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
        # In a thread: collectors may read the database, which must not stall the event loop.
        return Response(await run_in_threadpool(metrics.render), media_type=CONTENT_TYPE_LATEST)

    return serve_metrics

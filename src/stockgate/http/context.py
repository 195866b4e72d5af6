"""What the HTTP layer is given at start-up (built by stockgate.bootstrap)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from starlette.applications import Starlette
from starlette.requests import Request

from stockgate.domain.throttle import RateLimit
from stockgate.http.metrics import Metrics
from stockgate.services.rate_limits import RateLimiter
from stockgate.services.unit_of_work import Database
from stockgate.wire.return_manifest import Letterhead

DEFAULT_MAX_BODY = 1024 * 1024


class Background(Protocol):
    """Something that runs beside the server for its lifetime (the webhook delivery worker)."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(frozen=True)
class AppContext:
    db: Database
    max_body: int = DEFAULT_MAX_BODY
    bench_routes: bool = False
    background: tuple[Background, ...] = ()
    webhooks_allow_private: bool = False  # webhook URLs on loopback/private networks (tests, LANs)
    catalog_window: timedelta = timedelta(hours=4)  # how far back a catalog `since` may reach
    full_exports_per_hour: int = 4  # per account; 0: no limit
    rate_limit: RateLimit = field(default_factory=RateLimit)  # per account, unless it has its own
    metrics_token: str | None = None  # when set, /metrics wants "Authorization: Bearer <token>"
    clock: Callable[[], float] = time.time  # wall-clock seconds; tests move time by hand
    letterhead: Letterhead = field(default_factory=Letterhead)  # the supplier on return manifests
    timezone: str = "UTC"  # the supplier's: the back-office shows times and "today" in it
    # Ghost endpoints run on the event loop rather than in a worker thread when the request is
    # cheap and needs no waiting on the network (SQLite): see http/ghost_call.py.
    inline_endpoints: bool = False


class ServedApp(Starlette):
    """The application, with what its handlers reach on every request as plain attributes.

    Not Starlette's `app.state`: a read there is answered by `State.__getattr__` only after the
    ordinary lookup has failed, 3,300 instructions a read, three reads a ghost request
    (bench/README.md).
    """

    def __init__(self, ctx: AppContext, metrics: Metrics, limiter: RateLimiter, **starlette: Any) -> None:
        super().__init__(**starlette)
        self.ctx = ctx
        self.metrics = metrics
        self.limiter = limiter


def served_app(request: Request) -> ServedApp:
    """The application serving `request`."""
    app: ServedApp = request.scope["app"]
    return app

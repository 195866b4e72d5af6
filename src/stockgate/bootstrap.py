"""Wiring at start-up: configuration -> engine -> database port -> app. Nothing happens at import."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from starlette.applications import Starlette

from stockgate.domain.throttle import DEFAULT_BURST, DEFAULT_PER_SECOND, RateLimit
from stockgate.http.app import create_app as create_http_app
from stockgate.http.context import DEFAULT_MAX_BODY, AppContext, Background
from stockgate.http.logs import lean_records
from stockgate.outbound.webhook_sender import HttpSender
from stockgate.services.webhook_delivery import Deliverer, DeliverySettings, DeliveryWorker
from stockgate.storage.database import SqlDatabase
from stockgate.storage.engine import DEFAULT_URL, is_sqlite, make_engine
from stockgate.storage.migrate import upgrade
from stockgate.wire.return_manifest import Letterhead

URL_VARIABLE = "STOCKGATE_DATABASE_URL"
ALLOW_PRIVATE_VARIABLE = "STOCKGATE_WEBHOOKS_ALLOW_PRIVATE"
WORKER_VARIABLE = "STOCKGATE_WEBHOOK_WORKER"


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


SWITCH_INTERVAL = 0.0005  # seconds; a server worker's GIL switch interval


@dataclass(frozen=True)
class Config:
    database_url: str = DEFAULT_URL
    pool_size: int = 10
    max_body: int = DEFAULT_MAX_BODY
    bench_routes: bool = False
    # Webhook URLs on loopback or private networks (see domain/webhook_urls.py): off in production.
    webhooks_allow_private: bool = False
    # Run a webhook delivery worker inside the server process (serve turns it on).
    webhook_worker: bool = False
    catalog_window_hours: float = 4.0
    full_exports_per_hour: int = 4
    rate_limit: RateLimit = field(default_factory=RateLimit)  # accounts without their own limit
    metrics_token: str | None = None
    # Printed on return manifests (E14): STOCKGATE_SUPPLIER_NAME, STOCKGATE_SUPPLIER_ADDRESS (lines
    # separated by "|" or newlines).
    supplier_name: str = "stockgate supplier"
    supplier_address: str = ""
    timezone: str = "UTC"
    # Ghost endpoints on the event loop (http/ghost_call.py): None picks by engine, on for SQLite
    # (STOCKGATE_INLINE_ENDPOINTS=1 or 0 decides instead).
    inline_endpoints: bool | None = None

    @classmethod
    def from_env(cls, database_url: str | None = None, **overrides: object) -> Config:
        """Configuration from arguments, then STOCKGATE_* environment variables, then defaults."""
        url = database_url or os.environ.get(URL_VARIABLE) or DEFAULT_URL
        pool = int(os.environ.get("STOCKGATE_POOL_SIZE", "10"))
        env = os.environ
        settings: dict[str, object] = {
            "max_body": int(env.get("STOCKGATE_MAX_BODY", str(DEFAULT_MAX_BODY))),
            # STOCKGATE_RATE_BURST=0 lifts the default limit (accounts may still have their own).
            "rate_limit": RateLimit(
                int(env.get("STOCKGATE_RATE_BURST", str(DEFAULT_BURST))),
                float(env.get("STOCKGATE_RATE_PER_SECOND", str(DEFAULT_PER_SECOND))),
            ),
            "metrics_token": env.get("STOCKGATE_METRICS_TOKEN") or None,
            "catalog_window_hours": float(env.get("STOCKGATE_CATALOG_WINDOW_HOURS", "4")),
            "full_exports_per_hour": int(env.get("STOCKGATE_FULL_EXPORTS_PER_HOUR", "4")),
            "timezone": env.get("STOCKGATE_TIMEZONE", "UTC"),
            **{
                name: env[variable]
                for name, variable in (
                    ("supplier_name", "STOCKGATE_SUPPLIER_NAME"),
                    ("supplier_address", "STOCKGATE_SUPPLIER_ADDRESS"),
                )
                if env.get(variable)
            },
            "webhooks_allow_private": _flag(ALLOW_PRIVATE_VARIABLE),
            "inline_endpoints": {"1": True, "0": False}.get(env.get("STOCKGATE_INLINE_ENDPOINTS", "")),
            **overrides,
        }
        return cls(database_url=url, pool_size=pool, **settings)  # type: ignore[arg-type]

    @property
    def letterhead(self) -> Letterhead:
        lines = (line.strip() for line in self.supplier_address.replace("|", "\n").splitlines())
        return Letterhead(self.supplier_name.strip(), tuple(line for line in lines if line))


@dataclass
class Runtime:
    """What a process needs to serve or run commands."""

    config: Config
    engine: Engine
    db: SqlDatabase

    def close(self) -> None:
        self.db.close()
        self.engine.dispose()


def start(config: Config, *, migrate: bool = True) -> Runtime:
    """Open the database (migrating it to the latest schema unless told not to)."""
    engine = make_engine(config.database_url, pool_size=config.pool_size)
    if migrate:
        upgrade(engine)
    return Runtime(config, engine, SqlDatabase(engine))


def create_app(config: Config, runtime: Runtime | None = None) -> Starlette:
    """The ASGI app for `config` (or for an already started runtime)."""
    runtime = runtime or start(config)
    background: tuple[Background, ...] = ()
    if config.webhook_worker:
        background = (webhook_worker(runtime, allow_private=config.webhooks_allow_private),)
    return create_http_app(
        AppContext(
            db=runtime.db,
            max_body=config.max_body,
            bench_routes=config.bench_routes,
            catalog_window=timedelta(hours=config.catalog_window_hours),
            full_exports_per_hour=config.full_exports_per_hour,
            rate_limit=config.rate_limit,
            metrics_token=config.metrics_token,
            letterhead=config.letterhead,
            timezone=config.timezone,
            background=background,
            webhooks_allow_private=config.webhooks_allow_private,
            inline_endpoints=(
                is_sqlite(runtime.engine) if config.inline_endpoints is None else config.inline_endpoints
            ),
        )
    )


def webhook_deliverer(
    runtime: Runtime, settings: DeliverySettings | None = None, *, allow_private: bool | None = None
) -> Deliverer:
    """Delivers the outbox of `runtime`'s database over HTTP."""
    if allow_private is None:
        allow_private = runtime.config.webhooks_allow_private
    return Deliverer(runtime.db, HttpSender(allow_private=allow_private), settings)


def webhook_worker(
    runtime: Runtime, settings: DeliverySettings | None = None, *, allow_private: bool | None = None
) -> DeliveryWorker:
    """A background delivery thread (not started)."""
    return DeliveryWorker(webhook_deliverer(runtime, settings, allow_private=allow_private))


def app_from_environment() -> Starlette:
    """The app of a server worker process, configured from STOCKGATE_* variables (see cli serve)."""
    # Endpoints run in threads that hand the GIL back and forth at every database call; with the
    # default 5 ms interval a thread holding the SQLite write lock waited up to 5 ms for the GIL after
    # each statement while the others spun Python. 0.5 ms was measured better (bench/README.md).
    sys.setswitchinterval(SWITCH_INTERVAL)
    lean_records()

    config = Config.from_env(
        bench_routes=os.environ.get("STOCKGATE_BENCH_ROUTES") == "1",
        webhook_worker=_flag(WORKER_VARIABLE, "1"),
    )
    return create_app(config, start(config, migrate=False))

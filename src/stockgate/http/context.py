"""What the HTTP layer is given at start-up (built by stockgate.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from stockgate.services.ports import Database

DEFAULT_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class AppContext:
    db: Database
    max_body: int = DEFAULT_MAX_BODY
    bench_routes: bool = False
    catalog_window: timedelta = timedelta(hours=4)  # how far back a catalog `since` may reach
    full_exports_per_hour: int = 4  # per account; 0: no limit

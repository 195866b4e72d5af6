"""What the HTTP layer is given at start-up (built by stockgate.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass

from stockgate.services.ports import Database

DEFAULT_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class AppContext:
    db: Database
    max_body: int = DEFAULT_MAX_BODY
    bench_routes: bool = False
    # Endpoint work (SQL included) runs in the threadpool; False runs it on the event loop (SQLite).
    threaded: bool = True

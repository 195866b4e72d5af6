"""What the HTTP layer is given at start-up (built by stockgate.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from stockgate.services.ports import Database
from stockgate.wire.return_manifest import Letterhead

DEFAULT_MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class AppContext:
    db: Database
    max_body: int = DEFAULT_MAX_BODY
    bench_routes: bool = False
    letterhead: Letterhead = field(default_factory=Letterhead)  # the supplier on return manifests

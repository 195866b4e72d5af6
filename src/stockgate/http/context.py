"""What the HTTP layer is given at start-up (built by stockgate.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from stockgate.services.ports import Database

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

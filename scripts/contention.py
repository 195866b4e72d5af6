"""A quick measurement of order throughput under contention, for docs/deployment.md.

    uv run python scripts/contention.py [--seconds 10] [--clients 16]

Starts a throwaway PostgreSQL (as the tests do) and real `stockgate serve` processes on loopback, then
has client threads post one-unit dropshipping orders for a fixed time: all on one hot model, or each
client on its own model; on PostgreSQL with 1 and 2 worker processes, and on SQLite. Prints orders per
second and the 50th/99th percentile latency. The benchmark in bench/ is the careful measurement; this
only shows the shape (a hot row serialises its writers; spread models do not).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.ghost_load import (
    DROPSHIP,
    dropship_body,
    http_client,
    open_runtime,
    race,
    seed_clients,
    seed_models,
    warm_up,
)
from tests.support.pg_server import Databases, running_server
from tests.support.server_process import running_stockgate


def measure(url: str, *, workers: int, clients: int, seconds: float, hot: bool) -> tuple[float, float, float]:
    rt = open_runtime(url)
    stock_ids = seed_models(rt, [1_000_000] * clients, seed=3)
    shops = seed_clients(rt, clients)
    rt.close()
    latencies: list[float] = []
    guard = threading.Lock()
    # Without the default per-account rate limit: this measures the database, not the limiter.
    with running_stockgate(url, workers=workers, env={"STOCKGATE_RATE_BURST": "0"}) as server:

        def shop(n: int, go: Callable[[], None]) -> int:
            sid = stock_ids[0] if hot else stock_ids[n]
            done = 0
            with http_client(server.base_url, shops[n]) as http:
                warm_up(http)
                go()
                end = time.monotonic() + seconds
                while time.monotonic() < end:
                    started = time.monotonic()
                    response = http.post(DROPSHIP, json=dropship_body(f"m{n}-{done}", [(sid, 1)]))
                    response.raise_for_status()
                    with guard:
                        latencies.append(time.monotonic() - started)
                    done += 1
            return done

        started = time.monotonic()
        total = sum(race(clients, shop))
        elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else 0.0
    return total / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def row(database: str, workers: int, hot: bool, figures: tuple[float, float, float]) -> None:
    rate, p50, p99 = figures
    print(f"{database:<10} {workers:>7} {'one' if hot else 'spread':<7} {rate:9.1f} {p50:7.1f} {p99:7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    args = parser.parse_args()
    print(f"{'database':<10} {'workers':>7} {'models':<7} {'orders/s':>9} {'p50 ms':>7} {'p99 ms':>7}")
    with running_server() as admin_url:
        databases = Databases(admin_url)
        for workers in (1, 2):
            for hot in (True, False):
                url = databases.fresh()
                figures = measure(url, workers=workers, clients=args.clients, seconds=args.seconds, hot=hot)
                databases.drop(url)
                row("postgresql", workers, hot, figures)
    for hot in (True, False):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/stockgate.db"
            figures = measure(url, workers=1, clients=args.clients, seconds=args.seconds, hot=hot)
        row("sqlite", 1, hot, figures)


if __name__ == "__main__":
    main()

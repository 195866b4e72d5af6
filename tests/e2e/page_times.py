"""How long the back-office pages take on a 100,000-product catalog with 100,000 orders.

    uv run python -m tests.e2e.page_times [--products 100000] [--orders 100000] [--engines sqlite,postgresql]

Generates the data (a few minutes), serves it with `stockgate serve`, logs in, and requests each page
over loopback: after warm-up requests, the median and the slowest of the timed ones, in milliseconds,
as the browser would wait for the HTML.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx

from tests.support.backoffice import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support.big_dataset import BigData, generate
from tests.support.pg_server import Databases, running_server
from tests.support.server_process import running_stockgate

WARM_UP = 3
TIMED = 15


def pages(data: BigData) -> list[tuple[str, str]]:
    rng = random.Random(5)
    middle_order = data.order_ids[len(data.order_ids) // 2]
    stock_id = rng.choice(data.stock_ids)
    busy_day = (datetime.now(UTC) - timedelta(days=100)).date().isoformat()
    return [
        ("dashboard", "/admin/"),
        ("orders, first page", "/admin/orders"),
        ("orders, a page in the middle", f"/admin/orders?after={middle_order}"),
        ("orders, status READY", "/admin/orders?status=3002"),
        ("orders, one account", f"/admin/orders?account={data.account_emails[7]}"),
        ("orders, one account and status", f"/admin/orders?account={data.account_emails[7]}&status=5"),
        ("orders, by key", f"/admin/orders?key=WEB-{len(data.order_ids) // 3}"),
        ("orders, one day", f"/admin/orders?from={busy_day}&to={busy_day}"),
        ("order page", f"/admin/orders/{middle_order}"),
        ("returns queue", "/admin/returns"),
        ("returns queue, a later page", f"/admin/returns?after={len(data.order_ids) // 40}"),
        ("returns, pending", "/admin/returns?status=0"),
        ("returns of one order", f"/admin/returns?order={middle_order}"),
        ("catalog, first page", "/admin/catalog"),
        ("catalog, a page in the middle", f"/admin/catalog?after={stock_id // 100}"),
        ("catalog, by stock_id", f"/admin/catalog?q={stock_id}"),
        ("catalog, by barcode", f"/admin/catalog?q={rng.choice(data.barcodes)}"),
        ("catalog, code prefix", "/admin/catalog?q=han-12"),
        ("catalog, name words", "/admin/catalog?q=hanami+belts"),
        ("catalog, no match", "/admin/catalog?q=zzzz"),
        ("catalog, sold out", "/admin/catalog?max_free=0"),
        ("accounts", "/admin/accounts"),
        ("accounts, search", "/admin/accounts?q=shop019"),
        ("account page", f"/admin/accounts/{data.account_ids[3]}"),
        ("reservations", "/admin/reservations"),
        ("reservation of an account", f"/admin/reservations/{data.account_ids[3]}"),
    ]


def log_in(client: httpx.Client) -> None:
    form = client.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    answer = client.post(
        "/admin/login", data={"csrf_token": token.group(1), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert answer.status_code == 200, answer.status_code


def measure(base: str, data: BigData) -> list[tuple[str, float, float, int]]:
    results = []
    with httpx.Client(base_url=base, timeout=60, follow_redirects=True) as client:
        log_in(client)
        for name, path in pages(data):
            for _ in range(WARM_UP):
                client.get(path)
            times = []
            for _ in range(TIMED):
                started = time.perf_counter()
                answer = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, (path, answer.status_code)
            results.append((name, statistics.median(times), max(times), len(answer.content)))
    return results


@contextmanager
def database(engine: str, scratch: str) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite:///{scratch}/big.db"
        return
    with running_server() as admin_url:
        databases = Databases(admin_url)
        url = databases.fresh()
        yield url


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    options = parser.parse_args(argv)
    for engine in options.engines.split(","):
        with (
            tempfile.TemporaryDirectory(prefix="stockgate-big-") as scratch,
            database(engine, scratch) as url,
        ):
            started = time.perf_counter()
            data = generate(url, products=options.products, orders_count=options.orders)
            print(
                f"\n{engine}: {len(data.stock_ids)} models of {options.products} products, "
                f"{len(data.order_ids)} orders, generated in {time.perf_counter() - started:.0f} s"
            )
            with running_stockgate(url) as server:
                base = server.base_url
                print(f"| page ({engine}) | median ms | slowest ms | KiB |\n|---|---:|---:|---:|")
                for name, median, slowest, size in measure(base, data):
                    print(f"| {name} | {median:.1f} | {slowest:.1f} | {size / 1024:.0f} |")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Abuse control on a real server with several worker processes: one rate limit and one set of metrics
for all of them, and an endless body cut off while it streams in."""

from __future__ import annotations

import re
import socket
import threading
import time
from base64 import b64encode
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress

import httpx
import pytest

from stockgate.domain.throttle import RateLimit
from tests.conftest import ENGINES
from tests.support.seeded import Seeded, seeded_database
from tests.support.server_process import ServerProcess, running_stockgate

LOCKED = "/restful/ghost/orders/dropshipping/locked"
BURST, PER_SECOND = 20, 0.5


@pytest.fixture(scope="module", params=ENGINES)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, Seeded]]:
    limit = RateLimit(BURST, PER_SECOND)
    with (
        seeded_database(request, tmp_path_factory.mktemp("live"), rate_limit=limit) as seeded,
        running_stockgate(seeded.url, workers=2, env={"STOCKGATE_LOG_LEVEL": "WARNING"}) as server,
    ):
        yield server, seeded


def _series(metrics: str, name: str, **labels: str) -> float:
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or "")) == labels:
            return float(match.group(2))
    return 0.0


@pytest.mark.slow
def test_one_rate_limit_and_one_set_of_metrics_across_workers(served: tuple[ServerProcess, Seeded]) -> None:
    server, seeded = served
    assert len(server.worker_pids()) >= 2  # the workers (and multiprocessing's resource tracker)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def shop_client() -> None:
        # A fresh connection per request: the kernel spreads them over both workers.
        for _ in range(15):
            code = httpx.get(server.base_url + LOCKED, auth=seeded.shop.auth, timeout=60).status_code
            with lock:
                statuses[code] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=shop_client) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"{dict(statuses)} in {elapsed:.1f} s")
    assert set(statuses) <= {200, 429}
    # Never more than the burst plus what refilled meanwhile, whichever worker answered; a few tokens
    # may be stranded in a worker's unspent lease, never spent twice.
    assert BURST - 4 <= statuses[200] <= BURST + PER_SECOND * elapsed + 1

    # Whichever worker answers /metrics, it reports both workers' requests.
    for _ in range(4):
        metrics = httpx.get(server.base_url + "/metrics", timeout=60).text
        name = "stockgate_http_request_duration_seconds_count"
        assert _series(metrics, name, route=LOCKED, method="GET", status="200") == statuses[200]
        assert _series(metrics, name, route=LOCKED, method="GET", status="429") == statuses[429]
        assert _series(metrics, "stockgate_rate_limited_requests_total") == statuses[429]


@pytest.mark.slow
def test_an_endless_chunked_body_is_cut_off_while_it_streams(served: tuple[ServerProcess, Seeded]) -> None:
    server, seeded = served
    credentials = b64encode(f"{seeded.shop.api_key}:{seeded.shop.password}".encode()).decode()
    chunk = b" " * 65536
    sent = 0
    reply = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as conn:
        conn.sendall(
            b"POST /restful/ghost/orders/sold HTTP/1.1\r\nHost: test\r\nContent-Type: application/xml\r\n"
            + f"Authorization: Basic {credentials}\r\n".encode()
            + b"Transfer-Encoding: chunked\r\n\r\n"
        )
        conn.setblocking(False)
        try:
            while sent < 256 * 1024 * 1024 and b"\r\n\r\n" not in reply:
                try:
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                except BlockingIOError:
                    time.sleep(0.01)  # the server stopped reading: its answer is on the way
                with suppress(BlockingIOError):
                    reply += conn.recv(65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.setblocking(True)
        deadline = time.monotonic() + 30
        while b"\r\n\r\n" not in reply and time.monotonic() < deadline:
            try:
                more = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not more:
                break
            reply += more
    print(f"answered after {sent} bytes sent: {reply[:40]!r}")
    assert reply.startswith(b"HTTP/1.1 413")
    # 1 MiB limit; what is beyond it sat in socket buffers when the server stopped reading.
    assert sent < 32 * 1024 * 1024

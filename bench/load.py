"""The closed-loop load generator: C keep-alive connections, each sending its next request as soon as
the previous answer is complete, for a warm-up and then S measured seconds.

It runs in its own process (`python -m bench.load`, a JSON spec on stdin, a JSON result on stdout), on
uvloop, with httptools parsing the answers: on a 2-core machine the load generator takes CPU from the
server it measures, so it is written to cost as little as possible per request (see bench/README.md for
the measurements against httpx, aiohttp and wrk).

Every request sent gets its answer before the run ends (in-flight requests are waited for), so the
units granted by successful answers are exact and can be compared with the database afterwards.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import httptools
import orjson
import uvloop

from bench.traffic import Shop, builder

REQUEST_TIMEOUT = 30.0


@dataclass
class LoadSpec:
    host: str
    port: int
    scenario: str
    concurrency: int
    seconds: float
    warmup: float  # at least this long, and until every connection has had 2 answers
    shops: list[dict[str, Any]]
    stock_ids: list[int]
    hot: int
    tag: str
    workers: int = 1  # server processes: the connections are spread evenly over them


@dataclass
class LoadResult:
    scenario: str
    concurrency: int
    seconds: float  # the measured window
    requests: int  # answered inside the measured window
    ok: int
    errors: int  # every non-2xx answer or failed connection, warm-up included
    statuses: dict[str, int] = field(default_factory=dict)  # warm-up included
    units_granted: int = 0  # by every 2xx answer, warm-up included
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    throughput: float = 0.0  # 2xx answers per second in the measured window
    cpu_seconds: float = 0.0  # this process's own CPU time (the load generator's cost)
    busiest_worker_connections: float = 0.0  # share of the connections held by the busiest worker
    error_samples: list[str] = field(default_factory=list)


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection: send bytes, get the status code of the complete answer."""

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as error:
            self._fail(error)

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.parser.get_status_code(), b"".join(self.body)))
        self.body = []

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(exc or ConnectionError("connection closed"))
        if not self.lost.done():
            self.lost.set_result(None)

    def _fail(self, error: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(error)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await asyncio.wait_for(self.waiter, REQUEST_TIMEOUT)


async def _spread(spec: LoadSpec) -> tuple[list[_Connection], float]:
    """`concurrency` connections, as evenly spread over the server's workers as the kernel allows.

    Workers share one listening socket and the first awake takes every pending connection: opened at
    once, the 16 connections of a run all went to one worker in about half the runs, which then
    measured one core against a ceiling measured on two. A real server's connections come and go
    and spread over time; here each connection asks `/bench/worker` which process holds it, and one
    that lands on a worker already holding its share is kept aside, and closed once every connection
    has been placed (or after a bounded number of tries: then the table shows the imbalance).
    """
    loop = asyncio.get_running_loop()
    share = -(-spec.concurrency // spec.workers)
    request = f"GET /bench/worker HTTP/1.1\r\nHost: {spec.host}:{spec.port}\r\n\r\n".encode()
    placed: Counter[bytes] = Counter()  # connections kept, per worker
    kept: list[_Connection] = []
    aside: list[_Connection] = []
    for _ in range(20 * spec.concurrency):
        if len(kept) == spec.concurrency:
            break
        _, connection = await loop.create_connection(_Connection, spec.host, spec.port)
        status, worker = await connection.send(request)
        if spec.workers > 1 and status == 200 and placed[worker] >= share:
            aside.append(connection)
            continue
        placed[worker] += 1
        kept.append(connection)
    for connection in aside:
        assert connection.transport is not None
        connection.transport.close()
    return kept, max(placed.values(), default=0) / max(1, len(kept))


async def _run(spec: LoadSpec) -> LoadResult:
    loop = asyncio.get_running_loop()
    host = f"{spec.host}:{spec.port}"
    result = LoadResult(spec.scenario, spec.concurrency, spec.seconds, 0, 0, 0)
    latencies: list[float] = []
    answered = [0] * spec.concurrency
    opened, result.busiest_worker_connections = await _spread(spec)
    started = time.monotonic()
    window: list[float] = []  # [start, end] of the measured window, once known
    stop = asyncio.Event()

    async def client(index: int) -> None:
        raw = spec.shops[index % len(spec.shops)]
        shop = Shop(raw["authorization"], list(raw["pool"]))
        make = builder(
            spec.scenario, host, shop, stock_ids=spec.stock_ids, hot=spec.hot, tag=spec.tag, seed=index
        )
        connection: _Connection | None = opened[index] if index < len(opened) else None
        seq = 0
        while not stop.is_set():
            if connection is None or connection.lost.done():
                _, connection = await loop.create_connection(_Connection, spec.host, spec.port)
            request, units = make(seq)
            seq += 1
            sent = time.perf_counter()
            try:
                status, body = await connection.send(request)
            except (OSError, TimeoutError, httptools.HttpParserError) as error:
                result.errors += 1
                result.statuses["exception"] = result.statuses.get("exception", 0) + 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{type(error).__name__}: {error}")
                if connection.transport is not None:
                    connection.transport.close()
                connection = None
                continue
            elapsed = time.perf_counter() - sent
            key = str(status)
            result.statuses[key] = result.statuses.get(key, 0) + 1
            answered[index] += 1
            if 200 <= status < 300:
                result.units_granted += units
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{status}: {body[:200].decode(errors='replace')}")
            if window and window[0] <= time.monotonic() <= window[1]:
                latencies.append(elapsed)
                result.requests += 1
                result.ok += 200 <= status < 300
        if connection is not None and connection.transport is not None:
            connection.transport.close()

    async def clock() -> None:
        while time.monotonic() - started < spec.warmup or min(answered) < 2:
            await asyncio.sleep(0.05)
            if time.monotonic() - started > spec.warmup + 60:
                break  # some connection never gets answers: measure anyway, its errors will show
        begin = time.monotonic()
        window[:] = [begin, begin + spec.seconds]
        await asyncio.sleep(spec.seconds)
        stop.set()

    cpu_before = time.process_time()
    await asyncio.gather(clock(), *(client(i) for i in range(spec.concurrency)))
    result.cpu_seconds = time.process_time() - cpu_before
    latencies.sort()
    if latencies:
        result.p50_ms = 1000 * latencies[len(latencies) // 2]
        result.p99_ms = 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        result.max_ms = 1000 * latencies[-1]
    result.throughput = result.ok / spec.seconds
    return result


def run(spec: LoadSpec) -> LoadResult:
    return uvloop.run(_run(spec))


def main() -> None:
    spec = LoadSpec(**orjson.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(orjson.dumps(asdict(run(spec))))


if __name__ == "__main__":
    main()

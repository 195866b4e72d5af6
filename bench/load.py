"""The closed-loop load generator: C keep-alive connections, each sending its next request as soon as
the previous answer is complete, for a warm-up and then S measured seconds.

It runs in its own process (`python -m bench.load`, a JSON spec on stdin, a JSON result on stdout), on
uvloop, with httptools parsing the answers: on a 2-core machine the load generator takes CPU from the
server it measures, so it is written to cost as little as possible per request (see bench/README.md for
the measurements against httpx, aiohttp and wrk).

Every request sent gets its answer before the run ends (in-flight requests are waited for), so the
units granted by successful answers are exact and can be compared with the database afterwards.

With a `partner` (the constant route), the measured window is cut into slices that alternate between
the scenario and its partner, so both see the same share of a shared machine: on a virtual machine the
host's steal changes from one ten-second scenario to the next, and a ratio of two figures measured a
minute apart measured the host as much as the code (bench/README.md). Between two slices every
connection finishes its request and waits: a slice counts only its own kind's answers, from a full
pipeline to the moment it ends, and the server's CPU time is read at both ends of every slice.
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

from bench.machine import CpuTimes, cpu_times, process_cpu_seconds
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
    partner: str | None = None  # measured in slices interleaved with the scenario's (see above)
    slice_seconds: float = 1.0
    server_pids: list[int] = field(default_factory=list)  # whose CPU time each slice reads


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
    # The server's (user, system) CPU seconds per worker pid, and the host's steal, in this kind's
    # measured slices only.
    server_cpu: dict[str, list[float]] = field(default_factory=dict)
    stolen_share: float | None = None
    partner: LoadResult | None = None


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


class _Kind:
    """What one kind of request (the scenario, or its partner) has measured so far."""

    def __init__(self, spec: LoadSpec, name: str) -> None:
        self.result = LoadResult(name, spec.concurrency, 0.0, 0, 0, 0)
        self.latencies: list[float] = []
        self.cpu: dict[str, list[float]] = {}
        self.ticks = [0, 0]  # the machine's CPU time and the part stolen, in clock ticks

    def add_slice(self, before: _Reading, after: _Reading) -> None:
        self.result.seconds += after.when - before.when
        self.result.cpu_seconds += after.own_cpu - before.own_cpu
        for pid, (user, system) in after.server.items():
            if pid in before.server:
                spent = self.cpu.setdefault(str(pid), [0.0, 0.0])
                spent[0] += user - before.server[pid][0]
                spent[1] += system - before.server[pid][1]
        if before.machine is not None and after.machine is not None:
            self.ticks[0] += after.machine.total - before.machine.total
            self.ticks[1] += after.machine.steal - before.machine.steal

    def finish(self) -> LoadResult:
        result = self.result
        self.latencies.sort()
        if self.latencies:
            result.p50_ms = 1000 * self.latencies[len(self.latencies) // 2]
            result.p99_ms = (
                1000 * self.latencies[min(len(self.latencies) - 1, int(len(self.latencies) * 0.99))]
            )
            result.max_ms = 1000 * self.latencies[-1]
        result.throughput = result.ok / result.seconds if result.seconds else 0.0
        result.server_cpu = self.cpu
        result.stolen_share = self.ticks[1] / self.ticks[0] if self.ticks[0] else None
        return result


@dataclass(frozen=True)
class _Reading:
    when: float
    own_cpu: float
    server: dict[int, tuple[float, float]]
    machine: CpuTimes | None


def _read(pids: list[int]) -> _Reading:
    server = {pid: spent for pid in pids if (spent := process_cpu_seconds(pid)) is not None}
    return _Reading(time.monotonic(), time.process_time(), server, cpu_times())


def _slices(spec: LoadSpec) -> list[tuple[int, float]]:
    """(kind, seconds) of each measured slice: 0 the scenario, 1 its partner, each `seconds` in all."""
    if spec.partner is None:
        return [(0, spec.seconds)]
    count = max(1, round(spec.seconds / spec.slice_seconds))
    return [(n % 2, spec.seconds / count) for n in range(2 * count)]


class _Gate:
    """Which kind the connections send now, and the pause between slices of different kinds."""

    def __init__(self) -> None:
        self.kind = 0
        self.measuring = False
        self.open = asyncio.Event()
        self.open.set()
        self.drained = asyncio.Event()
        self.in_flight = 0

    async def switch(self, kind: int) -> None:
        """Let every request in flight finish, then send `kind` from now on."""
        self.open.clear()
        if self.in_flight:
            self.drained.clear()
            await self.drained.wait()
        self.kind = kind
        self.open.set()

    def sent(self) -> None:
        self.in_flight += 1

    def answered(self) -> None:
        self.in_flight -= 1
        if not self.in_flight and not self.open.is_set():
            self.drained.set()


async def _run(spec: LoadSpec) -> LoadResult:
    loop = asyncio.get_running_loop()
    host = f"{spec.host}:{spec.port}"
    kinds = [_Kind(spec, spec.scenario)]
    if spec.partner is not None:
        kinds.append(_Kind(spec, spec.partner))
    answered = [0] * spec.concurrency
    opened, busiest = await _spread(spec)
    for kind in kinds:
        kind.result.busiest_worker_connections = busiest
    started = time.monotonic()
    gate = _Gate()
    stop = asyncio.Event()

    async def client(index: int) -> None:
        raw = spec.shops[index % len(spec.shops)]
        shop = Shop(raw["authorization"], list(raw["pool"]))
        makers = [
            builder(
                kind.result.scenario,
                host,
                shop,
                stock_ids=spec.stock_ids,
                hot=spec.hot,
                tag=spec.tag,
                seed=index,
            )
            for kind in kinds
        ]
        connection: _Connection | None = opened[index] if index < len(opened) else None
        seq = 0
        while True:
            await gate.open.wait()
            if stop.is_set():
                break
            if connection is None or connection.lost.done():
                _, connection = await loop.create_connection(_Connection, spec.host, spec.port)
            sending = gate.kind
            kind = kinds[sending]
            result = kind.result
            request, units = makers[sending](seq)
            seq += 1
            sent = time.perf_counter()
            gate.sent()
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
            finally:
                gate.answered()
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
            if gate.measuring and gate.kind == sending:
                kind.latencies.append(elapsed)
                result.requests += 1
                result.ok += 200 <= status < 300
        if connection is not None and connection.transport is not None:
            connection.transport.close()

    async def clock() -> None:
        while time.monotonic() - started < spec.warmup or min(answered) < 2:
            await asyncio.sleep(0.05)
            if time.monotonic() - started > spec.warmup + 60:
                break  # some connection never gets answers: measure anyway, its errors will show
        for kind, seconds in _slices(spec):
            if kind != gate.kind:
                await gate.switch(kind)
            before = _read(spec.server_pids)
            gate.measuring = True
            await asyncio.sleep(seconds)
            gate.measuring = False
            kinds[kind].add_slice(before, _read(spec.server_pids))
        stop.set()
        gate.open.set()  # connections waiting for the next slice see the end instead

    await asyncio.gather(clock(), *(client(i) for i in range(spec.concurrency)))
    result = kinds[0].finish()
    if len(kinds) > 1:
        result.partner = kinds[1].finish()
    return result


def run(spec: LoadSpec) -> LoadResult:
    return uvloop.run(_run(spec))


def main() -> None:
    spec = LoadSpec(**orjson.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(orjson.dumps(asdict(run(spec))))


if __name__ == "__main__":
    main()

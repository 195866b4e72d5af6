"""`ceiling-db`: the SQL of an operation, replayed straight through the database driver.

Each shop's recorded operation (bench.capture) is replayed in a loop by one thread on its own DBAPI
connection, with the same concurrency as the HTTP scenario and in as many processes as the server has
workers. The connections come from `make_engine`, so they get the server's own settings (SQLite's
PRAGMAs, psycopg's defaults); on SQLite the write transactions queue on a per-process mutex exactly as
the server's do (storage.database). Only the order key and the new order's id are made fresh on each
replay; everything else is sent as recorded. What is left is the database's own cost of the operation:
no HTTP, no parsing, no SQLAlchemy, no Python above the driver.

The replay runs against a scratch copy of the benchmark database (it breaks the invariants on
purpose: reservations are not kept in step with locks), never against the database under test.
"""

from __future__ import annotations

import pickle
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bench.recorded import Operation
from stockgate.storage.checkpoints import Checkpointer
from stockgate.storage.engine import make_engine
from stockgate.storage.write_lock import WriteLock, sqlite_write_lock

ROOT = Path(__file__).resolve().parents[1]
ORDER_ID_NAME = re.compile(r"^(b_)?order_id(_\d+)?(__\d+)?$")
IMMEDIATE = re.compile(r"^\s*BEGIN\s+IMMEDIATE", re.IGNORECASE)


@dataclass
class ReplayResult:
    operations: int  # completed inside the measured window
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    errors: int
    error_samples: list[str]
    cpu_us_per_operation: float  # the replaying processes' own CPU (driver and database included)


Filler = Callable[[str, int], Any]


@dataclass
class _Step:
    kind: str
    sql: str
    params: Any
    many: bool
    fill: Filler | None  # new parameters for (key, order_id), when the recorded ones must change
    returns_order_id: bool
    immediate: bool


def _filler(params: Any, names: list[str] | None, key: str | None, order_id: int | None) -> Filler | None:
    """A function that rewrites the recorded key and order id in `params`, or None when neither occurs."""

    def slots(row: Any) -> list[Any]:
        if isinstance(row, dict):
            pairs = list(row.items())
        else:
            labels = names if names is not None and len(names) == len(row) else [""] * len(row)
            pairs = list(zip(labels, row, strict=True))
        found = []
        for position, (name, value) in enumerate(pairs):
            target = name if isinstance(row, dict) else position
            if key is not None and value == key:
                found.append((target, "key"))
            elif order_id is not None and value == order_id and ORDER_ID_NAME.match(name):
                found.append((target, "id"))
        return found

    rows = params if isinstance(params, list) else [params]
    plans = [slots(row) for row in rows]
    if not any(plans):
        return None

    def rewrite(row: Any, plan: list[Any], new_key: str, new_id: int) -> Any:
        if not plan:
            return row
        copy = dict(row) if isinstance(row, dict) else list(row)
        for target, what in plan:
            copy[target] = new_key if what == "key" else new_id
        return copy if isinstance(row, dict) else tuple(copy)

    if isinstance(params, list):
        return lambda k, i: [rewrite(r, p, k, i) for r, p in zip(rows, plans, strict=True)]
    return lambda k, i: rewrite(params, plans[0], k, i)


def prepare(op: Operation) -> list[_Step]:
    steps = []
    for step in op.steps:
        returns = step.kind == "sql" and bool(
            re.match(r"^\s*INSERT INTO orders\b", step.sql) and "RETURNING" in step.sql
        )
        fill = None
        if step.kind == "sql" and step.params:
            fill = _filler(step.params, step.names, op.order_key, op.order_id)
        steps.append(
            _Step(step.kind, step.sql, step.params, step.many, fill, returns, bool(IMMEDIATE.match(step.sql)))
        )
    return steps


class _WriterQueue:
    """The server's queue for SQLite writers: a mutex in the process, a file lock across processes;
    and, as in the server, the log checkpointed by a thread after writes (storage.checkpoints)."""

    def __init__(self, mutex: threading.Lock, file_lock: WriteLock | None, engine: Any) -> None:
        self.mutex = mutex
        self.file_lock = file_lock
        self.checkpoints = Checkpointer(engine) if file_lock is not None else None

    def acquire(self) -> None:
        self.mutex.acquire()
        if self.file_lock is not None:
            self.file_lock.__enter__()

    def release(self) -> None:
        if self.file_lock is not None:
            self.file_lock.__exit__(None, None, None)
        self.mutex.release()
        if self.checkpoints is not None:
            self.checkpoints.wrote()


def _replay_once(connection: Any, cursor: Any, steps: list[_Step], key: str, mutex: _WriterQueue) -> None:
    order_id = 0
    held = False
    try:
        for step in steps:
            if step.kind == "commit":
                connection.commit()
            elif step.kind == "rollback":
                connection.rollback()
            elif step.kind == "begin":
                if step.immediate:
                    mutex.acquire()
                    held = True
                if step.sql:
                    cursor.execute(step.sql)
            else:
                params = step.fill(key, order_id) if step.fill else step.params
                if step.many:
                    cursor.executemany(step.sql, params)
                else:
                    cursor.execute(step.sql, params)
                    if cursor.description is not None:
                        rows = cursor.fetchall()
                        if step.returns_order_id:
                            order_id = rows[0][0]
            if step.kind in ("commit", "rollback") and held:
                mutex.release()
                held = False
    except BaseException:
        connection.rollback()
        raise
    finally:
        if held:
            mutex.release()


def _worker(url: str, plans: dict[str, list[Operation]], tag: str) -> None:
    """One replay process: per command on stdin, a thread per operation of the named scenario."""
    clients = max(len(ops) for ops in plans.values())
    engine = make_engine(url, pool_size=clients)
    fairies = [engine.raw_connection() for _ in range(clients)]
    mutex = _WriterQueue(threading.Lock(), sqlite_write_lock(engine), engine)
    prepared = {name: [prepare(op) for op in ops] for name, ops in plans.items()}
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while line := sys.stdin.buffer.readline():
        go = orjson.loads(line)
        report = _replay_for(fairies, prepared[go["scenario"]], mutex, go, f"{tag}-{go['scenario']}")
        sys.stdout.write(orjson.dumps(report).decode() + "\n")
        sys.stdout.flush()
    for fairy in fairies:
        fairy.close()
    if mutex.checkpoints is not None:
        mutex.checkpoints.close()
    engine.dispose()


def _replay_for(
    fairies: list[Any], plans: list[list[_Step]], mutex: _WriterQueue, go: dict[str, Any], tag: str
) -> dict[str, Any]:
    begin, end, stop = go["begin"], go["end"], go["stop"]
    latencies: list[float] = []
    # Per thread: operations in the window, all operations, errors (summed once the threads are done).
    tallies = [[0, 0, 0] for _ in plans]
    samples: list[str] = []

    def loop(index: int) -> None:
        connection = fairies[index].dbapi_connection
        cursor = connection.cursor()
        steps = plans[index]
        seq = 0
        tally = tallies[index]
        while (now := time.time()) < stop:
            seq += 1
            key = f"{tag}-{index}-{seq}"
            started = time.perf_counter()
            try:
                _replay_once(connection, cursor, steps, key, mutex)
            except Exception as error:
                tally[2] += 1
                if len(samples) < 3:
                    samples.append(f"{type(error).__name__}: {error}"[:300])
                continue
            tally[1] += 1
            if begin <= now and time.time() <= end:
                latencies.append(time.perf_counter() - started)
                tally[0] += 1

    cpu_before = time.process_time()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(plans))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "latencies": latencies,
        "ops": sum(t[0] for t in tallies),
        "all": sum(t[1] for t in tallies),
        "errors": sum(t[2] for t in tallies),
        "cpu": time.process_time() - cpu_before,
        "samples": samples,
    }


class Replayer:
    """The replay processes, started once (a Python start costs seconds on a busy machine) and handed
    one scenario at a time; each process replays its share of the clients."""

    def __init__(self, url: str, plans: dict[str, list[Operation]], *, processes: int) -> None:
        self.children: list[subprocess.Popen[bytes]] = []
        for n in range(processes):
            share = {name: ops[n::processes] for name, ops in plans.items() if ops[n::processes]}
            if not share:
                continue
            child = subprocess.Popen(
                [sys.executable, "-m", "bench.replay"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=ROOT,
            )
            assert child.stdin is not None
            data = pickle.dumps((url, share, f"replay{n}-{time.time_ns()}"))
            child.stdin.write(b"%d\n" % len(data) + data)
            child.stdin.flush()
            self.children.append(child)
        self._ready = False

    def run(self, scenario: str, *, warmup: float, seconds: float) -> ReplayResult:
        """Replay the scenario's operations for a warm-up and `seconds` measured seconds."""
        if not self._ready:
            for child in self.children:
                assert child.stdout is not None
                if child.stdout.readline().strip() != b"ready":
                    raise RuntimeError("a replay process failed to start")
            self._ready = True
        begin = time.time() + warmup
        go = {"scenario": scenario, "begin": begin, "end": begin + seconds, "stop": begin + seconds}
        for child in self.children:
            assert child.stdin is not None
            child.stdin.write(orjson.dumps(go) + b"\n")
            child.stdin.flush()
        reports = []
        for child in self.children:
            assert child.stdout is not None
            reports.append(orjson.loads(child.stdout.readline()))
        latencies = sorted(x for r in reports for x in r["latencies"])
        operations = sum(r["ops"] for r in reports)
        return ReplayResult(
            operations=operations,
            seconds=seconds,
            throughput=operations / seconds,
            p50_ms=1000 * latencies[len(latencies) // 2] if latencies else 0.0,
            p99_ms=1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            if latencies
            else 0.0,
            errors=sum(r["errors"] for r in reports),
            cpu_us_per_operation=1e6
            * sum(r["cpu"] for r in reports)
            / max(1, sum(r["all"] for r in reports)),
            error_samples=[s for r in reports for s in r["samples"]][:5],
        )

    def close(self) -> None:
        for child in self.children:
            assert child.stdin is not None
            assert child.stdout is not None
            child.stdin.close()
            child.wait()
            child.stdout.close()


def _main() -> None:
    size = int(sys.stdin.buffer.readline())
    url, plans, tag = pickle.loads(sys.stdin.buffer.read(size))
    _worker(url, plans, tag)


if __name__ == "__main__":
    _main()

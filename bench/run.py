"""One benchmark run, start to end: databases, data, recorded SQL, server, scenarios, ceilings, checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import capture, databases, dataset, export, machine, replay, report, traffic
from bench.dataset import Dataset
from bench.load import LoadSpec
from bench.profile import Profiler
from bench.recorded import Operation
from bench.server import Server
from stockgate.bootstrap import Config, Runtime, start
from stockgate.services.check import check_invariants

ROOT = Path(__file__).resolve().parents[1]
HTTP_SCENARIOS = ("status", "reserve", "reserve-hot", "order-json", "order-xml")
ALL_SCENARIOS = (*HTTP_SCENARIOS, "export")
REPLAYED = ("reserve", "reserve-hot", "order-json")  # the SQL bounding each write scenario
# The shops push far past the default rate limit (burst 100, 50/s) and export more than 4 times an
# hour: lifted, as a supplier would for its own load test. Everything else is the server's default.
SERVER_ENV = {"STOCKGATE_RATE_BURST": "0", "STOCKGATE_FULL_EXPORTS_PER_HOUR": "0"}
CEILING_HTTP = "ceiling-http"
# Each scenario and the constant route take turns this long: short enough that both see the same
# share of the host, long enough that the pause between turns (the slower kind's requests in flight
# finishing) stays small beside it.
SLICE_SECONDS = 1.0


@dataclass
class Options:
    database_url: str | None = None
    postgres: bool = False
    models: int = 10_000
    concurrency: int = 16
    seconds: float = 10.0
    warmup: float = 1.0
    workers: int = 2
    scenarios: tuple[str, ...] = ALL_SCENARIOS
    progress: bool = True
    server_env: dict[str, str] = field(default_factory=dict)
    profile: Path | None = None  # py-spy the server workers during each HTTP scenario (bench.profile)


def say(options: Options, message: str) -> None:
    if options.progress:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(options: Options) -> dict[str, Any]:
    """Run the benchmark; answers the report (see bench.report)."""
    started = time.monotonic()
    with databases.prepared(options.database_url, postgres=options.postgres) as dbs:
        return _run(options, dbs, started)


def _run(options: Options, dbs: databases.Databases, started: float) -> dict[str, Any]:
    say(options, f"database: {dbs.engine}; {options.models} models, {options.concurrency} shops")
    rt = start(Config(database_url=dbs.url))
    data = dataset.build(rt, model_count=options.models, shop_count=options.concurrency)
    say(options, f"catalog of {data.products} products / {data.models} models loaded; recording SQL")
    recorded = capture.capture(rt, data)
    rt.close()
    dbs.copy_to_scratch()
    # Started now, so their start-up overlaps the server's.
    replayer = replay.Replayer(
        dbs.scratch, {name: recorded[name] for name in REPLAYED}, processes=options.workers
    )
    rt = start(Config(database_url=dbs.url, pool_size=2), migrate=False)
    result: dict[str, Any] = {
        "settings": {
            "engine": dbs.engine,
            "models": data.models,
            "products": data.products,
            "concurrency": options.concurrency,
            "seconds": options.seconds,
            "warmup": options.warmup,
            "workers": options.workers,
        },
        "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()},
        "scenarios": {},
        "export": [],
        "failures": [],
    }
    scenarios: dict[str, Any] = result["scenarios"]
    measuring = machine.cpu_times()
    ceiling_db: dict[str, float] = {}
    ceiling_http: dict[str, float] = {}  # the constant route, measured in slices with each scenario
    try:
        server = Server(dbs.url, workers=options.workers, env={**SERVER_ENV, **options.server_env}).start()
    except BaseException:
        replayer.close()
        raise
    try:
        say(options, f"server up with {options.workers} workers on port {server.port}")
        _prime(server, data)
        for name in HTTP_SCENARIOS:
            if name not in options.scenarios:
                continue
            before = dataset.totals(rt)
            measured, ceiling = _load(options, server, data, name, scenarios, result["failures"])
            ceiling_http[name] = ceiling["throughput"]
            ops = recorded[name]
            measured["statements"] = sum(o.statements for o in ops) / len(ops)
            measured["transactions"] = sum(o.transactions for o in ops) / len(ops)
            if name in report.WRITE_SCENARIOS:
                _verify(options, dbs, rt, name, before, measured, result["failures"])
                if name in report.DB_CEILING_OF.values():
                    ceiling_db[name] = _replay(options, replayer, recorded[name], name, scenarios)
        if "export" in options.scenarios:
            result["export"] = _export(options, server, data)
    finally:
        server.stop()
        replayer.close()
        rt.close()
    result["ceilings"] = {"http": ceiling_http, "db": ceiling_db}
    result["ratios"] = report.ratios(scenarios, ceiling_http, ceiling_db)
    result["machine"]["load_after"] = os.getloadavg()
    result["machine"]["stolen_share"] = machine.stolen_share(measuring, machine.cpu_times())
    result["elapsed_s"] = time.monotonic() - started
    result["targets"] = [
        {"target": label, "met": met, "value": figure} for label, met, figure in report.targets(result)
    ]
    return result


def _prime(server: Server, data: Dataset) -> None:
    """One request at a time on fresh connections, so each worker verifies the shops' (shared) argon2
    hash once, alone, instead of every connection of the first scenario doing it at once."""
    headers = {"Authorization": data.shops[0].authorization, "Accept": "application/json"}
    for _ in range(8 * server.workers):
        with httpx.Client(base_url=server.base_url, timeout=120) as client:
            client.get(traffic.LOCKED_PATH, headers=headers).raise_for_status()


def _load(
    options: Options,
    server: Server,
    data: Dataset,
    scenario: str,
    scenarios: dict[str, Any],
    failures: list[str],
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The scenario and the constant route, measured in interleaved slices by one load generator
    (bench.load); both are entered in `scenarios`, and their error answers in `failures`."""
    say(options, f"{scenario} and {CEILING_HTTP}: {options.concurrency} clients, {options.seconds:g} s each")
    spec = LoadSpec(
        host="127.0.0.1",
        port=server.port,
        scenario=scenario,
        concurrency=options.concurrency,
        seconds=options.seconds,
        warmup=options.warmup,
        shops=[shop.as_load() for shop in data.shops],
        stock_ids=data.free,
        hot=data.hot,
        tag=f"{scenario}-{time.time_ns()}",
        workers=options.workers,
        partner=CEILING_HTTP,
        slice_seconds=min(SLICE_SECONDS, options.seconds / 2),
        server_pids=server.pids(),
    )
    profiler = Profiler(options.profile) if options.profile else None
    if profiler is not None:
        # After the warm-up (which may pay for argon2 and cold caches), for most of the measured window;
        # the stacks of the partner's slices are in it too (the constant route is easy to tell apart).
        profiler.start(scenario, server.pids(), max(1.0, 2 * options.seconds - 1), delay=options.warmup + 1)
    done = subprocess.run(
        [sys.executable, "-m", "bench.load"],
        input=orjson.dumps(asdict(spec)),
        capture_output=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    if profiler is not None:
        profiler.stop(scenario)
    measured: dict[str, Any] = orjson.loads(done.stdout)
    ceiling: dict[str, Any] = measured.pop("partner")
    for label, figures in ((scenario, measured), (f"{CEILING_HTTP} {scenario}", ceiling)):
        _cpu_per_request(figures)
        scenarios[label] = figures
        if figures["errors"]:
            failures.append(f"{label}: {figures['errors']} errors {figures['error_samples']}")
    return measured, ceiling


def _cpu_per_request(measured: dict[str, Any]) -> None:
    """The server's and the load generator's CPU per answer in the measured slices: on a shared
    machine the time a request takes depends on the neighbours, its CPU cost much less."""
    answered = max(1, measured["requests"])
    spent = measured["server_cpu"].values()
    user = sum(u for u, _ in spent)
    system = sum(s for _, s in spent)
    # The busiest worker's share of the workers' CPU: 1/workers when the kernel spread the
    # connections evenly, near 1 when one worker took most of them.
    measured["busiest_worker_cpu_share"] = max((u + s for u, s in spent), default=0) / max(
        1e-9, user + system
    )
    measured["server_cpu_us_per_request"] = 1e6 * (user + system) / answered
    measured["server_cpu_system_share"] = system / max(1e-9, user + system)
    measured["loadgen_cpu_us_per_request"] = 1e6 * measured["cpu_seconds"] / answered


def _verify(
    options: Options,
    dbs: databases.Databases,
    rt: Runtime,
    name: str,
    before: dataset.Totals,
    measured: dict[str, Any],
    failures: list[str],
) -> None:
    """`stockgate check`, and every unit granted to a client accounted for in the stock, no more."""
    after = dataset.totals(rt)
    granted = after.granted - before.granted
    measured["granted_by_answers"] = measured["units_granted"]
    measured["granted_in_database"] = granted
    if granted != measured["units_granted"]:
        failures.append(
            f"{name}: clients were granted {measured['units_granted']} units, the stock moved {granted}"
        )
    if name.startswith("order"):
        placed = after.orders - before.orders
        expected = measured["units_granted"] // 2
        measured["orders_placed"] = placed
        if placed != expected:
            failures.append(f"{name}: {expected} orders answered, {placed} in the database")
    # What `stockgate check` runs, called in-process: a second interpreter start costs seconds here.
    breaches = check_invariants(rt.db)
    measured["invariants"] = "BREACH" if breaches else "ok"
    if breaches:
        failures.append(f"{name}: stockgate check: {breaches[:5]}")
    say(options, f"{name}: check {measured['invariants']}, {granted} units granted and accounted for")


def _replay(
    options: Options,
    replayer: replay.Replayer,
    ops: list[Operation],
    name: str,
    scenarios: dict[str, Any],
) -> float:
    label = f"ceiling-db {name}"
    say(options, f"{label}: recorded SQL through the driver, {len(ops)} clients, {options.seconds:g} s")
    machine_before = machine.cpu_times()
    replayed = replayer.run(name, warmup=options.warmup, seconds=options.seconds)
    scenarios[label] = {
        **asdict(replayed),
        "stolen_share": machine.stolen_share(machine_before, machine.cpu_times()),
        "statements": ops[0].statements,
        "transactions": ops[0].transactions,
    }
    return replayed.throughput


def _export(options: Options, server: Server, data: Dataset) -> list[dict[str, Any]]:
    shop = data.export_shop
    if not export.available(server, shop.authorization):
        say(options, "export: E1 is not served by this build; skipped")
        return [{"skipped": "E1 not served by this build"}]
    found = []
    for fmt in ("xml", "json"):
        say(options, f"export {fmt}: full catalog")
        found.append(asdict(export.run(server, shop.authorization, fmt)))
    return found

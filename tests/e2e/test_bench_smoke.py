"""The benchmark harness in miniature, so it cannot rot: a tiny catalog, one-second scenarios, on both
engines. It asserts what a run must never get wrong (no errors, the invariants, every granted unit in
the stock, the SQL counts of the issue's targets), never how fast anything was."""

from __future__ import annotations

import pytest
from bench import report
from bench.run import Options, run

from tests.support.pg_server import Databases

pytestmark = pytest.mark.slow

SMALL = {"models": 300, "concurrency": 3, "seconds": 1.0, "warmup": 0.2, "workers": 2, "progress": False}


@pytest.fixture(params=["sqlite", "postgresql"])
def bench_database(request: pytest.FixtureRequest) -> str | None:
    """None: the harness's own SQLite file; else the test session's PostgreSQL server."""
    if request.param == "sqlite":
        return None
    databases: Databases = request.getfixturevalue("pg_databases")
    return databases.admin_url


def test_a_small_run_measures_every_scenario_and_the_books_balance(bench_database: str | None) -> None:
    result = run(Options(database_url=bench_database, **SMALL))

    assert result["failures"] == []
    scenarios = result["scenarios"]
    for name in ("status", *report.WRITE_SCENARIOS):
        for measured in (name, f"ceiling-http {name}"):  # each with the constant route, interleaved
            assert scenarios[measured]["errors"] == 0, measured
            assert scenarios[measured]["ok"] > 0, measured
            assert scenarios[measured]["server_cpu_us_per_request"] > 0, measured
        assert result["ceilings"]["http"][name] == scenarios[f"ceiling-http {name}"]["throughput"]
    for name in report.WRITE_SCENARIOS:
        assert scenarios[name]["invariants"] == "ok"
        assert scenarios[name]["granted_in_database"] == scenarios[name]["granted_by_answers"] > 0
    for name in ("reserve", "reserve-hot", "order-json"):
        replayed = scenarios[f"ceiling-db {name}"]
        assert replayed["errors"] == 0 and replayed["operations"] > 0, name
    assert scenarios["status"]["statements"] <= 2
    assert scenarios["order-json"]["statements"] <= 12
    assert set(result["ratios"]) >= {"status / ceiling-http", "reserve / bound", "order-json / bound"}
    assert result["export"]  # measured, or skipped where E1 is not served
    assert 0 <= result["machine"]["stolen_share"] <= 1
    assert all(0 <= scenarios[name]["stolen_share"] <= 1 for name in scenarios)

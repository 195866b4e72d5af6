"""The ratios, the targets of the benchmark issue, and the printed table."""

from __future__ import annotations

from typing import Any

WRITE_SCENARIOS = ("reserve", "reserve-hot", "order-json", "order-xml")
# Which recorded SQL bounds each write scenario (order-xml runs the same SQL as order-json).
DB_CEILING_OF = {
    "reserve": "reserve",
    "reserve-hot": "reserve-hot",
    "order-json": "order-json",
    "order-xml": "order-json",
}


def harmonic_bound(http: float, db: float) -> float:
    """What doing only the unavoidable HTTP and SQL work, one after the other, would reach."""
    if http <= 0 or db <= 0:
        return 0.0
    return 1 / (1 / http + 1 / db)


def ratios(
    scenarios: dict[str, Any], ceiling_http: dict[str, float], ceiling_db: dict[str, float]
) -> dict[str, float]:
    """Each scenario against the constant route measured in slices with it (`ceiling_http`, by
    scenario) and, for writes, the replay of its SQL."""
    found: dict[str, float] = {}
    if "status" in scenarios and ceiling_http.get("status"):
        found["status / ceiling-http"] = scenarios["status"]["throughput"] / ceiling_http["status"]
    for name in WRITE_SCENARIOS:
        http = ceiling_http.get(name, 0.0)
        db = ceiling_db.get(DB_CEILING_OF[name], 0.0)
        if name in scenarios and http and db:
            found[f"{name} / bound"] = scenarios[name]["throughput"] / harmonic_bound(http, db)
    if "reserve" in scenarios and "reserve-hot" in scenarios and scenarios["reserve"]["throughput"]:
        found["reserve-hot / reserve"] = (
            scenarios["reserve-hot"]["throughput"] / scenarios["reserve"]["throughput"]
        )
    return found


# The targets of the issue (SQLite, defaults, 2 cores); the PostgreSQL run reports against them too.
RATIO_TARGETS = {
    "status / ceiling-http": 0.6,
    "reserve / bound": 0.5,
    "order-json / bound": 0.5,
    "reserve-hot / reserve": 0.5,
}
STATEMENT_TARGETS = {"order-json": 12, "status": 2}


def targets(report: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """(target, met, figure) for each target of the issue that this run measured."""
    found = []
    for name, floor in RATIO_TARGETS.items():
        if name in report["ratios"]:
            value = report["ratios"][name]
            found.append((f"{name} >= {floor}", value >= floor, f"{value:.2f}"))
    for name, ceiling in STATEMENT_TARGETS.items():
        statements = report["scenarios"].get(name, {}).get("statements")
        if statements is not None:
            found.append(
                (f"SQL statements per {name} <= {ceiling}", statements <= ceiling, f"{statements:g}")
            )
    return found


def _cell(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(report: dict[str, Any]) -> list[str]:
    headers = [
        "scenario",
        "ops/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "cpu us/op",
        "busiest",
        "stolen",
        "SQL/op",
        "tx/op",
        "invariants",
    ]
    rows = []
    for name, s in report["scenarios"].items():
        rows.append(
            [
                name,
                _cell(s.get("throughput")),
                _cell(s.get("p50_ms"), 2),
                _cell(s.get("p99_ms"), 2),
                _cell(s.get("errors")),
                _cell(s.get("server_cpu_us_per_request", s.get("cpu_us_per_operation")), 0),
                _cell(s.get("busiest_worker_cpu_share"), 2),
                _percent(s.get("stolen_share")),
                _cell(s.get("statements"), 0) if s.get("statements") is not None else "-",
                _cell(s.get("transactions"), 0) if s.get("transactions") is not None else "-",
                s.get("invariants", "-"),
            ]
        )
    lines = _aligned(headers, rows)
    for e in report.get("export", []):
        if e.get("skipped"):
            lines.append(f"export: skipped ({e['skipped']})")
        else:
            lines.append(
                f"export {e['format']}: status {e['status']}, first byte {e['first_byte_s']:.3f} s, "
                f"total {e['total_s']:.2f} s, {e['bytes'] / 1e6:.1f} MB, "
                f"server peak {e['peak_rss_mib']:.0f} MiB {e['error']}".rstrip()
            )
    stolen = report.get("machine", {}).get("stolen_share")
    if stolen is not None:
        lines.append(
            f"host steal: {stolen:.0%} of this machine's CPU time went to other guests during the run "
            "(ratios taken above a few percent are not comparable with quiet runs)"
        )
    lines.append("")
    for name, value in report["ratios"].items():
        lines.append(f"{name:<28} {value:.2f}")
    lines.append("")
    for label, met, figure in targets(report):
        lines.append(f"{'ok  ' if met else 'MISS'} {label:<40} {figure}")
    for failure in report["failures"]:
        lines.append(f"FAIL {failure}")
    return lines


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _aligned(headers: list[str], rows: list[list[str]]) -> list[str]:
    cells = [headers, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    out = []
    for n, row in enumerate(cells):
        out.append(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out

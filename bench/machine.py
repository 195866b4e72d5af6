"""How much of the machine the benchmark had: the CPU time the hypervisor gave to other guests.

On a virtual machine, "steal" is the time a virtual CPU was ready to run and the host ran someone
else. It makes every request slower, but not evenly: a write transaction whose process loses its CPU
while it holds the SQLite write lock stalls the other worker too, so the write ratios fall further
than the ceilings (bench/README.md). Each scenario's share of stolen time is in the table, so a run
taken on a crowded host can be told from a slow build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC_STAT = Path("/proc/stat")


@dataclass(frozen=True)
class CpuTimes:
    """The machine's CPU time in clock ticks, all CPUs together: all of it, and the part stolen."""

    total: int
    steal: int


def cpu_times(source: Path = PROC_STAT) -> CpuTimes | None:
    """Read now; None where the kernel does not say (not Linux)."""
    try:
        first = source.read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return None
    # cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
    # counted in user and nice.
    if first[:1] != ["cpu"] or len(first) < 9:
        return None
    ticks = [int(v) for v in first[1:9]]
    return CpuTimes(total=sum(ticks), steal=ticks[7])


def stolen_share(before: CpuTimes | None, after: CpuTimes | None) -> float | None:
    """The share of the machine's CPU time the host took between two readings."""
    if before is None or after is None or after.total <= before.total:
        return None
    return (after.steal - before.steal) / (after.total - before.total)


def process_cpu_seconds(pid: int) -> tuple[float, float] | None:
    """(user, system) CPU seconds the process has used so far; None once it is gone."""
    try:
        # Fields after the command name (which may hold spaces) start after the last ')'.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick

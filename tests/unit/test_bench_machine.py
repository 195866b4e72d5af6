"""The benchmark's reading of the time the host took from this machine (steal), from /proc/stat."""

from __future__ import annotations

import os
from pathlib import Path

from bench.machine import CpuTimes, cpu_times, process_cpu_seconds, stolen_share


def test_steal_is_read_from_the_cpu_line(tmp_path: Path) -> None:
    stat = tmp_path / "stat"
    stat.write_text("cpu  100 5 30 800 10 0 5 50 7 0\ncpu0 50 2 15 400 5 0 2 25 0 0\n")
    assert cpu_times(stat) == CpuTimes(total=1000, steal=50)


def test_the_share_is_of_the_time_between_two_readings() -> None:
    assert stolen_share(CpuTimes(1000, 50), CpuTimes(3000, 550)) == 0.25
    assert stolen_share(CpuTimes(1000, 50), CpuTimes(1000, 50)) is None  # no time passed
    assert stolen_share(None, CpuTimes(1000, 50)) is None


def test_no_reading_where_the_kernel_gives_none(tmp_path: Path) -> None:
    assert cpu_times(tmp_path / "missing") is None
    odd = tmp_path / "odd"
    odd.write_text("intr 1 2 3\n")
    assert cpu_times(odd) is None
    short = tmp_path / "short"
    short.write_text("cpu 1 2 3\n")
    assert cpu_times(short) is None


def test_this_machine_gives_a_reading() -> None:
    now = cpu_times()
    assert now is not None and 0 <= now.steal <= now.total


def test_a_process_cpu_time_is_read_until_it_is_gone() -> None:
    before = process_cpu_seconds(os.getpid())
    sum(range(2_000_000))  # some CPU time of our own
    after = process_cpu_seconds(os.getpid())
    assert before is not None and after is not None
    assert after[0] + after[1] >= before[0] + before[1] > 0
    assert process_cpu_seconds(2**22 + 1) is None  # above the kernel's pid_max: no such process

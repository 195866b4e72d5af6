"""`--profile DIR`: py-spy samples the server's workers during each HTTP scenario.

Each worker's samples are written as collapsed stacks (`DIR/<scenario>-<pid>.txt`, one line per stack
with its count; flamegraph tools read them) and summarised as the functions that hold the most samples,
inclusive and self. Sampling takes CPU from the machine, so the figures of a profiled run are not the
benchmark's figures: profile in one run, measure in another.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections import Counter
from pathlib import Path


class Profiler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        found = shutil.which("py-spy")
        if found is None:
            raise SystemExit("--profile needs py-spy (uv pip install py-spy)")
        self.py_spy = found
        self.running: list[tuple[subprocess.Popen[bytes], Path]] = []
        self._timers: list[threading.Timer] = []

    def start(self, label: str, pids: list[int], seconds: float, delay: float = 0.0) -> None:
        """Sample `pids` for `seconds`, starting after `delay` (the load generator's warm-up)."""
        self._timers = [threading.Timer(delay, self._spawn, (label, pid, seconds)) for pid in pids]
        for timer in self._timers:
            timer.start()

    def _spawn(self, label: str, pid: int, seconds: float) -> None:
        out = self.directory / f"{label}-{pid}.txt"
        command = [self.py_spy, "record", "--pid", str(pid), "--format", "raw", "--output", str(out)]
        command += [
            "--duration",
            str(max(1, int(seconds))),
            "--rate",
            "200",
            "--nonblocking",
            "--threads",
        ]
        self.running.append(
            (subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), out)
        )

    def stop(self, label: str) -> None:
        for timer in self._timers:
            timer.join()
        stacks: Counter[str] = Counter()
        for process, out in self.running:
            process.wait()
            if out.exists():
                for line in out.read_text().splitlines():
                    stack, _, count = line.rpartition(" ")
                    if count.isdigit():
                        # Drop the thread name py-spy puts first, so workers' stacks add up.
                        stacks[stack.split(";", 1)[-1]] += int(count)
        self.running = []
        (self.directory / f"{label}-summary.txt").write_text("\n".join(summary(stacks)) + "\n")


def summary(stacks: Counter[str], top: int = 45) -> list[str]:
    """The functions with the most samples: inclusive (anywhere on the stack) and self (on top)."""
    total = sum(stacks.values()) or 1
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "self:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return lines

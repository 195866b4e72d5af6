"""The real server under test: `stockgate serve --workers N --bench` in its own process group.

Memory is read from /proc: VmHWM is a process's peak resident size, and writing 5 to clear_refs
resets it, so the peak of one scenario can be told apart from the peak of start-up.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

import httpx

START_TIMEOUT = 120.0  # a loaded 2-core machine can take long to import everything twice


def stockgate_command() -> list[str]:
    beside = Path(sys.executable).with_name("stockgate")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stockgate")
    return [found] if found else [sys.executable, "-c", "from stockgate.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _is_worker(pid: int) -> bool:
    """uvicorn's workers, not multiprocessing's resource tracker (also a child of the supervisor)."""
    try:
        return b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Server:
    def __init__(self, database_url: str, *, workers: int, env: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        handle, name = tempfile.mkstemp(prefix="stockgate-bench-serve-", suffix=".log")
        os.close(handle)
        self.log_path = Path(name)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        command = [*stockgate_command(), "serve", "--bench", "--port", str(self.port)]
        command += ["--workers", str(self.workers)]
        env = {**os.environ, "STOCKGATE_DATABASE_URL": self.database_url, **self.env}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log()}")
            if len(self.pids()) >= self.workers:
                with suppress(httpx.HTTPError):
                    if httpx.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                        return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f}s:\n{self.log()}")

    def pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's workers, or the server itself with one."""
        if self.process is None:
            return []
        if self.workers == 1:
            return [self.process.pid]
        children: list[int] = []
        with suppress(OSError):
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                children.extend(int(pid) for pid in (task / "children").read_text().split())
        return [pid for pid in children if _is_worker(pid)]

    def reset_peak_memory(self) -> None:
        for pid in self.pids():
            with suppress(OSError):
                Path(f"/proc/{pid}/clear_refs").write_text("5")

    def memory_kib(self, field: str) -> dict[int, int]:
        """VmHWM (peak) or VmRSS (now) of each worker, in KiB."""
        found = {}
        for pid in self.pids():
            with suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith(field + ":"):
                        found[pid] = int(line.split()[1])
        return found

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(20)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.log_path.unlink(missing_ok=True)

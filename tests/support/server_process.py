"""Real `stockgate serve` processes on loopback, for end-to-end, contention, crash and benchmark runs.

Each server runs in its own session (process group), so `kill()` can take the supervisor and all its
workers down at once with SIGKILL, the way a machine or an OOM killer would, without touching anything
else on the machine.
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx

# Generous: on a loaded two-core machine a worker process can take tens of seconds to import.
START_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0


def stockgate_command() -> list[str]:
    """The installed `stockgate` entry point of this environment."""
    beside = Path(sys.executable).with_name("stockgate")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("stockgate")
    if found:
        return [found]
    return [sys.executable, "-c", "from stockgate.cli.main import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """One `stockgate serve --workers N` (a supervisor and its worker processes)."""

    database_url: str
    workers: int = 1
    port: int = 0
    # Racing clients connect, then wait for all the others before sending: idle for a while.
    keep_alive: int = 600
    env: Mapping[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> ServerProcess:
        """Start (or start again, on the same port when it is free) and wait until it answers."""
        self.launch()
        self.wait_ready(timeout)
        return self

    def launch(self) -> None:
        """Start the process without waiting for it (see wait_ready)."""
        if not self.port:
            self.port = free_port()
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="stockgate-serve-", suffix=".log")
            os.close(handle)
            self.log_path = Path(name)
        environment = {
            **os.environ,
            "STOCKGATE_DATABASE_URL": self.database_url,
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        command = [
            *stockgate_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--keep-alive",
            str(self.keep_alive),
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"stockgate serve exited with {self.process.returncode}:\n{self.log()}")
            # With several workers, wait until every one exists (each then answers within moments).
            if len(self.worker_pids()) >= (self.workers if self.workers > 1 else 0):
                with suppress(httpx.HTTPError):
                    if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                        return
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"stockgate serve did not answer within {timeout}s:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        """The supervisor's child processes (uvicorn's workers), read from /proc."""
        if self.process is None:
            return []
        children: list[int] = []
        with suppress(OSError):
            for task in Path(f"/proc/{self.process.pid}/task").iterdir():
                text = (task / "children").read_text().split()
                children.extend(int(pid) for pid in text)
        return children

    def log(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL to the supervisor and every worker at once: nothing gets to clean up."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._reap_group()

    def stop(self) -> None:
        """A graceful stop (SIGTERM), then SIGKILL for whatever is still there."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)  # the supervisor stops its workers
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(STOP_TIMEOUT)
        self.kill()

    def _reap_group(self) -> None:
        # Workers orphaned by a killed supervisor may outlive it for a moment: wait until none runs,
        # so the database and the port are free when the test goes on.
        assert self.process is not None
        deadline = time.monotonic() + STOP_TIMEOUT
        while _live_members(self.process.pid) and time.monotonic() < deadline:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            time.sleep(0.05)

    def close(self) -> None:
        self.stop()
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)


def _live_members(group: int) -> list[int]:
    """Processes of a process group that are not zombies (from /proc/PID/stat)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with suppress(OSError):
            # Fields after the command name (which may hold spaces) start at the last ')'.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                members.append(int(entry.name))
    return members


@contextmanager
def running_stockgate(
    database_url: str, *, workers: int = 1, env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    """A started server on `database_url`, stopped (and its log removed) afterwards."""
    server = ServerProcess(database_url, workers=workers, env=dict(env or {}))
    try:
        yield server.start()
    except BaseException:
        print(server.log(), file=sys.stderr)  # the server's side of a failure, in pytest's report
        raise
    finally:
        server.close()

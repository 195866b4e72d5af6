"""A real `stockgate serve` process on loopback, for browser tests and screenshots.

The server runs in its own process group, so stopping it takes its workers too and nothing else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stockgate_command() -> list[str]:
    beside = Path(sys.executable).with_name("stockgate")
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-c", "from stockgate.cli.main import main; main()"]


@contextmanager
def live_server(database_url: str, *options: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve `database_url` on a free loopback port; yields the base URL, stops the server after."""
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="stockgate-serve-", suffix=".log", delete=False)  # noqa: SIM115
    command = [*stockgate_command(), "serve", "--host", "127.0.0.1", "--port", str(port), *options]
    process = subprocess.Popen(
        command,
        env={**os.environ, "STOCKGATE_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(process, base, Path(log.name))
        yield base
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def _wait(process: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"stockgate serve exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        with suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"stockgate serve did not answer within {START_TIMEOUT}s:\n{log.read_text()[-3000:]}")

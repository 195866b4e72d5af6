"""A real `stockgate serve` process for end-to-end tests, stopped (by its own pid) afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

STARTUP_SECONDS = 90  # generous: CI machines are shared


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(database_url: str, *, workers: int = 1, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the server on a free port; yield its base URL once /healthz answers."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "stockgate"),
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--database-url",
        database_url,
    ]
    environment = {**os.environ, "STOCKGATE_LOG_LEVEL": "WARNING", **(env or {})}
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, process, output)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], output: object) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.seek(0)  # type: ignore[attr-defined]
            raise RuntimeError("the server exited:\n" + output.read().decode(errors="replace"))  # type: ignore[attr-defined]
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not come up in {STARTUP_SECONDS} s")

"""The `export` scenario: one full catalog export (E1) per format, timed to the first and last byte,
with the server's peak memory while it streams."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import httpx

from bench.server import Server

EXPORT_PATHS = {
    "xml": "/restful/export/api/products.xml",
    "json": "/restful/export/api/products.json",
}


@dataclass
class ExportResult:
    format: str
    status: int
    first_byte_s: float
    total_s: float
    bytes: int
    peak_rss_mib: float  # the largest worker's peak resident size during the export
    sampled_rss_mib: float  # the largest resident size seen by sampling (a check on the peak)
    error: str = ""


def available(server: Server, authorization: str) -> bool:
    """Whether this server has E1 (it answers 404 for an unknown route)."""
    response = httpx.head(
        server.base_url + EXPORT_PATHS["json"],
        params={"acceptedlocales": "en_US"},
        headers={"Authorization": authorization},
        timeout=60,
    )
    return response.status_code != 404


def run(server: Server, authorization: str, fmt: str) -> ExportResult:
    server.reset_peak_memory()
    sampled = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sampled[0] = max([sampled[0], *server.memory_kib("VmRSS").values()])
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    first = 0.0
    size = 0
    status = 0
    error = ""
    try:
        with httpx.stream(
            "GET",
            server.base_url + EXPORT_PATHS[fmt],
            params={"acceptedlocales": "en_US,it_IT"},
            headers={"Authorization": authorization},
            timeout=600,
        ) as response:
            status = response.status_code
            head = b""
            for chunk in response.iter_raw():
                if not first:
                    first = time.perf_counter() - started
                    head = chunk[:200]
                size += len(chunk)
            if status != 200:
                error = f"{status}: {head.decode(errors='replace')}"
    except httpx.HTTPError as problem:
        error = f"{type(problem).__name__}: {problem}"
    total = time.perf_counter() - started
    done.set()
    sampler.join()
    peak = max(server.memory_kib("VmHWM").values(), default=0)
    return ExportResult(fmt, status, first, total, size, peak / 1024, sampled[0] / 1024, error)

"""Structured logs: one JSON object per line, carrying the id of the request being served.

The request id lives in a context variable set by the observing middleware; Starlette runs endpoint
functions in worker threads with a copy of the context, so a log line written deep in a use case still
names its request. Log records never carry credentials: callers pass facts in `extra`, and nothing
here copies request headers.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

request_id: ContextVar[str | None] = ContextVar("stockgate_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra` and is logged as a field.
_STANDARD = frozenset(
    {
        *logging.LogRecord("", 0, "", 0, "", (), None).__dict__,
        "message",
        "asctime",
        "taskName",
    }
)


class JsonFormatter(logging.Formatter):
    """{"ts", "level", "logger", "message", "request_id", ...extra fields, "exception"}."""

    def __init__(self) -> None:
        super().__init__()
        # The text of the last UTC second seen: the server writes an access line per request, and
        # datetime's own formatting was a fifth of the line's cost (bench/README.md). One tuple,
        # replaced whole, so threads sharing the formatter never see a half-made pair.
        self._second: tuple[int, str] = (-1, "")

    def _timestamp(self, record: logging.LogRecord) -> str:
        """`datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")`, rounded as it
        rounds: to the microsecond (half to even), then cut to the millisecond."""
        second = int(record.created)
        micro = round((record.created - second) * 1_000_000)
        if micro == 1_000_000:
            second, micro = second + 1, 0
        known, text = self._second
        if known != second:
            text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = (second, text)
        return f"{text}.{micro // 1000:03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        document: dict[str, Any] = {
            "ts": self._timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current is not None:
            document["request_id"] = current
        for name, value in record.__dict__.items():
            if name not in _STANDARD and not name.startswith("_"):
                document[name] = value
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(document, default=str).decode()


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A dictConfig for the server process and its workers: our records and uvicorn's, as JSON."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "stockgate.http.logs.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "stockgate": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def lean_records() -> None:
    """Stop every log record of this process from looking up what JsonFormatter never writes: its
    thread, its process and its caller's source line (the switches of the logging HOWTO's
    "Optimization" section). For server workers, which write an access line per request; a
    formatter that wants those fields must not run there."""
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None


def log_to(stream: TextIO = sys.stderr, level: int = logging.INFO) -> logging.Handler:
    """Send stockgate's records to `stream` as JSON lines (for tools and tests); answers the handler."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("stockgate")
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler

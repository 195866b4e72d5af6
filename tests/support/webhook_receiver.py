"""A real webhook receiver for tests: an HTTP server on loopback that records what it is sent.

Answers follow a script (`answer(...)`, or a function of the request), so tests can make deliveries
fail, hang, or succeed; it can be stopped and started again on the same port, like a shop's server
going down and coming back.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event_id(self) -> str:
        return str(self.json["id"])


@dataclass(frozen=True)
class Answer:
    status: int = 200
    delay: float = 0.0
    body: bytes = b"ok"
    headers: tuple[tuple[str, str], ...] = ()


Decide = Callable[[bytes], Answer | None]


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.in_flight: dict[str, int] = {}  # event id -> requests being handled now
        self.overlaps: list[str] = []  # event ids seen twice at the same time
        self._script: list[Answer] = []
        self.decide: Decide | None = None
        self._lock = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def answer(self, *answers: Answer | int) -> None:
        """Answer the next requests so (ints are statuses), then 200 again."""
        with self._lock:
            self._script += [a if isinstance(a, Answer) else Answer(a) for a in answers]

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                answer = receiver._next(body)
                event_id = _event_id(body)
                with receiver._lock:
                    if receiver.in_flight.get(event_id):
                        receiver.overlaps.append(event_id)
                    receiver.in_flight[event_id] = receiver.in_flight.get(event_id, 0) + 1
                try:
                    if answer.delay:
                        time.sleep(answer.delay)
                    with receiver._lock:  # recorded before answering: the sender sees it afterwards
                        receiver.received.append(
                            Received(self.path, dict(self.headers.items()), body, answer.status)
                        )
                        receiver._lock.notify_all()
                    self.send_response(answer.status)
                    for name, value in answer.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                finally:
                    with receiver._lock:
                        receiver.in_flight[event_id] -= 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _next(self, body: bytes) -> Answer:
        with self._lock:
            if self.decide is not None:
                decided = self.decide(body)
                if decided is not None:
                    return decided
            return self._script.pop(0) if self._script else Answer()

    def delivered(self) -> list[Received]:
        """Requests answered 2xx, in the order they were answered."""
        with self._lock:
            return [r for r in self.received if 200 <= r.answered < 300]

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        """Wait until `count` requests were answered 2xx (or fail the test after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([r for r in self.received if 200 <= r.answered < 300]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{count} webhooks expected, got {len(self.received)} requests")
                self._lock.wait(left)
        return self.delivered()


def _event_id(body: bytes) -> str:
    try:
        return str(json.loads(body)["id"])
    except (ValueError, KeyError, TypeError):
        return ""


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()

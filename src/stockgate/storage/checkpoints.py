"""SQLite's write-ahead log copied back into the database file by a thread of its own.

Left to itself SQLite checkpoints inside the commit that takes the log past 1,000 pages: that commit
copies the pages into the database file and waits for its fsync, and since on SQLite the ghost
endpoints run on the event loop (http/ghost_call.py), every request of the process waits with it. A
two-line order cost 35-110 us more wall time than CPU time on average, and the copying itself about a
fifth of its CPU time (bench/README.md). Here a thread checkpoints shortly after writes instead (PASSIVE:
it never waits for readers or writers), with the driver's lock on the GIL released while SQLite works.

Every connection keeps an automatic checkpoint as a backstop (`BACKSTOP_PAGES`), far above what the
thread lets the log reach, so a process without a checkpointer, or with a stalled one, still bounds
the log.
"""

from __future__ import annotations

import logging
import os
import threading

from sqlalchemy import Engine
from sqlalchemy.pool import PoolProxiedConnection

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 20_000  # 80 MiB of 4 KiB pages
INTERVAL = 0.2  # seconds between checkpoints while writes go on


class Checkpointer:
    """Checkpoints `engine`'s SQLite file after writes; `wrote()` after each write commit."""

    def __init__(self, engine: Engine, interval: float = INTERVAL) -> None:
        self.engine = engine
        self.interval = interval
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start_lock = threading.Lock()

    def wrote(self) -> None:
        # Already set: the thread has not cleared it yet, so its next checkpoint comes after this
        # commit anyway. Setting it again takes the event's lock and wakes no one (1% of an order).
        if not self._dirty.is_set():
            self._dirty.set()
        if self._pid != os.getpid():  # first write of this process (a forked child starts its own)
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
            self._thread.start()
            self._pid = os.getpid()

    def _run(self) -> None:
        connection = self.engine.raw_connection()
        try:
            while not self._stop.is_set():
                self._dirty.wait()
                if self._stop.wait(self.interval):  # let a burst of commits gather first
                    break
                self._dirty.clear()
                self.checkpoint(connection)
            self.checkpoint(connection)  # what the last interval wrote
        finally:
            connection.close()

    @staticmethod
    def checkpoint(connection: PoolProxiedConnection) -> None:
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            cursor.close()
        except Exception:  # the next write tries again; the backstop bounds the log meanwhile
            log.exception("sqlite checkpoint failed")

    def close(self) -> None:
        """Stop the thread after a last checkpoint (a no-op when it never started)."""
        thread = self._thread
        if thread is None or self._pid != os.getpid():
            return
        self._stop.set()
        self._dirty.set()
        thread.join(timeout=10)
        self._thread = None
        self._pid = 0

"""A throwaway PostgreSQL server for the test session, and a fresh database per test.

`initdb` refuses to run as root, so as root the server runs as the `postgres` system user (created by
the distribution's package). STOCKGATE_TEST_PG_URL points the tests at an existing server instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

TEMPLATE = "stockgate_template"


def required() -> bool:
    """In CI (and wherever STOCKGATE_REQUIRE_PG is set) PostgreSQL tests must run, never skip."""
    return os.environ.get("CI", "").lower() in ("true", "1") or bool(os.environ.get("STOCKGATE_REQUIRE_PG"))


def available() -> bool:
    if os.environ.get("STOCKGATE_TEST_PG_URL"):
        return True
    try:
        _binaries()
    except RuntimeError:
        return False
    return True


def _binaries() -> str:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    raise RuntimeError(
        "PostgreSQL is not installed: run .ci/run, which installs it, or set STOCKGATE_TEST_PG_URL"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def running_server() -> Iterator[str]:
    """Start a server, yield its admin URL (postgresql://...), stop and delete it afterwards."""
    external = os.environ.get("STOCKGATE_TEST_PG_URL")
    if external:
        yield external
        return
    bindir = _binaries()
    data = tempfile.mkdtemp(prefix="stockgate-pg-")
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    subprocess.run(
        _as_server_user([f"{bindir}/initdb", "-D", data, "-U", "stockgate", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = (
        f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 "
        "-c shared_buffers=128MB"
    )
    subprocess.run(
        _as_server_user([f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", f"{data}/log", "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://stockgate@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_server_user([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]), capture_output=True
        )
        shutil.rmtree(data, ignore_errors=True)


class Databases:
    """Hands out fresh, migrated databases copied from a template (much faster than migrating each)."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self._counter = itertools.count()
        self._template_ready = False

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def url_of(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def fresh(self) -> str:
        if not self._template_ready:
            from stockgate.storage.engine import make_engine
            from stockgate.storage.migrate import upgrade

            self._execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            self._execute(f"CREATE DATABASE {TEMPLATE}")
            engine = make_engine(self.url_of(TEMPLATE))
            upgrade(engine)
            engine.dispose()
            self._template_ready = True
        name = f"test_{os.getpid()}_{next(self._counter)}_{int(time.time() * 1000) % 100000}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url_of(name)

    def empty(self) -> str:
        """A fresh database with no schema at all (for migration tests)."""
        name = f"empty_{os.getpid()}_{next(self._counter)}_{int(time.time() * 1000) % 100000}"
        self._execute(f"CREATE DATABASE {name}")
        return self.url_of(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

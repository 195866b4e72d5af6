"""`stockgate serve` options an operator relies on, checked on a real server process."""

from __future__ import annotations

import socket
import time

import pytest

from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"


def ask(conn: socket.socket) -> bytes:
    """One whole response: head and body can arrive in separate segments, and a body left unread
    would be taken for the answer to the next request."""
    conn.sendall(REQUEST)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += conn.recv(4096)
    return head + b"\r\n\r\n" + body


def test_keep_alive_holds_idle_connections_open_for_the_given_time(sqlite_url: str) -> None:
    server = ServerProcess(sqlite_url, keep_alive=3).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as conn:
            assert ask(conn).startswith(b"HTTP/1.1 200")
            time.sleep(1)  # idle, but within the keep-alive: the same connection still serves
            assert ask(conn).startswith(b"HTTP/1.1 200")
            time.sleep(6)  # idle past it: the server has closed the connection
            try:
                conn.sendall(REQUEST)
                answer = conn.recv(4096)
            except ConnectionResetError:
                answer = b""
            assert answer == b""
    finally:
        server.close()

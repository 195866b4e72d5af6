"""POSTing webhooks over HTTP with httpx: a 2xx within the time limit is delivered, anything else not.

Redirects are not followed (a 3xx is a failure: the endpoint should be registered at its final URL,
and a redirect could lead into the supplier's network). Unless private addresses are allowed, the host
is resolved before each attempt and refused when any of its addresses is not public; httpx resolves it
again to connect, so a DNS answer that changes within that instant is not caught (documented in the
README). Proxy variables of the environment are ignored for the same reason.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

from stockgate import __version__
from stockgate.domain.webhook_urls import is_public_address
from stockgate.services.webhook_ports import Outcome

DEFAULT_TIMEOUT = 5.0
SNIPPET = 200  # bytes of a failing answer kept as its error


class HttpSender:
    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, allow_private: bool = False, max_connections: int = 20
    ) -> None:
        self.timeout = timeout
        self.allow_private = allow_private
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=max_connections),
            headers={"User-Agent": f"stockgate-webhooks/{__version__}"},
        )

    def close(self) -> None:
        self._client.close()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> Outcome:
        refused = None if self.allow_private else _refused_address(url)
        if refused:
            return Outcome(False, None, refused)
        started = time.monotonic()
        try:
            with self._client.stream("POST", url, content=body, headers=dict(headers)) as response:
                status = response.status_code
                snippet = b""
                if not 200 <= status < 300:
                    for chunk in response.iter_bytes():
                        snippet += chunk
                        if len(snippet) >= SNIPPET:
                            break
        except httpx.TimeoutException:
            return Outcome(False, None, f"no answer within {self.timeout:g} s")
        except httpx.HTTPError as error:
            return Outcome(False, None, f"{type(error).__name__}: {error}"[:500])
        elapsed = time.monotonic() - started
        if elapsed > self.timeout:
            return Outcome(
                False, status, f"answered {status} after {elapsed:.1f} s (limit {self.timeout:g} s)"
            )
        if 200 <= status < 300:
            return Outcome(True, status)
        text = snippet[:SNIPPET].decode("utf-8", "replace").strip()
        return Outcome(False, status, f"HTTP {status}" + (f": {text}" if text else ""))


def _refused_address(url: str) -> str | None:
    """Why `url` may not be called (its host is not public), or None when it may."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except OSError as error:
        return f"cannot resolve {host}: {error}"
    for info in infos:
        address = str(info[4][0])
        if not is_public_address(address):
            return f"{host} resolves to {address}, which is not a public address"
    return None

"""Which URLs an endpoint may have.

Only http and https, with a host and without credentials in the URL (they would end up in logs; put a
token in the path or query instead). Addresses that reach into the supplier's own network — loopback,
private, link-local (cloud metadata at 169.254.169.254), unspecified, reserved — are refused unless the
operator allows them (STOCKGATE_WEBHOOKS_ALLOW_PRIVATE=1: development, tests, a shop on the same LAN).
A host name is checked here only for what it says (`localhost`); its addresses are checked again by
the sender on every delivery, since DNS can change after registration.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from stockgate.domain.errors import InvalidInput

MAX_URL_LENGTH = 2000
_LOCAL_NAMES = ("localhost", "localhost.localdomain")


def is_public_address(address: str) -> bool:
    """True for an IP address on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, stripped, if an endpoint may have it; else InvalidInput saying why."""
    url = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise InvalidInput("url", "webhook URL must not contain spaces or control characters")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput("url", f"webhook URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidInput("url", f"webhook URL {url!r} is malformed: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput("url", f"webhook URL {url!r} must start with http:// or https://")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidInput("url", f"webhook URL {url!r} has no host")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url", "webhook URL must not carry a user name or password")
    if port == 0:
        raise InvalidInput("url", f"webhook URL {url!r} has port 0")
    if allow_private:
        return url
    if host.lower() in _LOCAL_NAMES or host.lower().endswith(".localhost"):
        raise InvalidInput("url", f"webhook URL {url!r} points at this machine (not allowed here)")
    try:
        public = is_public_address(host)
    except ValueError:
        return url  # a host name: its addresses are checked when delivering
    if not public:
        raise InvalidInput("url", f"webhook URL {url!r} is a private or reserved address (not allowed here)")
    return url

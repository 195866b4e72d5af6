"""The date formats of the ghost API, to and from timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

__all__ = ["format_ghost_date", "parse_ghost_date", "parse_instant"]

_GHOST_FORMAT = "%Y/%m/%d %H:%M:%S %z"
_GHOST_FORMAT_NO_OFFSET = "%Y/%m/%d %H:%M:%S"
# The seed writes an RFC 822 offset without its sign ("0800"): that means a positive offset.
_UNSIGNED_OFFSET = re.compile(r"^(.*\s)(\d{4})$")


def format_ghost_date(value: datetime) -> str:
    """Write an aware datetime as ``yyyy/MM/dd HH:mm:ss Z`` (e.g. ``2021/02/03 14:36:55 +0000``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("order dates must be timezone-aware")
    return value.strftime(_GHOST_FORMAT)


def parse_ghost_date(text: str) -> datetime:
    """Read a ``yyyy/MM/dd HH:mm:ss Z`` date into an aware datetime (no offset at all: UTC)."""
    text = text.strip()
    unsigned = _UNSIGNED_OFFSET.match(text)
    if unsigned:
        text = f"{unsigned.group(1)}+{unsigned.group(2)}"
    if len(text) == len("2021/02/03 14:36:55"):
        # Some servers drop the offset; failing the whole status poll over it would help no one.
        return datetime.strptime(text, _GHOST_FORMAT_NO_OFFSET).replace(tzinfo=UTC)
    return datetime.strptime(text, _GHOST_FORMAT)


def parse_instant(value: object) -> datetime:
    """Read an instant in any form the API uses: epoch milliseconds, ISO-8601 or the ghost format."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not an instant")
    if isinstance(value, int | float | Decimal):
        return datetime.fromtimestamp(float(value) / 1000, tz=UTC)
    if not isinstance(value, str):
        raise TypeError(f"cannot read {value!r} as an instant")
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    if "/" in text:
        return parse_ghost_date(text)
    parsed = datetime.fromisoformat(text)
    # An ISO instant without offset is read as UTC rather than left naive: every datetime this
    # library hands out is aware.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)

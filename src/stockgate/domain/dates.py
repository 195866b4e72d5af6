"""The ghost API's date format `yyyy/MM/dd HH:mm:ss Z` (RFC 822 offsets)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from stockgate.domain.errors import InvalidInput

_PATTERN = re.compile(
    r"^(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: ?([+-]?)(\d{2}):?(\d{2})| ?(Z|GMT|UTC))?$"
)


def parse_order_date(text: str, field: str = "date") -> datetime:
    """Parse `2017/01/31 23:59:59 +0000`; an unsigned offset (`0800`) is positive, none means UTC."""
    match = _PATTERN.match(text.strip())
    if match is None:
        raise InvalidInput(field, f"{field} {text!r} is not in the format yyyy/MM/dd HH:mm:ss Z")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    sign, off_h, off_m, _zulu = match.groups()[6:]
    tz = UTC
    if off_h is not None:
        hours, minutes = int(off_h), int(off_m)
        if hours > 23 or minutes > 59:
            raise InvalidInput(field, f"{field} {text!r} has an invalid time zone offset")
        delta = timedelta(hours=hours, minutes=minutes)
        tz = timezone(-delta if sign == "-" else delta)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        raise InvalidInput(field, f"{field} {text!r} is not a valid date") from None


def format_order_date(moment: datetime) -> str:
    """Write an instant as `yyyy/MM/dd HH:mm:ss +hhmm`, keeping its offset."""
    return moment.strftime("%Y/%m/%d %H:%M:%S %z")


def utc_now() -> datetime:
    return datetime.now(UTC)

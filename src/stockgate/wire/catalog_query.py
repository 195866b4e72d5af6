"""The query of E1 (ghost API section 5): acceptedlocales, v, since and the tag_<id> filters.

Other parameters are ignored (clients send `addtags=true`, `Accept=...`). Names are matched without
regard to case, since clients spell them `acceptedLocales` as often as not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from stockgate.domain.catalog import TAG_NAMES, CatalogFilter
from stockgate.domain.errors import InvalidInput

VERSIONS = ("TEAL", "LEGACY")
# A `+` of an offset arrives as a space when a client did not URL-encode the timestamp.
_SPACED_OFFSET = re.compile(r" (\d{2}:?\d{2})$")


@dataclass(frozen=True, slots=True)
class ExportQuery:
    locales: frozenset[str]
    selection: CatalogFilter
    version: str = "TEAL"


def read_export_query(query: Mapping[str, str]) -> ExportQuery:
    """The export a shop asks for; InvalidInput (400) naming the parameter that is wrong."""
    params = {name.lower(): value.strip() for name, value in query.items()}
    raw_locales = params.get("acceptedlocales", "")
    locales = frozenset(code.strip() for code in raw_locales.split(",") if code.strip())
    if not locales:
        raise InvalidInput(
            "acceptedlocales", "acceptedlocales is required: a comma-separated list such as en_US,it_IT"
        )
    version = params.get("v", "TEAL").upper() or "TEAL"
    if version not in VERSIONS:
        raise InvalidInput("v", f"v {params['v']!r} is not TEAL or LEGACY")
    since = parse_since(params["since"]) if params.get("since") else None
    tags = []
    for name, value in sorted(params.items()):
        if not name.startswith("tag_"):
            continue
        ident = name[4:]
        if not (ident.isascii() and ident.isdigit()) or int(ident) not in TAG_NAMES:
            known = ", ".join(f"tag_{i} ({n})" for i, n in TAG_NAMES.items())
            raise InvalidInput(name, f"{name} is not a catalog filter; the filters are {known}")
        if not value:
            raise InvalidInput(name, f"{name} needs a value")
        tags.append((int(ident), value))
    return ExportQuery(locales, CatalogFilter(since, tuple(tags)), version)


def parse_since(text: str) -> datetime:
    """ISO-8601 (`2017-10-31T14:05:12.322+01:00`, `...Z`; no offset means UTC) or epoch milliseconds."""
    value = _SPACED_OFFSET.sub(r"+\1", text.strip())
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value) / 1000, UTC)
        moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise InvalidInput(
            "since", f"since {text!r} is not an ISO-8601 instant such as 2017-10-31T14:05:12.322+01:00"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

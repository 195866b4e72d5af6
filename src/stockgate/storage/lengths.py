"""Text too long for its column is a client error, alike on both engines.

PostgreSQL refuses an over-long VARCHAR with a DataError (a 500 if it got that far) and SQLite would
store it whole; checking before the INSERT turns both into the same InvalidInput naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import String, Table

from stockgate.domain.errors import InvalidInput

_limits: dict[str, dict[str, int]] = {}


def _limits_of(table: Table) -> dict[str, int]:
    found = _limits.get(table.name)
    if found is None:
        found = _limits[table.name] = {
            c.name: c.type.length for c in table.columns if isinstance(c.type, String) and c.type.length
        }
    return found


def check_lengths(table: Table, values: Mapping[str, Any]) -> None:
    """InvalidInput for the first text value longer than its column holds."""
    limits = _limits_of(table)
    for name, value in values.items():
        limit = limits.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            raise InvalidInput(name, f"{name} is longer than {limit} characters")

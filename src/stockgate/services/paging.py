"""Keyset pagination: a page is found by the key of its neighbour's edge, never by an offset.

Offsets make the database count and skip every row before the page, so page 2,000 of a 100,000-row
list costs as much as reading them all; a key walks an index straight to the first row it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from stockgate.domain.errors import InvalidInput

T = TypeVar("T")
MAX_SIZE = 500


@dataclass(frozen=True, slots=True)
class Window:
    """Which page: the rows after `after` (or before `before`) in the list's own order."""

    after: int | None = None
    before: int | None = None
    size: int = 50

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_SIZE:
            raise InvalidInput("size", f"page size must be between 1 and {MAX_SIZE}")
        if self.after is not None and self.before is not None:
            raise InvalidInput("before", "a page is asked for either after or before a key, not both")

    @property
    def backwards(self) -> bool:
        return self.before is not None

    @property
    def boundary(self) -> int | None:
        return self.before if self.before is not None else self.after


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    previous: int | None  # pass as `before` for the page in front of this one
    next: int | None  # pass as `after` for the page behind this one


def page_of(rows: Sequence[T], window: Window, key: Callable[[T], int]) -> Page[T]:
    """The page from up to size + 1 rows read in the window's direction (the extra one says "more")."""
    more = len(rows) > window.size
    items = list(rows[: window.size])
    if window.backwards:
        items.reverse()
        previous = key(items[0]) if more and items else None
        following = key(items[-1]) if items else None
    else:
        previous = key(items[0]) if window.after is not None and items else None
        following = key(items[-1]) if more and items else None
    return Page(items, previous, following)

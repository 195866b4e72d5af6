"""Remembering every id of a large file once, in about 8 bytes an id.

A Python set of ints costs some 70 bytes an id: 40 MB for the half million stock_ids of a wholesale
catalog, the largest thing an import would hold. Here ids go to a small set first and are merged, in
bulk, into one sorted array of 64-bit integers that lookups search by bisection.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable

RECENT = 65_536  # ids held in the set before they are merged into the array


class SeenIds:
    """An insert-only set of integers (each below 2**63) in flat memory."""

    def __init__(self, recent: int = RECENT) -> None:
        self._sorted = array("q")
        self._recent: set[int] = set()
        self._merge_at = recent

    def __contains__(self, ident: int) -> bool:
        return ident in self._recent or self._in_sorted(ident)

    def _in_sorted(self, ident: int) -> bool:
        at = bisect_left(self._sorted, ident)
        return at < len(self._sorted) and self._sorted[at] == ident

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def update(self, idents: Iterable[int]) -> None:
        self._recent.update(idents)
        if len(self._recent) >= self._merge_at:
            # Two sorted runs merged in one pass; the old array is dropped as the new one is made.
            recent = sorted(i for i in self._recent if not self._in_sorted(i))
            self._sorted = array("q", heapq.merge(self._sorted, recent))
            self._recent = set()

    def add(self, ident: int) -> None:
        self.update((ident,))

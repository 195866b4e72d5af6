"""IN lists padded so the driver caches a handful of statements, not one per batch size."""

from __future__ import annotations

from stockgate.storage.bulk import padded


def test_in_lists_are_padded_to_a_handful_of_lengths() -> None:
    assert padded([]) == []
    assert padded([5]) == [5] * 8
    assert padded(list(range(9))) == [*range(9), *[8] * 7]
    assert {len(padded(list(range(n)))) for n in range(1, 3000)} == {
        8,
        16,
        32,
        64,
        128,
        256,
        512,
        1024,
        2048,
        4096,
    }

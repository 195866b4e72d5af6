"""SeenIds: a set of integers in flat memory, checked against Python's own set."""

from __future__ import annotations

import random

from stockgate.domain.seen_ids import SeenIds


def test_it_answers_like_a_set_across_merges() -> None:
    rng = random.Random(3)
    seen, reference = SeenIds(recent=16), set()  # many merges on a small scale
    for _ in range(2000):
        ident = rng.randrange(-(2**62), 2**62) if rng.random() < 0.1 else rng.randrange(500)
        assert (ident in seen) == (ident in reference)
        seen.add(ident)
        reference.add(ident)
    seen.update(range(490, 520))
    reference.update(range(490, 520))
    assert len(seen) == len(reference)
    assert all(i in seen for i in reference)
    assert not any(i in seen for i in (-1, 10**15, 2**62 + 1) if i not in reference)


def test_it_holds_half_a_million_ids_in_a_few_megabytes() -> None:
    seen = SeenIds()
    seen.update(range(100_000, 642_133))
    assert len(seen) == 542_133
    assert 100_000 in seen and 642_132 in seen and 642_133 not in seen
    assert seen._sorted.itemsize * len(seen._sorted) < 5_000_000

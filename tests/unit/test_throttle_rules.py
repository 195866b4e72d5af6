"""The pure rules of domain/throttle.py: bucket arithmetic, lease sizes, lockout schedule."""

from __future__ import annotations

import pytest

from stockgate.domain.throttle import (
    MAX_LOCKOUT_SECONDS,
    InvalidLimit,
    RateLimit,
    lease_size,
    lockout_seconds,
)


def test_defaults_are_the_spec_figures() -> None:
    limit = RateLimit()
    assert (limit.burst, limit.per_second) == (100, 50.0)
    assert limit.full_milli == 100_000
    assert not limit.unlimited


def test_burst_zero_means_no_limit() -> None:
    assert RateLimit(0, 0).unlimited


@pytest.mark.parametrize(("burst", "per_second"), [(-1, 5.0), (10, 0.0), (10, -1.0), (10, 0.0001), (10, 2e6)])
def test_impossible_limits_are_refused(burst: int, per_second: float) -> None:
    with pytest.raises(InvalidLimit):
        RateLimit(burst, per_second)


@pytest.mark.parametrize(
    ("tokens", "refreshed", "now", "expected"),
    [
        (0, 1000, 1000, 0),  # no time, no tokens
        (0, 1000, 1100, 5000),  # 100 ms at 50/s: five tokens
        (0, 1000, 1001, 50),  # a millisecond: a twentieth of a token
        (99_000, 0, 10_000, 100_000),  # never above the burst
        (7_000, 5000, 4000, 7_000),  # a clock that went back refills nothing
        (0, 0, 10**13, 100_000),  # a very old bucket is simply full
    ],
)
def test_level_refills_with_time(tokens: int, refreshed: int, now: int, expected: int) -> None:
    assert RateLimit().level(tokens, refreshed, now) == expected


def test_wait_for_the_next_token() -> None:
    limit = RateLimit(10, 0.5)
    assert limit.wait_ms(0) == 2000
    assert limit.wait_ms(999) == 2  # rounded up: never tell a client to come back too early
    assert limit.wait_ms(1000) == 0
    assert limit.wait_ms(0, limit.full_milli) == 20_000


@pytest.mark.parametrize(
    ("level", "burst", "expected"),
    [
        (999, 100, 0),  # less than one token: nothing
        (1000, 100, 1),
        (3999, 100, 1),  # near empty: one at a time, nothing stranded in a process
        (20_000, 100, 5),  # a quarter of what is left
        (100_000, 100, 10),  # at most a tenth of the burst
        (5000, 3, 1),
        (10**9, 10**6, 100_000),
    ],
)
def test_lease_size(level: int, burst: int, expected: int) -> None:
    assert lease_size(level, burst) == expected


def test_lockout_grows_then_caps() -> None:
    schedule = [lockout_seconds(n, free=5) for n in range(1, 16)]
    assert schedule[:4] == [0, 0, 0, 0]
    assert schedule[4:9] == [2, 4, 8, 16, 32]
    assert schedule[-1] == MAX_LOCKOUT_SECONDS == 900
    assert schedule == sorted(schedule)

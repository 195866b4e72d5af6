"""The load generator's slices: a scenario and its partner take turns, and a turn starts only once
every request of the other kind has been answered (so a slice counts only its own kind)."""

from __future__ import annotations

import asyncio

import pytest
from bench.load import LoadSpec, _Gate, _slices


def _spec(seconds: float, partner: str | None, slice_seconds: float = 1.0) -> LoadSpec:
    return LoadSpec(
        host="127.0.0.1",
        port=1,
        scenario="status",
        concurrency=1,
        seconds=seconds,
        warmup=0,
        shops=[],
        stock_ids=[],
        hot=0,
        tag="t",
        partner=partner,
        slice_seconds=slice_seconds,
    )


def test_alone_a_scenario_is_measured_in_one_slice() -> None:
    assert _slices(_spec(10, None)) == [(0, 10)]


def test_with_a_partner_the_two_alternate_and_each_gets_the_whole_time() -> None:
    slices = _slices(_spec(10, "ceiling-http", slice_seconds=1.0))
    assert [kind for kind, _ in slices] == [0, 1] * 10
    for kind in (0, 1):
        assert sum(seconds for k, seconds in slices if k == kind) == pytest.approx(10)
    # A window shorter than a slice still gives both one turn of the whole time.
    assert _slices(_spec(0.5, "ceiling-http", slice_seconds=1.0)) == [(0, 0.5), (1, 0.5)]


def test_a_switch_waits_for_the_requests_in_flight() -> None:
    async def scenario() -> list[str]:
        gate = _Gate()
        events: list[str] = []
        gate.sent()
        gate.sent()

        async def switch() -> None:
            await gate.switch(1)
            events.append(f"switched to {gate.kind}")

        task = asyncio.create_task(switch())
        await asyncio.sleep(0)
        assert not gate.open.is_set()  # no new request while the old kind drains
        gate.answered()
        await asyncio.sleep(0)
        events.append("one answered")
        gate.answered()
        await task
        assert gate.open.is_set()
        return events

    assert asyncio.run(scenario()) == ["one answered", "switched to 1"]


def test_a_switch_with_nothing_in_flight_is_immediate() -> None:
    async def scenario() -> int:
        gate = _Gate()
        await gate.switch(1)
        return gate.kind

    assert asyncio.run(scenario()) == 1

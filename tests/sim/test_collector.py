"""The collector's pace during a run (telenb/sim/collector.py): raised while a virtual-time
run lasts, the caller's own thresholds back afterwards.

Python's `gc` documents `get_threshold()` / `set_threshold(t0, t1, t2)` as the collector's
per-generation thresholds and a threshold0 of 0 as disabling collection; these tests read
them inside an event and after the run.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import telenb
from telenb.sim import collector


@pytest.fixture
def thresholds() -> Iterator[tuple[int, ...]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*saved)


def _seen_during_run(carrier: telenb.Carrier) -> list[tuple[int, ...]]:
    seen: list[tuple[int, ...]] = []
    carrier.clock.schedule(1.0, lambda: seen.append(gc.get_threshold()))
    carrier.run()
    return seen


def test_a_run_raises_the_thresholds_and_restores_them(thresholds: tuple[int, ...]) -> None:
    seen = _seen_during_run(telenb.Carrier(seed=1))
    assert seen == [(collector.YOUNG, 10, collector.FULL_BUDGET // (collector.YOUNG * 10))]
    assert gc.get_threshold() == thresholds


def test_thresholds_come_back_when_an_event_raises_out_of_the_run(
    thresholds: tuple[int, ...],
) -> None:
    carrier = telenb.Carrier(seed=1)

    def interrupt() -> None:
        raise KeyboardInterrupt  # the one exception the clock lets out of run()

    carrier.clock.schedule(1.0, interrupt)
    with pytest.raises(KeyboardInterrupt):
        carrier.run()
    assert gc.get_threshold() == thresholds


def test_higher_user_thresholds_are_kept_and_a_disabled_collector_left_alone() -> None:
    saved = gc.get_threshold()
    try:
        gc.set_threshold(50_000, 20, 500)
        assert _seen_during_run(telenb.Carrier(seed=1)) == [(50_000, 20, 500)]
        gc.set_threshold(0)
        assert _seen_during_run(telenb.Carrier(seed=1))[0][0] == 0
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*saved)


def test_nested_runs_restore_once_at_the_outermost(thresholds: tuple[int, ...]) -> None:
    inner = telenb.Carrier(seed=2)
    outer = telenb.Carrier(seed=1)
    seen: list[tuple[int, ...]] = []

    def run_inner() -> None:
        inner.run()  # another carrier's run inside an event of this one
        seen.append(gc.get_threshold())

    outer.clock.schedule(1.0, run_inner)
    outer.run()
    assert seen == [(collector.YOUNG, 10, collector.FULL_BUDGET // (collector.YOUNG * 10))]
    assert gc.get_threshold() == thresholds


def test_the_young_generation_grows_with_the_work_waiting_on_the_clock(
    thresholds: tuple[int, ...],
) -> None:
    carrier = telenb.Carrier(seed=1)
    seen: list[tuple[int, ...]] = []
    for i in range(1000):
        carrier.clock.schedule(1.0 + i, lambda: None)
    carrier.clock.schedule(0.5, lambda: seen.append(gc.get_threshold()))
    carrier.run()
    young = collector.PER_EVENT * 1001
    assert seen[0] == (young, 10, max(10, collector.FULL_BUDGET // (young * 10)))
    assert gc.get_threshold() == thresholds

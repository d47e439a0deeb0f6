"""The cyclic collector's pace while a simulation runs (issue 19).

A run keeps what its calls leave (call records, traces, results) and, with thousands of calls
in progress at once, everything those calls hold: CPython's default thresholds then rescan
that growing, live heap again and again (10,000 dress-shop calls at once spent a third of
their time in the collector, against 3% for 100; a 10M-call signalling run, 45%).  Finished
calls are freed by reference counting (a call record refers to nothing that could make a
cycle), so little cyclic garbage arises: while a virtual-time run lasts the collector runs
less often, then its own thresholds come back.

Memory stays bounded: young collections still run (every `YOUNG` new objects instead of 700)
and a full one is still considered every `YOUNG * t1 * FULL_EVERY` allocations, with CPython's
own rule that it waits until the long-lived objects have grown by a quarter.  Thresholds a
user set are only ever raised, never lowered; a disabled collector (threshold 0, or
`gc.disable()`) is left alone.
"""

from __future__ import annotations

import gc
import threading

YOUNG = 10_000  # objects allocated between young collections while a run lasts (CPython: 700)
FULL_EVERY = 100  # second-generation collections between full ones considered (CPython: 10)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] | None = None
_ours: tuple[int, ...] | None = None


class RunPace:
    """`with RunPace():` around a run; nested and concurrent runs share one setting."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _depth, _saved, _ours
        with _lock:
            _depth += 1
            if _depth > 1 or not gc.isenabled():
                return
            current = gc.get_threshold()
            if current[0] == 0 or len(current) < 3:
                return
            t0, t1, t2 = current[:3]
            ours = (max(t0, YOUNG), t1, max(t2, FULL_EVERY))
            if ours != current[:3]:
                _saved, _ours = current, ours
                gc.set_threshold(*ours)

    def __exit__(self, *exc: object) -> None:
        global _depth, _saved, _ours
        with _lock:
            _depth -= 1
            if _depth or _saved is None:
                return
            if gc.get_threshold()[:3] == _ours:  # unless someone set their own meanwhile
                gc.set_threshold(*_saved)
            _saved = _ours = None


RUN_PACE = RunPace()

"""The cyclic collector's pace while a simulation runs (issue 19).

A run keeps what its calls leave (call records, traces, results) and, with thousands of calls
in progress at once, everything those calls hold: CPython's default thresholds then rescan
that growing, live heap again and again (10,000 dress-shop calls at once spent a third of
their time in the collector, against 3% for 100; a 10M-call signalling run, 45%).  Finished
calls are freed by reference counting (a call record refers to nothing that could make a
cycle), so little cyclic garbage arises: while a virtual-time run lasts the collector runs
less often, then its own thresholds come back.

The young generation grows with the run: it is collected after `PER_EVENT` new objects per
event waiting on the clock (at least `YOUNG`, at most `MAX_YOUNG`), so it keeps its size
relative to the calls in progress.  With 100,000 calls in lockstep, an object that lives for
one step of each call (a prompt, an operation) outlives 700 allocations many times over and
would be scanned young, then again as it is promoted; measured against the work in flight it
dies young, as it does with 100 calls.

Memory stays bounded: young collections still run, and a full one is still considered
after at most `FULL_BUDGET` allocations (CPython: 70,000), or the user's own thresholds'
worth if that is more, with CPython's rule that it waits until the long-lived objects have
grown by a quarter.  Cyclic garbage that dies young waits for at most `MAX_YOUNG`
allocations, what dies old for the next full collection or the end of the run; a run makes
little of either (1,000 dress-shop calls leave about 700 objects of it, a signalling-only run
none).  Thresholds a user set are only ever raised, never lowered; a disabled collector
(threshold 0, or `gc.disable()`) is left alone.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

YOUNG = 10_000  # least objects allocated between young collections in a run (CPython: 700)
MAX_YOUNG = 500_000  # most (cyclic garbage that dies young waits for at most this many)
PER_EVENT = 50  # young objects allowed per event waiting on the clock
FULL_BUDGET = 10_000_000  # most allocations between full collections considered

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] | None = None
_ours: tuple[int, int, int] | None = None
_queue: list[Any] = []  # the outermost running clock's queue: the work in flight


def _young(queue_length: int) -> int:
    return min(MAX_YOUNG, max(YOUNG, PER_EVENT * queue_length))


def _pace(t0: int, t1: int, t2: int, queue_length: int) -> tuple[int, int, int]:
    """Thresholds for a run: a young generation sized to the work in flight, and second
    generation collections between full ones so that those come every `FULL_BUDGET`."""
    young = max(t0, _young(queue_length))
    return young, t1, max(t2, FULL_BUDGET // (young * max(t1, 1)))


def _adapt(phase: str, info: dict[str, Any]) -> None:
    """After each collection (a `gc.callbacks` entry while a run lasts): resize the young
    generation to the work now in flight."""
    global _ours
    ours = _ours
    if phase != "stop" or ours is None:
        return
    saved = _saved
    if saved is None or gc.get_threshold()[:3] != ours:
        return
    new = _pace(saved[0], saved[1], saved[2], len(_queue))
    if new != ours:
        _ours = new
        gc.set_threshold(*new)


def enter(queue: list[Any]) -> None:
    """A clock starts running `queue`; nested and concurrent runs share one setting."""
    global _depth, _saved, _ours, _queue
    with _lock:
        _depth += 1
        if _depth > 1 or not gc.isenabled():
            return
        current = gc.get_threshold()
        if current[0] == 0 or len(current) < 3:
            return
        t0, t1, t2 = current[:3]
        _queue = queue
        ours = _pace(t0, t1, t2, len(queue))
        if ours != current[:3]:
            _saved, _ours = current, ours
            gc.set_threshold(*ours)
            gc.callbacks.append(_adapt)


def leave() -> None:
    """The clock's run is over: the outermost one gives the collector its thresholds back."""
    global _depth, _saved, _ours, _queue
    with _lock:
        _depth -= 1
        if _depth:
            return
        _queue = []
        if _saved is None:
            return
        if _adapt in gc.callbacks:
            gc.callbacks.remove(_adapt)
        if gc.get_threshold()[:3] == _ours:  # unless someone set their own meanwhile
            gc.set_threshold(*_saved)
        _saved = _ours = None

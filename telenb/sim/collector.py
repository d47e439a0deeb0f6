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

Memory stays bounded: young collections still run, cyclic garbage waits for at most
`MAX_YOUNG` allocations, and a full collection is still considered every `FULL_EVERY`
second-generation ones, with CPython's own rule that it waits until the long-lived objects
have grown by a quarter.  Thresholds a user set are only ever raised, never lowered; a
disabled collector (threshold 0, or `gc.disable()`) is left alone.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

YOUNG = 10_000  # least objects allocated between young collections in a run (CPython: 700)
MAX_YOUNG = 1_000_000  # most (so cyclic garbage waits for at most this many allocations)
PER_EVENT = 50  # young objects allowed per event waiting on the clock
FULL_EVERY = 100  # second-generation collections between full ones considered (CPython: 10)

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, ...] | None = None
_ours: tuple[int, ...] | None = None
_queue: list[Any] = []  # the outermost running clock's queue: the work in flight


def _young(queue_length: int) -> int:
    return min(MAX_YOUNG, max(YOUNG, PER_EVENT * queue_length))


def _adapt(phase: str, info: dict[str, Any]) -> None:
    """After each collection (a `gc.callbacks` entry while a run lasts): resize the young
    generation to the work now in flight."""
    global _ours
    ours = _ours
    if phase != "stop" or ours is None:
        return
    young = _young(len(_queue))
    if young != ours[0] and gc.get_threshold()[:3] == ours:
        _ours = (young, ours[1], ours[2])
        gc.set_threshold(*_ours)


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
        ours = (max(t0, _young(len(queue))), t1, max(t2, FULL_EVERY))
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

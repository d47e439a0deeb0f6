"""Clocks: a deterministic event queue in virtual time, and a real-time variant for live use.

Simulation code reads time only from its clock.  Events at the same instant run in the order
they were scheduled, so a run is reproducible.  An event that raises is handed to `on_error`
(the carrier ends the call it belongs to); only what that cannot place, and
`KeyboardInterrupt`, leave `run()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import collector

# the wall-clock moment of virtual time 0, so a vendor's timestamps are the same on every run
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)

Entry = list  # [time, seq, fn, args]; fn is None once cancelled
# (fn, args, exc) -> True when the fault was contained (it belonged to a call, now ended)
ErrorHandler = Callable[[Callable[..., Any], tuple, BaseException], bool]
CONTAINED = (Exception, SystemExit, GeneratorExit)  # not KeyboardInterrupt: that stops the run


class Clock:
    """Virtual time: `run()` jumps from event to event without waiting."""

    realtime = False

    def __init__(self, start: float = 0.0):
        self.now: float = start
        self._queue: list[Entry] = []
        self._seq = 0
        self.on_error: ErrorHandler | None = None

    def _contained(self, fn: Callable[..., Any], args: tuple, exc: BaseException) -> bool:
        """An event raised: True once `on_error` has contained it (else it is raised on)."""
        handler = self.on_error
        return handler is not None and handler(fn, args, exc)

    def at(self, when: float, fn: Callable[..., Any], *args: Any) -> Entry:
        """Schedule `fn(*args)` at absolute time `when` (never in the past)."""
        if when < self.now:
            when = self.now
        self._seq += 1
        entry = [when, self._seq, fn, args]
        heapq.heappush(self._queue, entry)
        return entry

    def schedule(self, delay: float, fn: Callable[..., Any], *args: Any) -> Entry:
        return self.at(self.now + (delay if delay > 0 else 0.0), fn, *args)

    @staticmethod
    def cancel(entry: Entry | None) -> None:
        if entry is not None:
            entry[2] = None

    @property
    def pending(self) -> int:
        return sum(1 for e in self._queue if e[2] is not None)

    def peek(self) -> float | None:
        q = self._queue
        while q and q[0][2] is None:
            heapq.heappop(q)
        return q[0][0] if q else None

    def adopt(self, other: Clock) -> None:
        """Take over `other`'s pending events (a carrier switching between virtual and real
        time keeps its scheduled work); `other` is left empty."""
        self._queue, other._queue = other._queue, []
        self._seq = max(self._seq, other._seq)
        self.on_error = other.on_error
        heapq.heapify(self._queue)

    def step(self) -> bool:
        """Run the next event; False when nothing is left."""
        q = self._queue
        while q:
            when, _, fn, args = heapq.heappop(q)
            if fn is None:
                continue
            self.now = when
            try:
                fn(*args)
            except CONTAINED as exc:
                if not self._contained(fn, args, exc):
                    raise
            return True
        return False

    def run(self, until: float | None = None, stop: Callable[[], bool] | None = None) -> None:
        """Process events in time order until none are left, `until` is reached or `stop()`
        (with the cyclic collector paced for a long run: `telenb.sim.collector`)."""
        collector.enter(self._queue)
        try:
            self._run(until, stop)
        finally:
            collector.leave()

    def _run(self, until: float | None, stop: Callable[[], bool] | None) -> None:
        q, pop = self._queue, heapq.heappop
        while q:
            if stop is not None and stop():
                return
            head = q[0]
            if head[2] is None:
                pop(q)
                continue
            if until is not None and head[0] > until:
                self.now = max(self.now, until)
                return
            pop(q)
            self.now = head[0]
            try:
                head[2](*head[3])
            except CONTAINED as exc:
                if not self._contained(head[2], head[3], exc):
                    raise
        if until is not None and until > self.now:
            self.now = until


class RealtimeClock(Clock):
    """Runs events when the wall clock reaches them (scaled by `speed`).

    Events may be injected from other callbacks with `call_soon`; `run_async` drives the queue
    from an asyncio loop (such as the Jupyter kernel's) without blocking it.  `start` is the
    simulated time the clock starts at (a carrier going live continues its virtual time).

    Time spent inside event callbacks (synthesising a prompt, recognising speech) does not
    count: the simulated network is instantaneous, so a person hears a prompt when the
    simulation says it starts, and a slow first prompt does not eat into their timeout.
    """

    realtime = True

    def __init__(self, speed: float = 1.0, start: float = 0.0):
        super().__init__(start)
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = float(start)
        self._origin = time.monotonic()
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._async_wake: asyncio.Event | None = None

    def elapsed(self) -> float:
        """Simulated seconds since the clock started, read from the wall clock."""
        return self._start + (time.monotonic() - self._origin) * self.speed

    def at(self, when: float, fn: Callable[..., Any], *args: Any) -> Entry:
        with self._lock:
            entry = super().at(when, fn, *args)
        self._wake.set()
        if self._async_wake is not None:
            self._async_wake.set()
        return entry

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> Entry:
        """Schedule at the current wall-clock time (for input from a person)."""
        return self.at(max(self.now, self.elapsed()), fn, *args)

    def _due(self) -> tuple[float | None, Entry | None]:
        with self._lock:
            head = self.peek()
            if head is None:
                return None, None
            wait = (head - self.elapsed()) / self.speed
            if wait > 0:
                return wait, None
            return 0.0, heapq.heappop(self._queue)

    def _fire(self, entry: Entry) -> None:
        self.now = max(self.now, entry[0])
        began = time.monotonic()
        try:
            entry[2](*entry[3])
        except CONTAINED as exc:
            if not self._contained(entry[2], entry[3], exc):
                raise
        finally:
            self._origin += time.monotonic() - began  # computing takes no simulated time

    def run(self, until: float | None = None, stop: Callable[[], bool] | None = None) -> None:
        while True:
            if stop is not None and stop():
                return
            if until is not None:
                head = self.peek()
                if head is None or head > until:  # look before taking: nothing is dropped
                    return
            wait, entry = self._due()
            if wait is None:
                return
            if entry is None:
                self._wake.clear()
                self._wake.wait(min(wait, 0.05))
                continue
            self._fire(entry)

    async def run_async(self, stop: Callable[[], bool] | None = None) -> None:
        """Drive the queue from a running asyncio loop until `stop()` (or nothing is left)."""
        self._async_wake = asyncio.Event()
        try:
            while True:
                if stop is not None and stop():
                    return
                wait, entry = self._due()
                if entry is not None:
                    self._fire(entry)
                    await asyncio.sleep(0)
                    continue
                self._async_wake.clear()
                timeout = 0.25 if wait is None else min(wait, 0.25)
                if wait is None and stop is None:
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._async_wake.wait(), timeout)
        finally:
            self._async_wake = None

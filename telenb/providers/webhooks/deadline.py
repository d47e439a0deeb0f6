"""A webhook app runs on a worker thread so that the carrier can stop waiting at the deadline.

Twilio waits a fixed time for an answer, however the app spends it (sleeping, computing,
dripping its body), then takes its timeout path (11205, the fallback URL).  Python cannot
interrupt a function that is running, so the app runs on a thread of its own while the
calling thread waits at most `timeout` seconds; an app that is too late is abandoned and its
answer, when it comes, is thrown away.

The simulated network itself belongs to the calling thread (flows are greenlets, which
cannot switch across threads), so what an app does to the carrier through the REST client
(`on_caller_thread`) is handed back to the waiting thread and runs there, exactly where it
used to run, while the app waits for the result.
"""

from __future__ import annotations

import contextvars
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ...errors import FlowError

T = TypeVar("T")

_local = threading.local()
_LATE = (
    "this webhook answered after its timeout; the call has moved on without it, so it can no "
    "longer act on the carrier (answer in time, or give carrier.app(..., timeout=) more seconds)"
)


class Abandoned(FlowError):
    """Raised in an app's thread when it reaches the carrier after the deadline passed."""


class _Exchange:
    """One request's mailbox between the waiting thread and the app's worker thread."""

    def __init__(self) -> None:
        self.inbox: queue.SimpleQueue[tuple[str, Any, Any]] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.abandoned = False

    def abandon(self) -> None:
        with self.lock:
            self.abandoned = True
            while True:  # answer what the app asked for meanwhile, so its thread ends
                try:
                    kind, _fn, reply = self.inbox.get_nowait()
                except queue.Empty:
                    return
                if kind == "call":
                    reply.put((None, Abandoned(_LATE)))


class _Workers:
    """Idle worker threads are reused (starting a thread costs about as much as a webhook);
    one that an abandoned app still holds is simply busy, and another is started."""

    IDLE_SECONDS = 30.0  # an idle worker ends after this long

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0

    def submit(self, job: Callable[[], None]) -> None:
        with self.lock:
            if self.idle:
                self.idle -= 1  # that worker is now taken, whichever picks the job up
            else:
                threading.Thread(target=self._loop, name="telenb-webhook", daemon=True).start()
        self.jobs.put(job)

    def _loop(self) -> None:
        while True:
            try:
                job = self.jobs.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self.lock:
                    if self.idle:  # still counted as idle: no job is on its way to it
                        self.idle -= 1
                        return
                continue  # a job was promised to an idle worker: wait for it
            job()
            with self.lock:
                self.idle += 1


_workers = _Workers()


def run_bounded(fn: Callable[[], T], timeout: float, late: Callable[[], BaseException]) -> T:
    """`fn()` on a worker thread; its result, or `late()` raised once `timeout` has passed."""
    exchange = _Exchange()
    context = contextvars.copy_context()  # the context vars it saw on the caller's thread

    def job() -> None:
        _local.exchange = exchange
        try:
            exchange.inbox.put(("done", context.run(fn), None))
        except BaseException as exc:  # re-raised on the waiting thread
            exchange.inbox.put(("done", None, exc))
        finally:
            _local.exchange = None

    deadline = time.monotonic() + timeout
    _workers.submit(job)
    while True:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise queue.Empty
            kind, value, extra = exchange.inbox.get(timeout=remaining)
        except queue.Empty:
            exchange.abandon()
            raise late() from None
        if kind == "done":
            if extra is not None:
                raise extra
            return value
        try:  # the app asks the carrier for something: do it here, on the network's thread
            extra.put((value(), None))
        except BaseException as exc:
            extra.put((None, exc))


def on_caller_thread(fn: Callable[[], T]) -> T:
    """Run `fn` on the thread that is waiting for this webhook (directly when there is none)."""
    exchange: _Exchange | None = getattr(_local, "exchange", None)
    if exchange is None:
        return fn()
    reply: queue.SimpleQueue[tuple[Any, BaseException | None]] = queue.SimpleQueue()
    with exchange.lock:
        if exchange.abandoned:
            raise Abandoned(_LATE)
        exchange.inbox.put(("call", fn, reply))
    value, error = reply.get()
    if error is not None:
        raise error
    return value

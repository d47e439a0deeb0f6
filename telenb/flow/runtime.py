"""Run blocking-style flow code as a coroutine.

A flow calls ``call.ask(...)`` and expects an answer back, as on Tropo.  Each flow runs in its
own greenlet: a verb suspends it (like a generator's ``yield``), the backend carries the verb
out in its own time (virtual time, or the next webhook), then resumes it with the outcome.
Thousands of concurrent flows cost thousands of greenlets, not threads.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from typing import Any

from greenlet import GreenletExit, getcurrent, greenlet

from ..errors import CallEnded, FlowError


class FlowSession:
    """One running flow.  `start()` / `send(outcome)` return the next verb, or None at the end.

    Whatever the flow raises ends the flow and is kept in `error`, `SystemExit` and
    `GeneratorExit` included (a flow's `sys.exit()` must not end the kernel or escape the
    carrier).  `KeyboardInterrupt` is kept too, then raised on to the driver: a user who
    interrupts a notebook cell wants the run to stop, and the host ends the call first.
    """

    def __init__(self, target: Callable[[], Any], *, max_steps: int = 10_000, name: str = "flow"):
        self.name = name
        self.max_steps = max_steps
        self.steps = 0
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.traceback: str | None = None
        self._target = target
        self._glet = greenlet(self._main)

    # -- driving side -------------------------------------------------------------------------
    def start(self) -> Any:
        return self.send(None)

    def send(self, outcome: Any) -> Any:
        """Resume the flow with `outcome`; returns the next verb, or None once it has ended."""
        if self.finished:
            return None
        glet = self._glet
        glet.parent = getcurrent()
        try:
            return glet.switch(outcome)
        finally:
            if self.finished:
                self._release()

    def throw(self, exc: BaseException) -> Any:
        """Raise `exc` inside the flow at the verb it is waiting on; returns the next verb."""
        if self.finished:
            return None
        glet = self._glet
        glet.parent = getcurrent()
        try:
            return glet.throw(exc)
        finally:
            if self.finished:
                self._release()

    def _release(self) -> None:
        """The flow has ended: its greenlet and the closure that started it go (a finished
        call keeps its result, error and traceback, not a dead greenlet and the flow's
        arguments: 100,000 finished calls would keep 50 MB of them)."""
        self._glet = None
        self._target = _ended

    def stop(self, reason: str = "stopped") -> None:
        """End a suspended flow now (its `finally` blocks run)."""
        if self.finished or not self._glet:
            self.finished = True
            return
        self._glet.parent = getcurrent()
        with contextlib.suppress(CallEnded):
            self._glet.throw(CallEnded(reason))
        self.finished = True
        self._release()

    @property
    def in_flow(self) -> bool:
        return getcurrent() is self._glet

    # -- flow side ------------------------------------------------------------------------------
    def perform(self, verb: Any) -> Any:
        """Called from flow code: suspend until the backend has carried out `verb`."""
        if getcurrent() is not self._glet:
            raise FlowError(
                "call verbs can only be used inside the flow they belong to "
                "(did a handler outlive its call?)"
            )
        self.steps += 1
        if self.steps > self.max_steps:
            raise FlowError(
                f"the flow took more than {self.max_steps} steps; it looks like a loop that never "
                "ends (raise Carrier(max_steps=...) if it is meant to)"
            )
        return self._glet.parent.switch(verb)

    def _main(self, _first: Any) -> None:
        try:
            self.result = self._target()
        except (CallEnded, GreenletExit):
            pass
        except KeyboardInterrupt as exc:  # the user stopped the run: end the flow, then stop
            self.error = exc
            self.traceback = _user_traceback(exc)
            raise
        except BaseException as exc:  # the flow's own bug, or sys.exit() / GeneratorExit in it:
            self.error = exc  # report it and keep the kernel alive
            self.traceback = _user_traceback(exc)
        finally:
            self.finished = True
        return None


def _ended() -> None:
    """What a finished session's target is once released (it is never called again)."""


def _user_traceback(exc: BaseException) -> str:
    """The traceback without telenb's own frames at the top (they only say 'the flow ran')."""
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in frames if "/telenb/flow/runtime.py" not in f.filename.replace("\\", "/")]
    lines = ["Traceback (most recent call last):\n", *traceback.format_list(keep)]
    lines += traceback.format_exception_only(type(exc), exc)
    return "".join(lines)

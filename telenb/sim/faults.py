"""Faults stay inside the call that caused them.

An event on the carrier's clock that raises (a recording that cannot be written, a party or
media callback that fails) would otherwise leave `carrier.call()` with a Python traceback and
its leg `in-progress` for ever.  The clock hands such an exception here: we find the call the
event belongs to, put the error and its traceback in that call's trace, stop its flow and end
it `failed`.  Other calls on the carrier go on.  An exception that belongs to no call is a
simulator bug and is raised on.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..flow import verbs as V
from .leg import Leg
from .runner import FlowRunner

if TYPE_CHECKING:
    from .carrier import Carrier


def contain(carrier: Carrier, fn: Callable[..., Any], args: tuple, exc: BaseException) -> bool:
    """The clock's error handler: end the call `fn(*args)` belongs to; False if none."""
    owner = culprit(fn, args)
    if owner is None:
        return False
    if isinstance(owner, Leg):
        fail_leg(owner, exc)
    else:
        fail_session(owner, exc)
    return True


def culprit(fn: Callable[..., Any], args: tuple) -> Leg | FlowRunner | None:
    """The call leg (or, for a flow with no call, the flow) an event acts on."""
    for obj in _candidates(fn, args):
        found = _owner(obj)
        if found is not None:
            return found
    return None


def _candidates(fn: Callable[..., Any], args: tuple) -> Iterator[Any]:
    yield getattr(fn, "__self__", None)  # a bound method: the op, leg, party or runner
    func = getattr(fn, "func", None)  # functools.partial
    if func is not None:
        yield getattr(func, "__self__", None)
        yield from getattr(fn, "args", ())
    yield from args
    for cell in getattr(fn, "__closure__", None) or ():  # a lambda over a leg or an op
        try:
            yield cell.cell_contents
        except ValueError:  # an empty cell
            continue


def _owner(obj: Any) -> Leg | FlowRunner | None:
    if obj is None:
        return None
    if isinstance(obj, Leg):
        return obj
    if isinstance(obj, FlowRunner):
        return obj.leg or obj
    leg = getattr(obj, "leg", None)  # operations, parties, voicemail boxes
    if isinstance(leg, Leg):
        return leg
    runner = getattr(obj, "runner", None)  # an operation whose flow has no leg yet (dialing)
    if isinstance(runner, FlowRunner):
        return runner.leg or runner
    origin = getattr(obj, "origin", None)  # a forwarder or a person-to-person call
    return origin if isinstance(origin, Leg) else None


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(error name, message, traceback) for the trace."""
    message = str(exc) or f"{type(exc).__name__} raised while carrying out the call"
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return type(exc).__name__, message, tb


def fail_leg(leg: Leg, exc: BaseException) -> None:
    """End `leg` as failed because carrying out its call raised `exc`.

    The flow then goes on as after a hang-up: the verb it waits on returns its hang-up
    outcome, later verbs are refused (and traced), and its `finally` blocks run."""
    name, message, tb = describe(exc)
    leg.trace("error", error=name, message=message, traceback=tb, by="simulator")
    op, leg.op = leg.op, None  # the operation that failed must not run again on hang-up
    if op is not None:
        op.done = True
        for timer in getattr(op, "timers", ()):
            leg.clock.cancel(timer)
        question = getattr(op, "question", None)
        if question is not None:
            question.closed = True
    if not leg.ended:
        leg.hangup("network", f"telenb error: {name}", status="failed")
    runner = leg.runner
    if runner is not None and not runner.finished:
        runner.fault = runner.fault or exc
        if runner.waiting is not None:
            runner.complete(V.hangup_outcome(runner.waiting))
        else:
            runner.stop(f"the call failed: {name}: {message}")


def fail_session(runner: FlowRunner, exc: BaseException) -> None:
    """A flow with no call of its own (a launched session, a call still ringing) failed."""
    name, message, tb = describe(exc)
    runner.trace("error", error=name, message=message, traceback=tb, by="simulator")
    if not runner.finished:
        runner.fault = runner.fault or exc
        runner.stop(f"the session failed: {name}: {message}")
    for leg in runner.legs:
        if not leg.ended:
            leg.hangup("network", f"telenb error: {name}", status="failed")

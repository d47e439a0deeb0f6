"""The greenlet flow runtime: verbs suspend a flow like a generator's yield."""

import pytest

from telenb.errors import FlowError
from telenb.flow.runtime import FlowSession


def test_verbs_suspend_and_resume_with_outcomes():
    seen = []
    session: FlowSession

    def flow():
        seen.append(session.perform("first"))
        seen.append(session.perform("second"))
        return "done"

    session = FlowSession(flow)
    assert session.start() == "first"
    assert session.send(1) == "second"
    assert session.send(2) is None
    assert seen == [1, 2] and session.finished and session.result == "done"
    assert session.send(3) is None  # finished sessions stay finished


def test_flow_exceptions_are_captured_with_a_traceback_naming_user_code():
    def broken_flow():
        session.perform("say")
        raise ValueError("boom")

    session = FlowSession(broken_flow)
    session.start()
    assert session.send(None) is None
    assert isinstance(session.error, ValueError)
    assert "broken_flow" in session.traceback and "ValueError: boom" in session.traceback
    assert "telenb/flow/runtime.py" not in session.traceback


def test_step_limit_stops_runaway_flows():
    def loop():
        while True:
            session.perform("say")

    session = FlowSession(loop, max_steps=5)
    verb = session.start()
    steps = 0
    while verb is not None:
        steps += 1
        verb = session.send(None)
    assert steps == 5
    assert isinstance(session.error, FlowError) and "more than 5 steps" in str(session.error)


def test_throw_raises_inside_the_flow_at_the_waiting_verb():
    caught = []

    def flow():
        try:
            session.perform("transfer")
        except KeyError as exc:
            caught.append(exc)
        session.perform("after")

    session = FlowSession(flow)
    session.start()
    assert session.throw(KeyError("bad number")) == "after"
    assert caught and caught[0].args == ("bad number",)


def test_perform_outside_the_flow_is_an_error():
    session = FlowSession(lambda: None)
    with pytest.raises(FlowError, match="inside the flow"):
        session.perform("say")


def test_stop_runs_finally_blocks():
    cleaned = []

    def flow():
        try:
            session.perform("wait")
        finally:
            cleaned.append(True)

    session = FlowSession(flow)
    session.start()
    session.stop("test")
    assert cleaned == [True] and session.finished and session.error is None


def test_thousands_of_concurrent_sessions_need_no_threads():
    import threading

    threads_before = threading.active_count()

    def make() -> FlowSession:
        holder = {}

        def flow():
            for i in range(3):
                holder["s"].perform(i)

        holder["s"] = FlowSession(flow)
        return holder["s"]

    sessions = [make() for _ in range(3000)]
    assert [s.start() for s in sessions] == [0] * 3000
    assert [s.send(None) for s in sessions] == [1] * 3000
    assert threading.active_count() == threads_before


def test_a_finished_session_lets_its_greenlet_and_flow_arguments_go():
    """greenlet documents a dead greenlet as still an object (its frame is gone, the object
    stays while referenced): a finished session keeps its result, error and traceback, and
    no longer refers to the greenlet or the closure it ran, so finished calls stay small."""
    import gc
    import weakref

    from greenlet import greenlet

    class Big:
        pass

    def run(raises: bool) -> tuple[FlowSession, weakref.ref, weakref.ref]:
        arg = Big()

        def flow():
            session.perform("say")
            if raises:
                raise ValueError("boom")
            return "done"

        session = FlowSession(lambda: flow() if arg else None)
        # the session's own attributes (on 3.13 an object's __dict__ may hold its values
        # inline, and gc.get_referents of that dict does not list them)
        glet = weakref.ref(next(o for o in vars(session).values() if type(o) is greenlet))
        session.start()
        assert session.send(None) is None
        return session, glet, weakref.ref(arg)

    gc.collect()
    done, glet, arg = run(False)
    assert done.result == "done" and glet() is None and arg() is None
    failed, glet, arg = run(True)
    assert isinstance(failed.error, ValueError) and "boom" in failed.traceback
    assert glet() is None  # (the error's own __traceback__ keeps the flow's frames)
    with pytest.raises(FlowError, match="inside the flow"):
        done.perform("say")  # nothing to switch to any more
    assert done.send(None) is None and done.throw(KeyError("x")) is None
    done.stop("late")  # harmless

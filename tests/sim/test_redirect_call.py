"""Carrier.redirect_call (a live call handed to another flow), backend verbs that bring their
own operation, and placing calls from inside a flow."""

import pytest

import telenb
from telenb.errors import FlowError
from telenb.sim.ops import PENDING, Op

from .helpers import APP


def test_redirect_stops_the_running_flow_and_starts_the_new_one():
    carrier = telenb.Carrier(seed=1)
    stopped = []

    def first(call):
        try:
            call.ask("Pick a number", choices="[1 DIGIT]", timeout=60)
            call.say("never reached")
        finally:
            stopped.append(carrier.clock.now)

    def second(call):
        call.say("You were redirected.")
        call.hangup()

    carrier.app(APP, first)
    result = carrier.call(APP, caller="silence", run=False)
    carrier.run(until=5.0)
    carrier.redirect_call(result.sid, second, name="second")
    carrier.run()
    assert stopped == [5.0]
    assert result.said() == ["Pick a number", "You were redirected."]
    assert result.status == "completed"
    [event] = result.trace.filter("redirect")
    assert event["flow"] == "second" and event.t == 5.0
    # the question that was open is closed: its timeout never fired
    assert "timeout" not in result.trace.kinds()


def test_redirect_ends_the_bridge_the_old_flow_made():
    carrier = telenb.Carrier(seed=2)
    carrier.phone("+15550123", script="wait: 100s")
    carrier.app(APP, lambda call: call.transfer("+15550123"))
    result = carrier.call(APP, caller="", run=False)
    carrier.run(until=10.0)
    parent, child = result.legs
    assert parent.peer is child
    carrier.redirect_call(parent, lambda call: call.say("Back with you."), name="back")
    carrier.run()
    assert child.status == "completed" and child.cause == "the other call was redirected"
    assert parent.status == "completed"
    assert result.said()[-1] == "Back with you."


def test_redirect_of_a_ringing_outbound_call_takes_effect_on_answer():
    carrier = telenb.Carrier(seed=3)
    carrier.phone("+15550123", ring=10)
    result = carrier.call("+15550123", flow=lambda call: call.say("old"), run=False)
    carrier.run(until=1.0)
    carrier.redirect_call(result.leg, lambda call: call.say("new"))
    carrier.run()
    assert result.said() == ["new"]


def test_redirect_of_an_ended_call_is_refused():
    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, lambda call: call.say("hi"))
    result = carrier.call(APP, caller="")
    with pytest.raises(FlowError, match="has ended"):
        carrier.redirect_call(result.sid, lambda call: None)


def test_call_timeout_and_placing_a_call_from_inside_a_flow():
    carrier = telenb.Carrier(seed=5)
    carrier.phone("+15550123", behaviour="no-answer")
    placed = []

    def launcher(call):
        r = carrier.call("+15550123", flow=lambda c: c.say("x"), run=False, timeout=7)
        placed.append(r)

    carrier.app(APP, launcher)
    carrier.call(APP, caller="")
    carrier.run()
    [r] = placed
    assert r.status == "no-answer" and r.leg.ended_at == pytest.approx(7.0, abs=0.2)
    # run=True inside a flow is still refused: the network is already running that flow
    carrier.app(APP, lambda call: carrier.call("+15550123", flow=lambda c: None))
    result = carrier.call(APP, caller="")
    assert isinstance(result.error, FlowError) and "inside a flow" in str(result.error)


class _Beep:
    """A verb from some backend, carried out by its own operation."""

    def __init__(self, seconds):
        self.seconds = seconds

    def sim_op(self, runner):
        return _BeepOp(runner, self)


class _BeepOp(Op):
    def start(self):
        self.leg.trace("beep", seconds=self.verb.seconds)
        self.after(self.verb.seconds, self.finish, "beeped")
        self.leg.op = self
        return PENDING


def test_backend_verbs_bring_their_own_operation():
    carrier = telenb.Carrier(seed=6)
    outcomes = []

    def flow(call):
        outcomes.append(call._host.perform(_Beep(2.5)))
        call.say("done")

    carrier.app(APP, flow)
    result = carrier.call(APP, caller="")
    assert outcomes == ["beeped"]
    beep = result.trace.filter("beep")[0]
    say = result.trace.filter("say")[0]
    assert say.t - beep.t == pytest.approx(2.5)

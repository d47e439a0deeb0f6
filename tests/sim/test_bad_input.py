"""Mistakes and runaway flows end calls cleanly and say why; the caller of the API survives."""

import pytest

import telenb
from telenb.errors import ConfigurationError, FlowError, MessageError, UnknownOptionError

from .helpers import run_flow


def test_a_flow_that_raises_fails_its_call_with_the_traceback_in_the_trace():
    def flow(call):
        call.say("Let me look that up.")
        return {}["missing"]

    result = run_flow(flow)
    assert result.status == "failed"
    assert isinstance(result.error, KeyError)
    [err] = result.trace.errors()
    assert err["error"] == "KeyError" and "in flow" in err["traceback"]
    assert "flow raised KeyError" in result.leg.cause
    assert "flow raised KeyError" in result._repr_html_()
    # the carrier keeps working after it
    again = result.carrier.call("+15550100")
    assert again.status == "failed" and len(result.carrier.legs) == 2


def test_flows_that_never_end_are_bounded_by_the_step_limit():
    def flow(call):
        while True:
            call.say("again")

    result = run_flow(flow, "hangup", max_steps=50)
    assert result.status == "completed"  # the caller hung up; the flow then ran away
    assert isinstance(result.error, FlowError) and "more than 50 steps" in str(result.error)


def test_flows_that_never_end_are_bounded_by_the_maximum_call_duration():
    def flow(call):
        while call.is_active:
            call.wait(60)

    result = run_flow(flow, max_call_duration=600)
    assert result.status == "completed" and result.duration == 600
    assert result.leg.cause == "maximum call duration reached"


def test_default_maximum_call_duration_is_four_hours():
    assert telenb.Carrier().max_call_duration == 4 * 3600


@pytest.mark.parametrize(
    "verb,error,words",
    [
        (lambda c: c.say("hi", volume=3), UnknownOptionError, "say() got an unknown option"),
        (lambda c: c.say(42), ConfigurationError, "needs text"),
        (lambda c: c.wait(-1), ConfigurationError, "positive number of seconds"),
        (lambda c: c.transfer([]), ConfigurationError, "destination number"),
        (lambda c: c.message("", to="+15550123"), MessageError, "body is empty"),
        (lambda c: c.conference(" "), ConfigurationError, "room id"),
        (lambda c: c.reject("nope"), ConfigurationError, "reject reason"),
        (lambda c: c.record(max_tme=3), UnknownOptionError, "Did you mean 'max_time'"),
        (lambda c: c.call("+15550123"), FlowError, "already has a call"),
    ],
)
def test_verb_mistakes_raise_clear_errors(verb, error, words):
    result = run_flow(verb)
    assert isinstance(result.error, error) and words in str(result.error)


def test_carrier_options_are_checked():
    with pytest.raises(ConfigurationError, match="fidelity"):
        telenb.Carrier(fidelity="hd")
    with pytest.raises(ConfigurationError, match="positive"):
        telenb.Carrier(max_steps=0)
    with pytest.raises(ConfigurationError, match="one of a function"):
        telenb.Carrier().app("+15550100", lambda c: None, script="x.py")
    with pytest.raises(ConfigurationError, match=r"caller= .* or flow="):
        telenb.Carrier().call("+15550100", caller="say: hi", flow=lambda c: None)
    with pytest.raises(ConfigurationError, match=r"caller= .* or flow="):
        telenb.Carrier().call("+15550100", flow=lambda c: None, answer=lambda c: None)


def test_the_carrier_cannot_be_run_from_inside_a_flow():
    carrier = telenb.Carrier()
    carrier.app("+15550100", lambda call: carrier.call("+15550101"))
    result = carrier.call("+15550100")
    assert isinstance(result.error, FlowError) and "inside a flow" in str(result.error)

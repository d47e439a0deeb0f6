"""`carrier.call(to, caller=..., answer=flow)`: a person's call answered by a flow itself,
whatever `to` says, as an application answers a softphone client (no number between)."""

import telenb

APP = "+15550100"


def greet(call):
    call.say("You reached the application.")


def other(call):
    call.say("You reached the number.")


def test_the_answer_flow_takes_the_call_instead_of_the_number():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, other)
    r = carrier.call(APP, caller="wait: 3s", from_="client:ann", answer=greet)
    assert r.said() == ["You reached the application."]
    assert (r.leg.from_, r.leg.to, r.leg.direction, r.status) == (
        "client:ann", APP, "inbound", "completed",
    )  # fmt: skip


def test_no_number_is_needed():
    carrier = telenb.Carrier(seed=1)
    r = carrier.call("", caller="", from_="client:ann", answer=greet)
    assert r.said() == ["You reached the application."] and r.leg.to == ""

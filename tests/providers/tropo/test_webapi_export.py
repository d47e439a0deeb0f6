"""Issue 16 §3: a flow or a Tropo script exported as Tropo WebAPI JSON and as TwiML.  The
exported documents run on the simulator (the WebAPI interpreter, or the TwiML one, plays the
vendor) and give the original's trace; what does not translate is named in the notes."""

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.flow.tropo_bridge import missing
from telenb.providers.tropo import flow_webapi
from telenb.providers.twilio import flow_twiml

APP = "+15550100"
PIZZA = """
say("Welcome to the pizza line", {"voice": "Kate"})
log("started")
def chosen(event):
    say("One " + event.value + " pizza coming up")
ask("What size? small, medium or large", {"choices": "small, medium, large", "attempts": 2,
    "onChoice": chosen, "onBadChoice": lambda e: say("Sorry")})
e = ask("Press 1 to confirm", {"choices": "1, 2", "mode": "dtmf"})
if e.value == "1":
    say("Confirmed")
    record("Any special wishes?", {"maxTime": 10, "silenceTimeout": 2})
hangup()
"""
CALLER = "say: huge; say: large; press: 1; say: extra cheese please"


def heard(result):
    """Every prompt the caller heard: says, and the prompts that open questions and
    recordings (TwiML speaks those with its own <Say>)."""
    return [e["text"] if e.kind == "say" else e["prompt"] for e in result.trace
            if e.kind == "say" or (e.kind in ("ask", "record") and e.get("prompt"))]  # fmt: skip


def results(result):
    return [(e["name"], e["value"]) for e in result.trace.filter("result")]


def original(script=PIZZA, caller=CALLER):
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, script=script)
    return carrier, carrier.call(APP, caller=caller)


def test_tropo_script_as_webapi_json_runs_with_the_same_trace():
    carrier, first = original()
    export = flow_webapi(carrier, APP, caller=CALLER)
    assert heard(export.result) == heard(first)
    assert results(export.result) == results(first) == [
        ("badChoice", "huge"), ("choice", "large"), ("choice", "1"),
    ]  # fmt: skip
    assert export.result.trace.kinds().count("recording") == first.trace.kinds().count("recording")
    verbs = [next(iter(step.document["tropo"][0])) for step in export]
    assert verbs == ["say", "ask", "say", "ask", "say", "ask", "say", "record", "hangup"]
    assert export[0].document["tropo"][0] == {
        "say": [{"value": "Welcome to the pizza line", "voice": "Kate"}]
    }
    assert export.notes == [
        "log() has no WebAPI verb: a WebAPI app logs on its own server",
        "ask() attempts run one WebAPI ask each, so the flow's handlers fire per attempt as "
        "in the script",
    ]


def test_the_exported_documents_alone_replay_the_call():
    carrier, first = original()
    export = flow_webapi(carrier, APP, caller=CALLER)
    replay = telenb.Carrier(seed=1)
    replay.app(APP, tropo_webapi=export.replay())
    again = replay.call(APP, caller=CALLER)
    assert again.trace.said() == first.trace.said()
    assert results(again) == results(first)


def test_tropo_script_as_twiml_runs_with_the_same_trace():
    carrier, first = original()
    export = flow_twiml(carrier, APP, caller=CALLER)
    assert heard(export.result) == heard(first)
    assert heard(first)[-1] == "Any special wishes?"
    assert "<Gather" in export[1].twiml
    assert any("voice 'Kate'" in note for note in export.notes)


def test_a_python_flow_exports_too_and_a_call_placing_flow_is_refused():
    def flow(call):
        call.say("Hello")
        call.conference("standup", terminator="#", join_prompt="beep")

    export = flow_webapi(flow, caller="wait: 2s; press: #")
    assert export[1].document["tropo"][0] == {
        "conference": {"id": "standup", "name": "conference", "mute": False,
                       "playTones": False, "terminator": "#", "joinPrompt": True},
    }  # fmt: skip
    assert export.result.trace.said() == ["Hello"]
    with pytest.raises(ConfigurationError, match="call\\(\\) places a new call"):
        flow_webapi(lambda call: call.call("+15550123"))


GROOVY = """
say("Welcome", [voice: "Daniel"])
ask("Red or blue?", [choices: "red, blue", onChoice: { e -> say("You chose ${e.value}") }])
"""


@pytest.mark.skipif(missing("groovy") is not None, reason=missing("groovy") or "")
def test_a_groovy_script_exports_with_the_same_trace():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, script=GROOVY, lang="groovy")
    first = carrier.call(APP, caller="say: blue")
    export = flow_webapi(carrier, APP, caller="say: blue")
    assert first.trace.said() == export.result.trace.said() == [
        "Welcome", "Red or blue?", "You chose blue",
    ]  # fmt: skip

"""Simulated parties: the script language, timing rules, reactive parties."""

import pytest

import telenb
from telenb import Caller
from telenb.errors import ConfigurationError
from telenb.sim.parties import Step, parse_duration, parse_script

from .helpers import run_flow


def test_script_language():
    steps = parse_script(
        "say: red @0.4; press: 1 2#\n silence; wait: 500ms; silence: 2s;"
        " say: blue [at 1.5s, confidence 0.9]; hangup"
    )
    assert steps == [
        Step("say", "red", confidence=0.4),
        Step("press", "12#"),
        Step("silence"),
        Step("wait", seconds=0.5),
        Step("wait", seconds=2.0),
        Step("say", "blue", confidence=0.9, at=1.5),
        Step("hangup"),
    ]


@pytest.mark.parametrize(
    "text,seconds", [("2s", 2), ("500ms", 0.5), ("1.5", 1.5), ("1m", 60), ("3 seconds", 3)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "script,words",
    [
        ("shout: red", "unknown step in step 1"),
        ("say:", "'say:' needs words"),
        ("press: 12x", "'x' is not one"),
        ("wait: soon", "cannot read 'soon' as a duration"),
        ("say: red @1.5", "confidence must be between 0 and 1"),
        ("say: red [loudly]", "unknown modifier 'loudly'"),
        ("hangup: now", "unknown step"),
    ],
)
def test_script_errors_name_the_step(script, words):
    with pytest.raises(ConfigurationError, match=words):
        parse_script(script)


def test_bad_party_options():
    with pytest.raises(ConfigurationError, match="behaviour must be one of"):
        telenb.Phone(behaviour="asleep")
    with pytest.raises(ConfigurationError, match="zero or more"):
        telenb.Caller(reaction=-1)


def test_answers_come_half_a_second_after_the_prompt_by_default():
    def flow(call):
        call.ask("Yes or no?", choices="yes, no")

    result = run_flow(flow, "say: yes")
    ask = result.trace.filter("ask")[0]
    spoken = result.trace.filter("input")[0]
    assert spoken.t == pytest.approx(ask.t + ask["duration"] + 0.5)
    slow = run_flow(flow, Caller("say: yes", reaction=2.0)).trace.filter("input")[0]
    assert slow.t == pytest.approx(ask.t + ask["duration"] + 2.0)


def test_wait_then_hangup_cuts_a_prompt_short_and_later_verbs_are_refused():
    said = []

    def flow(call):
        said.append(call.say("This is a very long announcement that goes on and on.").name)
        said.append(call.say("Are you still there?").name)
        said.append(call.ask("Hello?", choices="yes").name)

    result = run_flow(flow, "wait: 2s; hangup")
    assert said == ["hangup", "hangup", "hangup"]
    assert result.duration == 2.0
    assert result.trace.filter("interrupted")[0]["after"] == 2.0
    assert [e["verb"] for e in result.trace.filter("refused")] == ["say", "ask"]


def test_exhausted_script_stays_silent():
    got = []
    run_flow(
        lambda call: got.extend(call.ask("Q?", choices="a", timeout=2).name for _ in range(2)),
        "say: a",
    )
    assert got == ["choice", "timeout"]


def test_reactive_party_answers_what_it_hears():
    def person(heard):
        if heard.kind == "question" and "colour" in heard.text:
            return "say: " + heard.choices.split(",")[-1].strip()
        if heard.kind == "prompt" and "goodbye" in heard.text.lower():
            return "hangup"
        return None

    def flow(call):
        r = call.ask("Which colour?", choices="red, green")
        call.say(f"Goodbye, {r.value} fan. This message is long and will be cut.")
        call.say("Not heard.")

    caller = Caller(person)
    result = run_flow(flow, caller)
    assert result.results() == [("choice", "green")]
    assert [h.kind for h in caller.heard] == ["question", "prompt"]
    assert result.trace.filter("refused")


def test_callee_party_gets_a_fresh_copy_per_call():
    carrier = telenb.Carrier()
    phone = carrier.phone("+15550123", script="press: 1")
    carrier.app("+15550100", lambda call: call.transfer("+15550123"))
    for _ in range(2):
        carrier.call("+15550100")
    assert phone.leg is None  # the registered phone is a template; calls use copies


def test_in_a_conversation_people_take_turns():
    carrier = telenb.Carrier()
    carrier.phone("+15550123", script="say: Hello, Dana speaking.; wait: 5s; hangup", ring=1)
    result = carrier.call("+15550123", caller="say: hi Dana, it's Sam")
    callee, caller = result.trace.filter("speech")
    assert (callee["by"], caller["by"]) == ("callee", "caller")  # the answerer speaks first
    greeting_end = callee.t + telenb.sim.media.speech_duration("Hello, Dana speaking.")
    assert caller.t == pytest.approx(greeting_end + 0.5)  # then the caller, after a moment

"""flow_twiml: the TwiML a flow produces, step by step, and what TwiML cannot say."""

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.providers.twilio import flow_twiml, parse_twiml
from telenb.sim.carrier import current


def dress_shop(call):
    call.say("Hello, how are you today?", voice="Joanna")
    r = call.ask(
        "What color dress do you want?",
        choices="black, red, blue, green",
        timeout=10,
        attempts=3,
        on_bad_choice=lambda e: call.say("I didn't understand."),
    )
    if r.name == "choice":
        call.say(f"Then you should get a {r.value} dress!")
        call.message(f"Your {r.value} dress", to=call.caller_id)
    call.hangup()


def test_each_step_is_valid_twiml_that_resumes_the_flow():
    steps = flow_twiml(dress_shop, "+15550100", caller="say: purple; say: red")
    assert [s.path for s in steps] == [
        "/twilio/voice",
        "/twilio/continue/1",
        "/twilio/continue/2",
    ]
    roots = [parse_twiml(s.twiml) for s in steps]
    first = roots[0]
    assert [c.tag for c in first.children] == ["Say", "Gather"]
    assert first.children[0].attrs["voice"] == "Polly.Joanna"
    gather = first.children[1]
    assert gather.attrs["action"].endswith("/twilio/continue/1")
    assert gather.attrs["input"] == "dtmf speech" and gather.attrs["timeout"] == "10"
    assert steps[1].params["SpeechResult"] == "purple"
    assert [c.tag for c in roots[2].children] == ["Say", "Hangup"]
    assert [m.body for m in steps.messages] == ["Your red dress"]


def test_notes_explain_what_twiml_cannot_express():
    def flow(call):
        call.ask("PIN?", choices="[4 DIGITS]", mode="dtmf", timeout=10, interdigit_timeout=3)
        call.ask("Say yes or no", choices="yes, no", mode="speech", min_confidence=0.6)
        call.wait(1.5)
        call.conference("standup", mute=True, terminator="*")

    notes = flow_twiml(flow, "+15550100").notes
    assert any("interdigit_timeout=3" in n and "one timeout" in n for n in notes)
    assert any("min_confidence=0.6" in n and "no minimum confidence" in n for n in notes)
    assert any('<Pause length="2">' in n for n in notes)
    assert any("terminator='*'" in n and "no exit key" in n for n in notes)
    assert not any("mute" in n for n in notes)  # a muted conference is plain TwiML


def test_a_carriers_app_keeps_the_session_carrier():
    carrier = telenb.Carrier(seed=3)
    carrier.app("+15550100", dress_shop)
    steps = flow_twiml(carrier, "+15550100", caller="press: 1")
    assert current() is carrier
    assert len(steps) == 4  # three attempts: "1" is not a choice, then two timeouts
    text = repr(steps)
    assert text.startswith("TwiML for +15550100 (caller: 'press: 1'), 4 step(s)")
    assert "Digits=1" in text and "<Gather" in text
    html = steps._repr_html_()
    assert "&lt;Gather" in html and "<Gather" not in html


def test_a_tropo_script_app():
    carrier = telenb.Carrier(seed=4)
    carrier.app(
        "+15550101",
        script="say('Hello')\nresult = ask('Pin?', {'choices': '[4 DIGITS]'})\n"
        "say('You said ' + result.value)\n",
    )
    steps = flow_twiml(carrier, "+15550101", caller="press: 1234")
    assert steps[-1].params["Digits"] == "1234"
    assert "<Say>You said 1234</Say>" in steps[-1].twiml


def test_a_twiml_app_shows_its_own_documents():
    carrier = telenb.Carrier(seed=5)
    carrier.app(
        "+15550102",
        twiml={
            "/": "<Response><Gather numDigits='1' action='/next'><Say>Key?</Say></Gather>"
            "</Response>",
            "/next": "<Response><Say>Done</Say></Response>",
        },
    )
    steps = flow_twiml(carrier, "+15550102", caller="press: 7")
    assert [s.path for s in steps] == [
        "https://15550102.twiml.test/",
        "https://15550102.twiml.test/next",
    ]
    assert steps[1].params["Digits"] == "7" and "<Say>Done</Say>" in steps[1].twiml


def test_errors_say_what_to_give():
    carrier = telenb.Carrier(seed=6)
    with pytest.raises(ConfigurationError, match="no app answers"):
        flow_twiml(carrier, "+15550100")
    with pytest.raises(ConfigurationError, match="give the number"):
        flow_twiml(carrier)


def test_the_tel_twiml_magic_and_the_twiml_cell_magic(ipython):
    shell = ipython
    carrier = telenb.Carrier(seed=7)
    shell.run_cell_magic("twiml", "+15550103", "<Response><Say>From a cell.</Say></Response>")
    assert carrier.call("+15550103", caller="").said() == ["From a cell."]
    carrier.app("+15550104", dress_shop)
    steps = shell.run_line_magic("tel", "twiml +15550104")
    assert steps.number == "+15550104" and steps[0].path == "/twilio/voice"


def test_simulation_only_caller_timing_is_explained():
    def flow(call):
        call.ask("Which color? Red or blue.", choices="red, blue", mode="speech")

    notes = flow_twiml(flow, caller="say: red [at 1.2s]").notes
    assert any("1.2 s into a prompt" in n and "cannot be scheduled" in n for n in notes)

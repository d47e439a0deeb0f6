"""Tropo scripting-API scripts run unmodified, Jython-era habits included."""

from pathlib import Path

import pytest

import telenb
from telenb import Caller
from telenb.errors import TelenbError, UnknownOptionError
from telenb.flow.tropo import _expand_leading_tabs, compile_script, convert_options

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tropo"
APP = "+14155550100"


def run_script(name, caller="", seed=1, setup=None, **call_options):
    carrier = telenb.Carrier(seed=seed)
    carrier.app(APP, script=EXAMPLES / name)
    if setup:
        setup(carrier)
    return carrier.call(APP, caller=caller, **call_options)


def test_the_examples_really_are_jython_era():
    pizza = (EXAMPLES / "pizza.py").read_text()
    assert 'print "' in pizza and "except KeyError, e:" in pizza and "\n\t" in pizza
    assert "\t" in (EXAMPLES / "switchboard.py").read_text()
    with pytest.raises(SyntaxError):
        compile(pizza, "pizza.py", "exec")  # not Python 3 as written


def test_pizza_python2_prints_excepts_tabs_repeat_and_zero_arg_handlers():
    # "jumbo" is no choice's word ("extra large" would now be `large`: a flow's ask takes
    # the one choice named within a longer answer, as SRGS GARBAGE does)
    result = run_script("pizza.py", "say: jumbo; press: 3")
    assert result.results() == [("badChoice", "jumbo"), ("choice", "large")]
    assert "Sorry, I did not catch that." in result.said()
    assert result.trace.filter("log")[0]["message"] == "caller chose large via dtmf"
    assert result.said()[-1] == "It will be ready in 25 minutes."
    [msg] = result.messages
    assert msg.to == "+15550199" and "large pizza" in msg.body  # callerID 5550199 -> +1
    assert result.trace.filter("wait")[0]["seconds"] == 0.5  # wait(500) is milliseconds


def test_pizza_times_out_after_its_repeats():
    result = run_script("pizza.py", "silence; silence; silence")
    assert [n for n, _ in result.results()] == ["timeout"] * 3
    assert result.said().count("Are you still there?") == 3
    assert result.said()[-1] == "Please call again later."


def test_switchboard_on_event_chains_and_transfers():
    def phones(carrier):
        carrier.phone("+14155550111", behaviour="no-answer")
        carrier.phone("+14155550122", script="say: support speaking; wait: 3s; hangup")

    result = run_script("switchboard.py", "press: 1", setup=phones)
    assert result.said()[-2:] == ["Connecting you to sales.", "Sales is not answering."]
    assert result.legs[1].to == "+14155550111" and result.legs[1].status == "no-answer"
    result = run_script("switchboard.py", "say: help", setup=phones)
    assert result.legs[1].status == "completed"
    assert ("callee", "support speaking") in [
        (e["by"], e["text"]) for e in result.trace.filter("speech")
    ]


def test_screening_by_caller_id_rejects_answers_or_redirects():
    def desk(carrier):
        carrier.phone("+14155550123", script="say: front desk; wait: 2s; hangup")

    assert run_script("screening.py", Caller(number="+14155550666")).status == "no-answer"
    boss = run_script("screening.py", Caller(number="+14155550199"))
    assert boss.said() == ["Hello boss. Your calls are forwarded."]
    other = run_script("screening.py", Caller(number="+14155550777"), setup=desk)
    assert other.trace.filter("redirect")[0]["to"] == "+14155550123"
    assert other.status == "completed"


def test_voicemail_records_until_the_terminator():
    result = run_script("voicemail.py", "say: hi it's Anna; wait: 1s; press: #")
    [rec] = result.recordings
    assert rec.text == "hi it's Anna" and rec.reason == "terminator"
    assert rec.url == "recordings/voicemail.wav"
    assert result.trace.filter("log")[0]["message"] == "recorded to recordings/voicemail.wav"


def test_accounts_digits_terminator_and_loop_on_is_active():
    result = run_script("accounts.py", "press: 12#; press: 4711#")
    assert result.results() == [("badChoice", "12"), ("choice", "4711")]
    assert result.said()[-1] == "Account 4 7 1 1 has a balance of 12 dollars."
    logs = [e["message"] for e in result.trace.filter("log")]
    assert logs == ["result badChoice value 12", "result choice value 4711"]


def test_bridge_conference_with_pin():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=EXAMPLES / "bridge.py")
    a = carrier.call(
        APP, caller=Caller("press: 2468; wait: 20s; hangup", number="+14155550201"), run=False
    )
    b = carrier.call(
        APP,
        caller=Caller("press: 2468; say: hi all; wait: 2s; press: *", number="+14155550202"),
        run=False,
    )
    c = carrier.call(APP, caller=Caller("press: 1111", number="+14155550203"), run=False)
    carrier.run()
    assert b.said()[-1] == "You left the bridge." and c.said()[-1] == "Goodbye."
    assert carrier.conferences["team-bridge"].max_participants == 2
    assert a.status == b.status == c.status == "completed"


def test_reminder_is_a_launched_session_that_calls_out():
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+14155550144", script="press: 2")
    result = carrier.launch(script=EXAMPLES / "reminder.py")
    assert result.legs[0].direction == "outbound-api"
    assert [e["message"] for e in result.trace.filter("log")] == ["appointment cancel"]
    assert result.said()[-1] == "Thank you, your appointment is canceled."


def test_launched_session_sees_its_parameters_and_handles_failure():
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+14155550144", behaviour="busy")
    script = (
        'event = call(numberToDial)\nif event.name != "answer":\n    log("failed: " + event.name)\n'
    )
    result = carrier.launch(script=script, params={"numberToDial": "+14155550144"})
    assert [e["message"] for e in result.trace.filter("log")] == ["failed: callFailure"]


def test_cell_source_text_and_current_call_object():
    carrier = telenb.Carrier()
    carrier.app(
        APP,
        script=(
            "answer()\n"
            "say('from ' + currentCall.callerID + ' to ' + currentCall.calledID + ' on ' +\n"
            "    currentCall.network + '/' + currentCall.channel + ' ' + currentCall.state())\n"
            "log(currentCall.isActive())\n"
        ),
    )
    result = carrier.call(APP)
    assert result.said() == ["from 5550199 to 4155550100 on PSTN/VOICE ANSWERED"]
    assert result.trace.filter("log")[0]["message"] == "True"


def test_options_are_translated_and_unknown_ones_listed():
    assert convert_options(
        "ask",
        {
            "choices": "a",
            "repeat": 3,
            "onBadChoice": None,
            "minConfidence": 0.5,
            "allowSignals": "*",
        },
    ) == {"choices": "a", "attempts": 3, "on_bad_choice": None, "min_confidence": 0.5}
    assert convert_options("transfer", {"choices": {"terminator": "*"}}) == {"terminator": "*"}
    with pytest.raises(UnknownOptionError, match=r"Did you mean 'timeout'.*Valid options: "):
        convert_options("ask", {"timout": 3})


def test_unknown_option_in_a_script_fails_the_call_with_the_list():
    carrier = telenb.Carrier()
    carrier.app(APP, script="ask('Q?', {'choices': 'a', 'bargin': False})")
    result = carrier.call(APP)
    assert result.status == "failed" and "Did you mean 'bargein'" in str(result.error)


def test_mixed_tabs_read_with_python2_tab_stops():
    src = "if True:\n        x = 1\n\ty = 2\n"  # 8 spaces, then a tab: the same depth in Py2
    assert _expand_leading_tabs(src) == "if True:\n        x = 1\n        y = 2\n"
    compile_script(src)


def test_syntax_errors_name_the_line():
    with pytest.raises(TelenbError, match=r"line 2, column .*never closed"):
        compile_script("answer()\nsay('oops'\n", "broken.py")


def test_missing_script_file():
    with pytest.raises(TelenbError, match="no Tropo script"):
        telenb.Carrier().app(APP, script="nowhere.py")

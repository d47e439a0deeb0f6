"""ask(): every option, event field and handler, fired per attempt as Tropo did."""

import pytest

from telenb.errors import ConfigurationError, GrammarError, UnknownOptionError

from .helpers import run_flow


def asking(log, **options):
    options.setdefault("choices", "black, red, blue, green")

    def flow(call):
        log.append(call.ask("Which colour?", **options))

    return flow


def test_choice_event_fields():
    got = []
    run_flow(asking(got, choices="sales(1, sales), support(2, help)"), "say: help @0.8")
    e = got[0]
    assert (e.name, e.value, e.attempt) == ("choice", "support", 1)
    assert (e.choice.concept, e.choice.interpretation, e.choice.utterance) == (
        "support",
        "help",
        "help",
    )
    assert e.choice.confidence == 0.8 and e.choice.mode == "speech"


def test_dtmf_choice_event_fields():
    got = []
    run_flow(asking(got, choices="sales(1, sales), support(2, help)"), "press: 1")
    e = got[0]
    assert (e.name, e.value, e.choice.interpretation, e.choice.mode) == (
        "choice",
        "sales",
        "1",
        "dtmf",
    )


def test_handlers_fire_per_attempt():
    fired = []
    got = []
    flow = asking(
        got,
        attempts=4,
        on_bad_choice=lambda e: fired.append(("bad", e.attempt, e.value)),
        on_timeout=lambda e: fired.append(("timeout", e.attempt)),
        on_choice=lambda e: fired.append(("choice", e.attempt, e.value)),
        on_event=lambda e: fired.append(("event", e.name)),
    )
    run_flow(flow, "say: purple; silence; press: 9; say: green")
    assert fired == [
        ("bad", 1, "purple"),
        ("event", "badChoice"),
        ("timeout", 2),
        ("event", "timeout"),
        ("bad", 3, "9"),
        ("event", "badChoice"),
        ("choice", 4, "green"),
        ("event", "choice"),
    ]
    assert got[0].name == "choice" and got[0].attempt == 4


def test_last_attempt_result_is_returned_when_all_fail():
    got = []
    run_flow(asking(got, attempts=2), "say: purple; say: orange")
    assert (got[0].name, got[0].value, got[0].attempt) == ("badChoice", "orange", 2)


def test_zero_argument_handlers_are_allowed():
    fired = []
    run_flow(asking([], on_bad_choice=lambda: fired.append("bad")), "say: purple")
    assert fired == ["bad"]


def test_timeout_counts_from_the_end_of_the_prompt():
    got = []
    result = run_flow(asking(got, timeout=4), "silence")
    ask = result.trace.filter("ask")[0]
    timeout = result.trace.filter("timeout")[0]
    assert got[0].name == "timeout" and got[0].value == ""
    assert timeout.t == pytest.approx(ask.t + ask["duration"] + 4)


def test_speech_mode_ignores_keys_and_dtmf_mode_ignores_speech():
    got = []
    run_flow(asking(got, mode="speech", choices="yes(1, yes)", timeout=3), "press: 1")
    assert got[0].name == "timeout"
    got = []
    run_flow(asking(got, mode="dtmf", choices="yes(1, yes)", timeout=3), "say: yes")
    assert got[0].name == "timeout"
    got = []
    run_flow(asking(got, mode="any", choices="yes(1, yes)"), "say: yes")
    assert got[0].name == "choice"


def test_min_confidence_turns_low_confidence_speech_into_a_bad_choice():
    got = []
    run_flow(asking(got, min_confidence=0.5, attempts=2), "say: red @0.3; say: red @0.7")
    assert [got[0].name, got[0].attempt, got[0].choice.confidence] == ["choice", 2, 0.7]
    # keyed input has no confidence threshold
    got = []
    run_flow(asking(got, choices="a(1)", min_confidence=0.99), "press: 1")
    assert got[0].name == "choice"


def test_terminator_ends_digit_entry_and_is_not_part_of_the_value():
    got = []
    result = run_flow(asking(got, choices="[1-6 DIGITS]", terminator="#"), "press: 4711#")
    assert (got[0].name, got[0].value) == ("choice", "4711")
    # the result came right after the '#', not after the inter-digit timeout
    assert result.trace.filter("result")[0].t == result.trace.filter("input")[-1].t


def test_interdigit_timeout_ends_open_ended_digit_entry():
    got = []
    result = run_flow(asking(got, choices="[DIGITS]", interdigit_timeout=2), "press: 123")
    last_key = result.trace.filter("input")[-1]
    assert got[0].value == "123"
    assert result.trace.filter("result")[0].t == pytest.approx(last_key.t + 2)


def test_fixed_length_digits_finish_on_the_last_key():
    got = []
    result = run_flow(asking(got, choices="[4 DIGITS]"), "press: 1234")
    assert got[0].value == "1234"
    assert result.trace.filter("result")[0].t == result.trace.filter("input")[-1].t


def test_bargein_stops_the_prompt():
    got = []
    result = run_flow(asking(got), "say: red [at 0.5s]")
    barge = result.trace.filter("bargein")
    assert got[0].value == "red" and barge and barge[0]["after"] == 0.5


def test_without_bargein_speech_during_the_prompt_is_not_heard():
    got = []
    result = run_flow(asking(got, bargein=False, timeout=3), "say: red [at 0.5s]")
    assert got[0].name == "timeout"
    assert result.trace.filter("unheard")[0]["why"].startswith("barge-in is off")


def test_hangup_during_ask_fires_on_hangup():
    fired, got = [], []
    run_flow(asking(got, on_hangup=lambda e: fired.append(e.name)), "wait: 1s; hangup")
    assert fired == ["hangup"] and got[0].name == "hangup"


def test_recognition_errors_become_error_events():
    from telenb.errors import SpeechError
    from telenb.sim.media import TextMedia

    class Broken(TextMedia):
        def recognize(self, utterance, ask, leg=None):
            raise SpeechError("recogniser crashed")

    fired, got = [], []
    run_flow(asking(got, on_error=lambda e: fired.append(e.error)), "say: red", media=Broken())
    assert got[0].name == "error" and fired == ["recogniser crashed"]


def test_prompt_alias_and_grammar_objects():
    from telenb.flow.grammar import parse

    got = []

    def flow(call):
        got.append(call.prompt("Yes or no?", choices=parse("yes, no")))

    run_flow(flow, "say: no")
    assert got[0].value == "no"


@pytest.mark.parametrize(
    "options,error,words",
    [
        ({"choices": "red", "colour": 1}, UnknownOptionError, "Valid options: attempts"),
        ({"choices": "red", "atempts": 2}, UnknownOptionError, "Did you mean 'attempts'"),
        ({"choices": "red,,blue"}, GrammarError, "column 5"),
        ({"choices": "red", "mode": "voice"}, ConfigurationError, "mode must be one of"),
        ({"choices": "red", "attempts": 0}, ConfigurationError, "at least 1"),
        ({"choices": "red", "timeout": -1}, ConfigurationError, "positive number of seconds"),
        ({"choices": "red", "min_confidence": 30}, ConfigurationError, "between 0 and 1"),
        ({"choices": "red", "terminator": "##"}, ConfigurationError, "one keypad key"),
        ({"choices": "[ANY]"}, ConfigurationError, "text channel"),
    ],
)
def test_bad_options_are_clear_errors_inside_the_flow(options, error, words):
    result = run_flow(lambda call: call.ask("Q?", **options))
    assert result.status == "failed"
    assert isinstance(result.error, error) and words in str(result.error)

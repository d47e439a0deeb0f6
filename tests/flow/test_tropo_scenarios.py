"""Tropo scripts in JavaScript, Groovy, Ruby and PHP run unmodified, each in its own
interpreter (Debian's nodejs, groovy, ruby, php-cli), and give the traces their Python
counterparts give: what was said and in which voice, choices, transfers, messages."""

from pathlib import Path

import pytest

import telenb
from telenb import Caller
from telenb.flow.tropo_bridge import missing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tropo"
APP = "+14155550100"
EXT = {"js": "js", "groovy": "groovy", "ruby": "rb", "php": "php"}


def _lang(name):
    reason = missing(name)
    return pytest.param(name, marks=pytest.mark.skipif(reason is not None, reason=reason or ""))


LANGS = [_lang(n) for n in EXT]


def script(lang, name):
    return EXAMPLES / lang / f"{name}.{EXT[lang]}"


def run(lang, name, caller="", setup=None, seed=1):
    carrier = telenb.Carrier(seed=seed)
    carrier.app(APP, script=script(lang, name))
    if setup:
        setup(carrier)
    return carrier.call(APP, caller=caller)


def logs(result):
    return [e["message"] for e in result.trace.filter("log")]


def desks(carrier):
    carrier.phone("+14155550111", behaviour="busy")
    carrier.phone("+14155550122", script="say: support speaking; wait: 3s; hangup")


@pytest.mark.parametrize("lang", LANGS)
def test_attendant_handlers_per_attempt_then_a_transfer_that_answers(lang):
    result = run(lang, "attendant", "say: billing; silence; press: 2", setup=desks)
    assert result.error is None
    assert result.results() == [("badChoice", "billing"), ("timeout", ""), ("choice", "support")]
    prompt = "For sales, say sales or press 1. For support, say support or press 2."
    assert result.said() == [
        prompt,
        "Sorry, I did not understand.",
        prompt,
        "Sorry, I did not hear anything.",
        prompt,
        "Connecting you to support.",
    ]
    assert result.legs[1].to == "+14155550122" and result.legs[1].status == "completed"
    assert ("callee", "support speaking") in [
        (e["by"], e["text"]) for e in result.trace.filter("speech")
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_attendant_transfer_failure_fires_the_nested_handler(lang):
    result = run(lang, "attendant", "press: 1", setup=desks)
    assert result.said()[-2:] == ["Connecting you to sales.", "Sales is busy."]
    assert result.legs[1].to == "+14155550111" and result.legs[1].status == "busy"


@pytest.mark.parametrize("lang", LANGS)
def test_screening_rejects_greets_or_redirects_by_caller_id(lang):
    def setup(carrier):
        carrier.phone("+14155550123", script="say: front desk; wait: 2s; hangup")

    assert run(lang, "screening", Caller(number="+14155550666")).status == "no-answer"
    boss = run(lang, "screening", Caller(number="+14155550199"))
    assert boss.said() == ["Hello boss. Your calls are forwarded."] and boss.error is None
    other = run(lang, "screening", Caller(number="+14155550777"), setup=setup)
    assert other.trace.filter("redirect")[0]["to"] == "+14155550123"
    assert other.status == "completed" and other.error is None


@pytest.mark.parametrize("lang", LANGS)
def test_voicemail_records_and_its_handler_texts_the_owner(lang):
    result = run(lang, "voicemail", "say: hi it's Anna; wait: 1s; press: #")
    [rec] = result.recordings
    assert rec.text == "hi it's Anna" and rec.url == "recordings/voicemail.wav"
    assert logs(result) == ["recorded to recordings/voicemail.wav"]
    [msg] = result.messages
    assert msg.to == "+14155550177" and msg.body == "New voicemail from 5550199"
    assert result.said()[-1] == "Thank you. Goodbye."


@pytest.mark.parametrize("lang", LANGS)
def test_voicemail_silence_fires_on_timeout(lang):
    result = run(lang, "voicemail", "silence")
    assert "You did not say anything." in result.said() and not result.messages


@pytest.mark.parametrize("lang", LANGS)
def test_reminder_is_a_launched_session_with_parameters_that_calls_out(lang):
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+14155550144", script="press: 2")
    result = carrier.launch(
        script=script(lang, "reminder"), params={"numberToDial": "+14155550144"}
    )
    assert result.error is None
    assert result.legs[0].direction == "outbound-api" and result.legs[0].to == "+14155550144"
    assert logs(result) == ["calling 4155550144", "appointment cancel"]
    assert result.said()[-1] == "Thank you, your appointment is canceled."
    [msg] = result.messages
    assert msg.to == "+14155550144" and msg.body == "Your appointment is canceled."


@pytest.mark.parametrize("lang", LANGS)
def test_reminder_logs_a_failed_call(lang):
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+14155550144", behaviour="busy")
    result = carrier.launch(
        script=script(lang, "reminder"), params={"numberToDial": "+14155550144"}
    )
    assert logs(result) == ["reminder failed: callFailure"] and result.error is None


@pytest.mark.parametrize("lang", LANGS)
def test_sizes_runs_on_the_text_channel(lang):
    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, script=script(lang, "sizes"))
    result = carrier.text(APP, "dress", texter="text: huge; text: medium")
    assert result.replies() == [
        "You wrote dress on TEXT",
        "Size?",
        "Sorry, huge?",
        "Size?",
        "Size medium it is",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_bridge_conference_with_pin(lang):
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, script=script(lang, "bridge"))
    a = carrier.call(
        APP, caller=Caller("press: 2468; wait: 20s; hangup", number="+14155550201"), run=False
    )
    b = carrier.call(
        APP,
        caller=Caller("press: 2468; say: hi all; wait: 2s; press: *", number="+14155550202"),
        run=False,
    )
    c = carrier.call(APP, caller=Caller("press: 12; press: 1111", number="+14155550203"), run=False)
    carrier.run()
    assert b.said()[-1] == "You left the bridge." and c.said()[-1] == "Goodbye."
    assert [name for name, _ in c.results()] == ["badChoice", "choice"]
    assert "Wrong PIN." in c.said()  # the zero-argument handler ran
    assert carrier.conferences["team-bridge"].max_participants == 2
    assert a.status == b.status == c.status == "completed"
    assert a.error is b.error is c.error is None


@pytest.mark.parametrize("name", ["hello", "attendant", "screening", "voicemail", "bridge"])
def test_each_scenario_gives_one_trace_in_every_language(name):
    """The same app in four languages: the same events, word for word (Python's own shape)."""
    callers = {"attendant": "say: billing; press: 2", "voicemail": "say: hello; press: #",
               "bridge": "press: 2468; wait: 1s; press: *"}  # fmt: skip

    def shape(result):
        keep = ("say", "ask", "result", "wait", "log", "record", "transfer", "message", "redirect")
        return [(e.kind, e.get("text"), e.get("voice"), e.get("value")) for e in result.trace
                if e.kind in keep]  # fmt: skip

    traces = {}
    for lang in EXT:
        if missing(lang) is None:
            traces[lang] = shape(run(lang, name, callers.get(name, ""), setup=desks))
    if len(traces) < 2:
        pytest.skip(
            "needs at least two of the interpreters: "
            + "; ".join(filter(None, (missing(n) for n in EXT)))
        )
    first = next(iter(traces.values()))
    assert first and all(t == first for t in traces.values()), traces

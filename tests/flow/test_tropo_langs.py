"""Tropo scripts in JavaScript, Groovy, Ruby and PHP run unmodified, each in its own
interpreter (Debian's nodejs, groovy, ruby, php-cli), and give the traces their Python
counterparts give: what was said and in which voice, choices, transfers, messages."""

from pathlib import Path

import pytest

import telenb
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


@pytest.mark.parametrize("lang", LANGS)
def test_hello_greets_by_caller_id_in_a_voice_waits_and_logs(lang):
    result = run(lang, "hello")
    assert result.error is None and result.status == "completed"
    says = result.trace.filter("say")
    assert [(e["text"], e["voice"]) for e in says] == [
        ("Hello, you are calling from 5550199.", "Allison"),
        ("Goodbye.", None),
    ]
    assert result.trace.filter("wait")[0]["seconds"] == 0.5  # wait(500) is milliseconds
    assert logs(result) == ["greeted 5550199 on PSTN"]


VOICES = [
    "Karen",
    "Lee",
    "Veena",
    "Moira",
    "Fiona",
    "Tessa",
    "Kate",
    "Serena",
    "Daniel",
    "Oliver",
    "Allison",
    "Ava",
    "Evelyn",
    "Samantha",
    "Susan",
    "Zoe",
    "Tom",
    "Victor",
]


@pytest.mark.parametrize("fidelity", ["text", "audio"])
@pytest.mark.parametrize("lang", [_lang("groovy")])
def test_the_groovy_voices_script_from_tropos_closing_runs_as_written(lang, fidelity):
    """The script a Tropo user posted when the service closed: 18 voices, then a dress."""
    carrier = telenb.Carrier(seed=1, fidelity=fidelity)
    carrier.app(APP, script=script(lang, "voices"))
    result = carrier.call(APP, caller="say: red")
    says = result.trace.filter("say")
    intro = says[: len(VOICES)]
    assert [e["voice"] for e in intro] == VOICES
    assert len({e["text"] for e in intro}) == len(VOICES)  # 18 distinct prompts
    assert intro[12]["text"] == (
        "Hello, how are you today? My name is Evelyn and I speak USA English."
    )
    assert result.said()[-1] == "Then you should get a red dress! I'll text you a link."
    assert says[-1]["voice"] == "Daniel" and result.status == "completed"
    if fidelity == "audio":  # each voice really spoke: a prompt of its own length
        assert all(e["duration"] > 1.0 for e in intro)


PORTS = {  # the same Tropo app written in each language, and a caller for it
    "attendant": "say: red; press: 1; say: yes",
    "bridge": "press: 1234#; press: 4321#",
    "screening": "",
    "voicemail": "say: please call me back",
    "sizes": "say: large",
}
AVAILABLE = [n for n in EXT if missing(n) is None]


def _trace(lang, name, caller):
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+14155550123")  # where the apps transfer and redirect to
    carrier.app(APP, script=script(lang, name))
    result = carrier.call(APP, caller=caller)
    errors = [e["message"] for e in result.trace.filter("error")]
    return result.status, result.said(), [s.to for s in carrier.legs[1:]], errors


@pytest.mark.skipif(len(AVAILABLE) < 2, reason="needs two of nodejs, groovy, ruby, php-cli")
@pytest.mark.parametrize("name", list(PORTS))
def test_a_ported_app_behaves_the_same_in_every_language(name):
    """JavaScript, Groovy, Ruby and PHP ports of one app: same prompts, legs and status."""
    traces = {lang: _trace(lang, name, PORTS[name]) for lang in AVAILABLE}
    for lang, (status, _said, _legs, errors) in traces.items():
        assert not errors, f"{lang}: {errors}"
        assert status in ("completed", "busy", "no-answer"), (lang, status)
    first = next(iter(traces.values()))
    if name == "sizes":  # each language prints a missing value its own way (null, nil, '')
        first = (first[0], first[1][1:], first[2], first[3])
        traces = {k: (v[0], v[1][1:], v[2], v[3]) for k, v in traces.items()}
    assert all(t == first for t in traces.values()), traces


@pytest.mark.parametrize("lang", LANGS)
def test_the_launched_reminder_dials_out_and_confirms(lang):
    carrier = telenb.Carrier(seed=1)
    carrier.phone("+15550123", behaviour="answer")
    result = carrier.launch(script=script(lang, "reminder"), params={"numberToDial": "+15550123"})
    assert not [e for e in result.trace.filter("error")], result.trace.text()
    assert any(leg.to == "+15550123" for leg in carrier.legs)

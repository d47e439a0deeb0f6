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

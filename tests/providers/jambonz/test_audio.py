"""A jambonz gather in audio fidelity: the prompt is synthesised, the caller's keys and
speech cross the channel and come back through real DTMF detection and recognition."""

from __future__ import annotations

import pytest

import telenb

APP = "+15550100"


def run(caller: str):
    heard: list[dict] = []

    def app(request):
        if request.path == "/menu":
            heard.append(dict(request))
            return [{"verb": "say", "text": "Thank you. Goodbye."}]
        return [
            {"verb": "gather", "input": ["digits", "speech"], "numDigits": 1, "timeout": 5,
             "actionHook": "/menu", "recognizer": {"vendor": "default", "hints": ["red", "blue"]},
             "say": {"text": "Press one, or say red or blue."}},
        ]  # fmt: skip

    carrier = telenb.Carrier(seed=1, fidelity="audio")
    carrier.app(APP, jambonz=app, url="/call")
    return carrier.call(APP, caller=caller), heard


def test_keys_are_detected_on_the_line():
    r, heard = run("press: 1")
    assert r.status == "completed"
    assert heard[0]["reason"] == "dtmfDetected" and heard[0]["digits"] == "1"
    assert r.trace.filter("say")[0]["duration"] > 1.0  # real synthesis
    assert r.audio is not None and r.audio.rate == 8000


def test_speech_is_recognised_from_the_audio():
    # free speech (no grammar) is heard reliably by Whisper; the light engines hear "we're in"
    pytest.importorskip("faster_whisper", reason="telenb[whisper] is not installed")
    r, heard = run("say: red")
    assert heard[0]["reason"] == "speechDetected"
    alt = heard[0]["speech"]["alternatives"][0]
    assert alt["transcript"].lower().strip(" .") == "red"
    assert 0 < alt["confidence"] < 1  # the recogniser's own confidence
    assert r.said()[-1] == "Thank you. Goodbye."

"""Issue 16: WebAPI apps in audio fidelity.  The app's prompts are synthesised in the voices it
names and cross the telephone channel; the caller's speech and keys come back through real
recognition and DTMF detection, and reach the app as Tropo's result JSON."""

from __future__ import annotations

import json

import pytest

import telenb

from .helpers import APP
from .test_webapi_apps import color_app

flask = pytest.importorskip("flask")


def run(caller: str):
    carrier = telenb.Carrier(seed=1, fidelity="audio")
    carrier.app(APP, tropo_webapi=color_app(), url="/index.json")
    return carrier.call(APP, caller=caller)


@pytest.mark.parametrize(
    ("caller", "mode", "value"),
    [("press: 2", "dtmf", "blue"), ("say: red", "speech", "red")],
)
def test_the_color_app_hears_keys_and_speech_through_the_channel(caller, mode, value):
    result = run(caller)
    assert result.status == "completed"
    says = result.trace.filter("say")
    assert says[0]["voice"] == "Kate" and says[0]["duration"] > 1.0  # real synthesis
    assert [(e["name"], e["value"], e["mode"]) for e in result.trace.filter("result")] == [
        ("choice", value, mode)
    ]
    posted = [e["json"] for e in result.trace.filter("webhook") if "result" in e["json"]]
    action = posted[0]["result"]["actions"]
    assert action["disposition"] == "SUCCESS" and action["value"] == value
    assert result.said()[-1].startswith("You said") and result.said()[-1].endswith(f"{value}.")
    assert result.audio is not None and result.audio.rate == 8000  # the call's real audio
    assert result.audio.duration == pytest.approx(result.duration, abs=1e-3)
    if mode == "speech":  # the recogniser's own confidence, not the caller script's 1.0
        assert 30 <= action["confidence"] < 100
    assert json.dumps(posted)  # what the app got is plain JSON

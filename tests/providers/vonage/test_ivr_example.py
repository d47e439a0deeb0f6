"""A Flask IVR written as Vonage's Python samples go (examples/vonage_ivr.py) runs unmodified
on the simulated carrier, its JWT checks passing, driven by scripted callers."""

import importlib.util
from pathlib import Path

import pytest

import telenb
from telenb.providers.vonage import vonage_application

from .helpers import AGENT, APP, requests

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "vonage_ivr.py"


@pytest.fixture
def ivr():
    spec = importlib.util.spec_from_file_location("vonage_ivr_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def carrier(ivr, monkeypatch):
    carrier = telenb.Carrier(seed=11)
    monkeypatch.setenv("VONAGE_SIGNATURE_SECRET", vonage_application(carrier).signature_secret)
    carrier.app(APP, ncco=ivr.app, url="/webhooks/answer", event_url="/webhooks/events")
    return carrier


def paths(result):
    return [url.split(".test", 1)[1] for _m, url in requests(result)]


def test_opening_hours_by_key(carrier, ivr):
    r = carrier.call(APP, caller="press: 1")
    assert r.said()[-1] == "We are open from nine to five. Goodbye."
    assert "/webhooks/menu" in paths(r)
    statuses = [e["status"] for e in ivr.app.config["EVENTS"]]
    assert statuses == ["started", "ringing", "answered", "completed"]


def test_opening_hours_by_voice(carrier):
    r = carrier.call(APP, caller="say: opening hours please")
    assert r.said()[-1] == "We are open from nine to five. Goodbye."


def test_speak_to_someone(carrier, ivr):
    carrier.phone(AGENT, script="say: Hello, this is Sam; wait: 3s; hangup")
    r = carrier.call(APP, caller="press: 2")
    assert r.said()[-1] == "Thank you for calling Owl Post. Goodbye."  # after Sam hung up
    agent_events = [e["status"] for e in ivr.app.config["EVENTS"] if e.get("to") == "15550123"]
    assert agent_events == ["started", "ringing", "answered", "completed"]
    assert [leg.to for leg in carrier.legs] == [APP, AGENT]


def test_nobody_answers_within_the_connect_timeout(carrier, ivr):
    carrier.phone(AGENT, behaviour="no-answer")
    r = carrier.call(APP, caller="press: 2")
    agent_events = [e for e in ivr.app.config["EVENTS"] if e.get("to") == "15550123"]
    assert [e["status"] for e in agent_events] == ["started", "ringing", "timeout"]
    started = next(iter(r.trace.filter("transfer")))
    assert r.said()[-1] == "Thank you for calling Owl Post. Goodbye."
    assert carrier.legs[-1].ended_at - started.t == pytest.approx(20.0)  # "timeout": 20


def test_leave_a_message(carrier, ivr):
    r = carrier.call(APP, caller="press: 3; say: please ring me back; press: #")
    [voicemail] = ivr.app.config["VOICEMAILS"]
    assert voicemail["recording_url"].startswith("https://api.nexmo.com/v1/files/")
    assert r.recordings[0].text == "please ring me back"
    assert r.said()[-1] == "Thank you. Goodbye."


def test_a_wrong_secret_is_refused_and_the_call_fails(carrier, monkeypatch):
    monkeypatch.setenv("VONAGE_SIGNATURE_SECRET", "not-the-secret-of-this-application")
    r = carrier.call(APP, caller="press: 1")
    assert r.status == "failed" and r.said() == []
    assert "HTTP 401" in next(iter(r.trace.filter("error")))["message"]

"""The done-criterion: a Flask IVR written as Twilio's tutorials teach (examples/twilio_ivr.py)
runs unmodified on the simulated carrier, driven by scripted callers."""

import importlib.util
import urllib.request
from pathlib import Path

import pytest

import telenb
from telenb.providers.twilio import twilio_account

from ...helpers import APP, events, warnings, webhooks

EXAMPLE = Path(__file__).resolve().parents[4] / "examples" / "twilio_ivr.py"


@pytest.fixture
def ivr():
    spec = importlib.util.spec_from_file_location("twilio_ivr_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def carrier(ivr, monkeypatch):
    carrier = telenb.Carrier(seed=11)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_account(carrier).auth_token)
    carrier.app(APP, twiml=ivr.app, url="/ivr/welcome")
    return carrier


def paths(result):
    return [url.split(".test", 1)[1].split("?")[0] for _m, url, _p in webhooks(result)]


def test_opening_hours(carrier):
    r = carrier.call(APP, caller="press: 1")
    assert paths(r) == ["/ivr/welcome", "/ivr/menu"]
    assert r.said()[-1].startswith("We are open from nine to five")
    assert r.status == "completed" and warnings(r) == [] and events(r, "error") == []


def test_speaking_to_an_agent(carrier, ivr):
    carrier.phone(ivr.AGENT_NUMBER, script="say: Owl Post, Sam speaking; wait: 5s; hangup")
    r = carrier.call(APP, caller="press: 2; wait: 8s; say: I lost a parcel")
    assert paths(r) == ["/ivr/welcome", "/ivr/menu", "/ivr/dial-status"]
    assert webhooks(r)[2][2]["DialCallStatus"] == "completed"
    caller, agent = r.legs
    assert agent.to == ivr.AGENT_NUMBER and agent.status == "completed"
    assert [e["text"] for e in events(r, "speech")] == ["Owl Post, Sam speaking", "I lost a parcel"]
    assert caller.status == "completed" and r.said()[-1] == "Connecting you now."


def test_busy_agent_leads_to_voicemail_with_a_fetchable_recording(carrier, ivr):
    carrier.phone(ivr.AGENT_NUMBER, behaviour="busy")
    r = carrier.call(APP, caller="press: 2; say: Please call me about my order; press: #")
    assert paths(r) == [
        "/ivr/welcome",
        "/ivr/menu",
        "/ivr/dial-status",
        "/ivr/recording-status",
        "/ivr/voicemail",
    ]
    assert webhooks(r)[2][2]["DialCallStatus"] == "busy"
    [(sid, url, duration)] = ivr.app.config["VOICEMAILS"]
    [rec] = r.recordings
    assert sid == rec.sid and rec.text == "Please call me about my order"
    assert (
        duration == str(round(rec.duration)) or duration == webhooks(r)[4][2]["RecordingDuration"]
    )
    [status_event] = ivr.app.config["RECORDING_EVENTS"]
    assert status_event["RecordingStatus"] == "completed" and status_event["RecordingSid"] == sid
    with urllib.request.urlopen(url) as resp:
        assert resp.read(4) == b"RIFF"
    assert r.said()[-1] == "Thank you, we will call you back. Goodbye."


def test_a_wrong_key_then_no_choice_loops_back_to_the_menu(carrier):
    r = carrier.call(APP, caller="press: 9; silence; wait: 30s; hangup")
    assert paths(r)[:4] == ["/ivr/welcome", "/ivr/menu", "/ivr/welcome", "/ivr/welcome"]
    assert "Sorry, that is not an option." in r.said()
    assert "We did not hear a choice." in r.said()
    assert events(r, "hangup")[-1]["by"] == "caller"


def test_the_menu_prompt_repeats_twice_and_keys_barge_in(carrier):
    r = carrier.call(APP, caller="press: 1 [at 2s]")
    [gather] = events(r, "gather")
    [say] = [e for e in events(r, "say") if e["voice"] == "Polly.Amy"]
    assert gather["duration"] == say["duration"]  # loop=2 is in the prompt's length
    assert events(r, "bargein")[0]["after"] == pytest.approx(2.0)


def test_requests_without_the_right_signature_are_refused(ivr, monkeypatch):
    carrier = telenb.Carrier(seed=12)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "not-the-account-token")
    carrier.app(APP, twiml=ivr.app, url="/ivr/welcome")
    r = carrier.call(APP, caller="press: 1")
    [hook] = events(r, "webhook")
    assert hook["status"] == 403
    assert events(r, "error")[0]["error"] == "Twilio 11200"


def test_same_seed_same_trace(ivr, monkeypatch):
    def once():
        carrier = telenb.Carrier(seed=5)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", twilio_account(carrier).auth_token)
        carrier.phone(ivr.AGENT_NUMBER, behaviour="no-answer")
        carrier.app(APP, twiml=ivr.app, url="/ivr/welcome")
        carrier.call(APP, caller="press: 2; say: hello; press: #")
        return carrier.trace.to_json()

    first, second = once(), once()
    assert first == second and "/ivr/voicemail" in first


def test_the_trace_shows_requests_twiml_and_statuses(carrier):
    text = carrier.call(APP, caller="press: 1").trace.text()
    lines = [line.split(None, 2)[2] for line in text.splitlines()]
    assert lines[:5] == [
        "status     initiated  +15550199 -> +15550100",
        "status     ringing",
        "webhook    POST https://15550100.twiml.test/ivr/welcome -> 200  CallStatus=ringing",
        'twiml      "<Response><Gather action="/ivr/menu" method="POST" numDigits="1">'
        '<Say loop="2" voice="Polly.Amy">Thanks for c…"',
        "status     in-progress",
    ]
    menu = "webhook    POST https://15550100.twiml.test/ivr/menu -> 200  CallStatus=in-progress"
    assert f"{menu}  Digits=1" in lines and lines[-1] == "status     completed"

"""jambonz apps on the simulator: a Flask IVR checking Jambonz-Signature, gather by keys and
by voice, dial, redirect, hangup, status hooks in order, and invalid applications."""

from __future__ import annotations

import json

import pytest

import telenb
from telenb.providers.jambonz import jambonz_application, verify

flask = pytest.importorskip("flask")

APP = "+15550100"
AGENT = "+15550123"


def ivr(secret_of, log):
    app = flask.Flask("jambonz_ivr")

    @app.before_request
    def check():
        verify(flask.request.headers, secret_of(), flask.request.get_data(), now=log["now"]())

    @app.post("/call")
    def call():
        return flask.jsonify([
            {"verb": "gather", "input": ["digits", "speech"], "numDigits": 1, "timeout": 5,
             "actionHook": "/menu",
             "say": {"text": "Press 1 or say hours. Press 2 for sales."}},
            {"verb": "say", "text": "We did not hear you. Goodbye."},
        ])  # fmt: skip

    @app.post("/menu")
    def menu():
        body = flask.request.get_json()
        log["menu"].append(body)
        if body["reason"] == "timeout":
            return "", 200  # no verbs: the application goes on
        if body["reason"] == "speechDetected":
            heard = body["speech"]["alternatives"][0]["transcript"]
            return flask.jsonify([{"verb": "say", "text": f"You said {heard}. Goodbye."}])
        if body.get("digits") == "2":
            return flask.jsonify([
                {"verb": "dial", "target": [{"type": "phone", "number": AGENT}],
                 "actionHook": "/dialed", "timeout": 20},
            ])  # fmt: skip
        if body.get("digits") == "9":
            return flask.jsonify([{"verb": "redirect", "actionHook": "/goodbye"}])
        return flask.jsonify([{"verb": "say", "text": "We open at nine."}, {"verb": "hangup"}])

    @app.post("/dialed")
    def dialed():
        log["dialed"].append(flask.request.get_json())
        return flask.jsonify([{"verb": "say", "text": "Thanks for calling."}])

    @app.post("/goodbye")
    def goodbye():
        return flask.jsonify([{"verb": "say", "text": "Redirected. Bye."}])

    @app.post("/status")
    def status():
        log["status"].append(flask.request.get_json())
        return "", 204

    return app


@pytest.fixture
def setup():
    carrier = telenb.Carrier(seed=3)
    japp = jambonz_application(carrier)
    log = {"menu": [], "dialed": [], "status": [], "now": japp.timestamp_seconds}
    app = ivr(lambda: japp.webhook_secret, log)
    carrier.app(APP, jambonz=app, url="/call", status_hook="/status")
    return carrier, japp, log


def test_keys_reach_the_action_hook_and_its_verbs_replace_the_app(setup):
    carrier, japp, log = setup
    r = carrier.call(APP, caller="press: 1")
    assert r.said()[-1] == "We open at nine."
    [menu] = log["menu"]
    assert menu["reason"] == "dtmfDetected" and menu["digits"] == "1"
    assert menu["call_sid"] == japp.call_sid(carrier.legs[0])
    assert menu["direction"] == "inbound" and menu["to"] == APP
    assert [s["call_status"] for s in log["status"]] == ["in-progress", "completed"]


def test_speech_reaches_the_action_hook_as_alternatives(setup):
    carrier, _japp, log = setup
    r = carrier.call(APP, caller="say: hours please")
    alt = log["menu"][0]["speech"]["alternatives"][0]
    assert log["menu"][0]["reason"] == "speechDetected" and alt["transcript"] == "hours please"
    assert 0 < alt["confidence"] <= 1
    assert r.said()[-1] == "You said hours please. Goodbye."


def test_silence_times_out_and_the_app_goes_on(setup):
    carrier, _japp, log = setup
    r = carrier.call(APP, caller="wait: 30s")
    assert log["menu"][0]["reason"] == "timeout"
    assert r.said()[-1] == "We did not hear you. Goodbye."


def test_dial_bridges_and_reports_child_statuses_in_order(setup):
    carrier, japp, log = setup
    carrier.phone(AGENT, script="say: Hello, this is Sam; wait: 2s; hangup")
    r = carrier.call(APP, caller="press: 2")
    assert r.said()[-1] == "Thanks for calling."
    [dialed] = log["dialed"]
    assert dialed["dial_call_status"] == "completed" and dialed["dial_sip_status"] == 200
    child = [s for s in log["status"] if s["to"] == AGENT]
    assert [s["call_status"] for s in child] == ["trying", "ringing", "in-progress", "completed"]
    assert {s["parent_call_sid"] for s in child} == {japp.call_sid(carrier.legs[0])}
    assert all(s["direction"] == "outbound" for s in child)


def test_dial_no_answer(setup):
    carrier, _japp, log = setup
    carrier.phone(AGENT, behaviour="no-answer")
    carrier.call(APP, caller="press: 2")
    assert log["dialed"][0]["dial_call_status"] == "no-answer"
    child = [s["call_status"] for s in log["status"] if s["to"] == AGENT]
    assert child[-1] == "no-answer"


def test_redirect_fetches_new_verbs(setup):
    carrier, _japp, _log = setup
    r = carrier.call(APP, caller="press: 9")
    assert r.said()[-1] == "Redirected. Bye."


def test_a_wrong_secret_is_refused_and_the_call_fails():
    carrier = telenb.Carrier(seed=3)
    japp = jambonz_application(carrier)
    log = {"menu": [], "dialed": [], "status": [], "now": japp.timestamp_seconds}
    carrier.app(APP, jambonz=ivr(lambda: "wh_secret_wrong", log), url="/call")
    r = carrier.call(APP, caller="press: 1")
    assert r.status == "failed" and r.said() == []


def test_every_webhook_is_signed_over_its_body(setup):
    carrier, _japp, _log = setup
    r = carrier.call(APP, caller="press: 1")
    hooks = r.trace.filter("webhook")
    assert len(hooks) >= 3 and all(h["status"] in (200, 204) for h in hooks)


def test_an_invalid_application_rejects_the_call():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, jambonz=lambda req: [{"verb": "say", "txt": "typo"}])
    r = carrier.call(APP, caller="wait: 1s")
    assert r.status == "failed"
    assert [e["message"] for e in r.trace.filter("error")] == ["say: unknown property txt"]


def test_inline_verbs_with_pause_tag_and_config():
    carrier = telenb.Carrier(seed=3)
    carrier.app(APP, jambonz=json.dumps([
        {"verb": "config", "synthesizer": {"vendor": "google", "voice": "Kate"}},
        {"verb": "pause", "length": 2},
        {"verb": "say", "text": "Hello"},
    ]))  # fmt: skip
    r = carrier.call(APP, caller="wait: 5s")
    assert r.said() == ["Hello"]
    [say] = r.trace.filter("say")
    assert say.t == pytest.approx(2.0, abs=0.01) and say["voice"] == "Kate"

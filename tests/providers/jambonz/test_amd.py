"""dial's amd on the simulator: jambonz's answering machine detection events, from who
answers the dialed call (a voicemail box or a person with a script).

What jambonz's answering-machine-detection-example (a Node app, not run here) taught: the
amd actionHook gets one event at a time, by ``type``; an app may answer an event with
verbs or with nothing and wait for the next one; a machine's events come in the order
machine detected, tone detected, machine stopped speaking.
"""

from __future__ import annotations

import pytest

import telenb
from telenb.providers.jambonz import jambonz_application

flask = pytest.importorskip("flask")

APP, AGENT = "+15550100", "+15550123"


def dialer(seen: dict[str, list], amd: dict, on_event=None):
    app = flask.Flask("amd")

    @app.post("/call")
    def call():
        return flask.jsonify([
            {"verb": "dial", "target": [{"type": "phone", "number": AGENT}],
             "actionHook": "/dialed", "amd": {"actionHook": "/amd", **amd}},
            {"verb": "say", "text": "after the dial"},
        ])  # fmt: skip

    @app.post("/amd")
    def event():
        body = flask.request.get_json()
        seen["amd"].append(body)
        verbs = on_event(body) if on_event else None
        return flask.jsonify(verbs) if verbs else ("", 204)

    @app.post("/dialed")
    def dialed():
        seen["dialed"].append(flask.request.get_json())
        return "", 204

    return app


def run(callee: dict, amd: dict | None = None, on_event=None, caller: str = "wait: 40s"):
    carrier = telenb.Carrier(seed=4)
    carrier.phone(AGENT, **callee)
    seen: dict[str, list] = {"amd": [], "dialed": []}
    carrier.app(APP, jambonz=dialer(seen, amd or {}, on_event), url="/call")
    result = carrier.call(APP, caller=caller)
    return carrier, result, seen


def types(seen) -> list[str]:
    return [e["type"] for e in seen["amd"]]


def test_a_voicemail_box_is_a_machine_then_a_tone_then_it_stops_speaking():
    """Answering machine detection: a greeting of thresholdWordCount (9) words or more is
    amd_machine_detected, reason "long greeting"; then amd_tone_detected for the beep and
    amd_machine_stopped_speaking once the greeting is over; each webhook carries the call's
    attributes (call_sid, ...) and the event's properties."""
    _, result, seen = run({"behaviour": "voicemail"})
    assert types(seen) == [
        "amd_machine_detected", "amd_tone_detected", "amd_machine_stopped_speaking",
    ]  # fmt: skip
    machine = seen["amd"][0]
    assert (machine["reason"], machine["language"]) == ("long greeting", "en-US")
    assert len(machine["greeting"].split()) == 9
    assert machine["call_sid"] and machine["direction"] == "inbound"
    times = [e.t for e in result.trace.filter("amd")]
    assert times == sorted(times) and times[2] - times[1] == pytest.approx(1.0)


def test_a_person_who_says_hello_is_a_human_with_the_greeting():
    """A final transcript shorter than thresholdWordCount: amd_human_detected, reason
    "short greeting", greeting the words heard; detection then stops."""
    _, _, seen = run({"script": "say: Hello, this is Sam; wait: 2s; hangup"})
    assert types(seen) == ["amd_human_detected"]
    assert seen["amd"][0]["reason"] == "short greeting"
    assert seen["amd"][0]["greeting"] == "Hello, this is Sam"
    assert seen["dialed"][0]["dial_call_status"] == "completed"


def test_a_talkative_person_is_taken_for_a_machine_and_the_threshold_is_configurable():
    """thresholdWordCount decides: a person's ten-word greeting is a machine at 9, a human
    with thresholdWordCount 12."""
    words = "say: hi you have reached the desk of Sam Jones speaking"
    assert types(run({"script": words})[2])[0] == "amd_machine_detected"
    assert types(run({"script": words}, {"thresholdWordCount": 12})[2]) == ["amd_human_detected"]


def test_silence_is_no_speech_after_the_no_speech_timeout():
    """No speech from the far end within timers.noSpeechTimeoutMs (5000 by default):
    amd_no_speech_detected."""
    _, result, seen = run({"script": ""})
    assert types(seen) == ["amd_no_speech_detected"]
    (event,) = result.trace.filter("amd")
    answered = next(e.t for e in result.trace.filter("status") if e["status"] == "in-progress"
                    and e.sid != result.root.sid)  # fmt: skip
    assert event.t - answered == pytest.approx(5.0)


def test_no_decision_within_the_decision_timeout():
    """timers.decisionTimeoutMs: without a decision by then, amd_decision_timeout."""
    _, _, seen = run({"script": "say: Hello, this is Sam"}, {"timers": {"decisionTimeoutMs": 800}})
    assert types(seen) == ["amd_decision_timeout"]


def test_a_voicemail_hint_decides_at_once():
    """Voicemail phrases (VMD_HINTS_FILE, by language): a hint heard is
    amd_machine_detected with reason "hint" and the hint."""
    carrier = telenb.Carrier(seed=4)
    jambonz_application(carrier).voicemail_hints = {"en-US": ["leave a message"]}
    carrier.phone(AGENT, behaviour="voicemail", greeting="Please leave a message")
    seen: dict[str, list] = {"amd": [], "dialed": []}
    carrier.app(APP, jambonz=dialer(seen, {}), url="/call")
    carrier.call(APP, caller="wait: 30s")
    assert seen["amd"][0]["reason"] == "hint" and seen["amd"][0]["hint"] == "leave a message"


def test_verbs_in_the_answer_to_an_event_end_the_dial_and_replace_the_application():
    """performHook: verbs returned from amd.actionHook replace the application; the dial
    is over (its actionHook is not called) and the caller hears the new verbs."""

    def hang_up_on_machines(event):
        if event["type"] == "amd_machine_detected":
            return [{"verb": "say", "text": "Nobody is home."}, {"verb": "hangup"}]
        return None

    _, result, seen = run({"behaviour": "voicemail"}, on_event=hang_up_on_machines)
    assert types(seen) == ["amd_machine_detected"]
    assert seen["dialed"] == []
    assert result.trace.said()[-1] == "Nobody is home."
    assert "after the dial" not in result.trace.said()


def test_config_amd_on_a_placed_call_takes_it_over_and_keeps_listening():
    """config with amd ("Answering machine detection on inbound calls"; jambonz's example
    dialer configures amd first on the call it placed): events go to amd.actionHook while
    the app runs; verbs in an answer take the call over, and a machine's later events
    (tone, stopped speaking) still come."""
    from telenb.providers.jambonz.sim.app import jambonz_flow

    carrier = telenb.Carrier(seed=4)
    carrier.phone(AGENT, behaviour="voicemail")
    events: list[str] = []

    def on_amd(req):
        events.append(req["type"])
        if req["type"] == "amd_machine_detected":
            return [{"verb": "say", "text": "hi machine"}, {"verb": "pause", "length": 20}]
        if req["type"] == "amd_machine_stopped_speaking":
            return [{"verb": "say", "text": "Please call us back."}, {"verb": "hangup"}]
        return "", 204

    routes = {
        "/dialer": [
            {"verb": "config", "amd": {"actionHook": "/amd"}},
            {"verb": "pause", "length": 0.75},
            {"verb": "say", "text": "Hi there. I do not yet know if you are a person. " * 4},
        ],
        "/amd": on_amd,
    }
    flow = jambonz_flow(routes, carrier=carrier, number=APP, url="/dialer")
    result = carrier.call(AGENT, flow=flow, from_=APP)
    assert events == [
        "amd_machine_detected", "amd_tone_detected", "amd_machine_stopped_speaking",
    ]  # fmt: skip
    said = result.trace.said()
    assert said[-2:] == ["hi machine", "Please call us back."]
    assert result.root.status == "completed"

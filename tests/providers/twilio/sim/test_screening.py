"""<Number url>: a screened agent transfer, written as a Flask app the way Twilio's call
screening guides do it (the agent hears who is calling and presses 1 to accept)."""

from flask import Flask, request
from twilio.twiml.voice_response import Gather, VoiceResponse

from ...helpers import AGENT, events, run_twiml, warnings


def screened_transfer_app(seen: list) -> Flask:
    app = Flask("screening")

    @app.post("/voice")
    def voice():
        r = VoiceResponse()
        r.say("Connecting you to an agent.")
        dial = r.dial(action="/after", timeout=20)
        dial.number(AGENT, url="/screen")
        return str(r)

    @app.post("/screen")
    def screen():
        seen.append(("screen", dict(request.form)))
        r = VoiceResponse()
        g = Gather(num_digits=1, action="/accept", timeout=5)
        g.say(f"Call from {request.form['From']}. Press 1 to accept.")
        r.append(g)
        r.say("You did not accept. Goodbye.")
        r.hangup()
        return str(r)

    @app.post("/accept")
    def accept():
        seen.append(("accept", dict(request.form)))
        r = VoiceResponse()
        if request.form.get("Digits") == "1":
            r.say("Connecting.")
        else:
            r.hangup()
        return str(r)

    @app.post("/after")
    def after():
        seen.append(("after", dict(request.form)))
        r = VoiceResponse()
        if request.form["DialBridged"] == "false":
            r.say("Nobody could take your call. Leave a message.")
        r.hangup()
        return str(r)

    return app


def _run(agent_script: str, caller: str = "say: Hello?; wait: 5s; hangup"):
    seen: list = []
    r = run_twiml(
        screened_transfer_app(seen),
        caller,
        url="/voice",
        setup=lambda c: c.phone(AGENT, script=agent_script, ring=2),
    )
    return r, seen


def test_the_agent_presses_1_and_is_connected_after_hearing_the_whisper():
    r, seen = _run("press: 1; say: Hi, how can I help?; wait: 3s")
    caller, agent = r.legs[0], r.legs[1]
    kinds = [k for k, _ in seen]
    assert kinds[:2] == ["screen", "accept"]
    screen = seen[0][1]
    # the screening request is about the callee's leg, a child of the caller's
    assert screen["CallSid"] == agent.sid and screen["ParentCallSid"] == caller.sid
    assert screen["Direction"] == "outbound-dial" and screen["To"] == AGENT
    assert seen[1][1]["Digits"] == "1"
    # the agent heard the whisper, the caller did not
    agent_says = [e["text"] for e in events(r, "say") if e.sid == agent.sid]
    assert agent_says[0].startswith("Call from") and "Connecting." in agent_says
    caller_says = [e["text"] for e in events(r, "say") if e.sid == caller.sid]
    assert not any(t.startswith("Call from") for t in caller_says)
    # the bridge came after the screening ended, and the caller heard the agent
    [bridge] = [e for e in events(r, "bridge") if e.sid == caller.sid]
    accept_at = next(e.t for e in events(r, "webhook") if e["url"].endswith("/accept"))
    assert bridge.t > accept_at
    [spoke] = [e for e in events(r, "speech") if e.sid == agent.sid]
    assert spoke["text"] == "Hi, how can I help?" and spoke.t >= bridge.t
    after = dict(seen)["after"]
    assert after["DialCallStatus"] == "completed" and after["DialBridged"] == "true"
    assert after["DialCallSid"] == agent.sid
    assert not [w for w in warnings(r) if "url" in w[1]]


def test_the_agent_declines_and_the_caller_goes_on_after_the_dial():
    r, seen = _run("press: 2")
    caller, agent = r.legs[0], r.legs[1]
    assert [k for k, _ in seen] == ["screen", "accept", "after"]
    after = seen[2][1]
    assert after["CallSid"] == caller.sid
    assert after["DialCallStatus"] == "completed" and after["DialBridged"] == "false"
    assert after["DialCallSid"] == agent.sid
    assert not [e for e in events(r, "bridge")]
    assert agent.status == "completed" and agent.end_reason == "flow"
    assert "Nobody could take your call. Leave a message." in r.said()


def test_the_agent_lets_the_whisper_time_out_and_is_hung_up():
    r, seen = _run("silence")
    assert [k for k, _ in seen] == ["screen", "after"]
    assert seen[1][1]["DialBridged"] == "false"
    agent = r.legs[1]
    assert [e["text"] for e in events(r, "say") if e.sid == agent.sid][-1] == (
        "You did not accept. Goodbye."
    )


def test_the_caller_hangs_up_during_the_screening_and_the_agent_is_released():
    r, _seen = _run("wait: 30s", caller="wait: 6s; hangup")
    agent = r.legs[1]
    assert agent.ended and agent.cause == "the caller hung up during screening"
    assert r.status == "completed"


def test_client_url_screens_too_and_a_dial_in_the_screening_twiml_is_skipped():
    src = {
        "/": '<Response><Dial><Client url="/w">alice</Client></Dial></Response>',
        "/w": "<Response><Say>Whisper.</Say><Dial>+15550111</Dial></Response>",
    }
    r = run_twiml(src, "wait: 8s; hangup", setup=lambda c: c.phone("client:alice", ring=1))
    alice = r.legs[1]
    assert [e["text"] for e in events(r, "say") if e.sid == alice.sid] == ["Whisper."]
    assert any(code == 12200 and "<Dial>" in msg for code, msg in warnings(r))
    assert [e for e in events(r, "bridge") if e.sid == r.legs[0].sid]

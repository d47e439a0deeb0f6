"""WebAPI verbs that reach beyond the caller: transfer to another number on the simulator,
message (SMS), text sessions, token-launched outbound sessions with parameters, record,
conference, reject and redirect."""

from __future__ import annotations

import pytest

import telenb
from telenb.errors import ConfigurationError
from telenb.providers.tropo import start_session

from .helpers import AGENT, APP, ORIGIN, errors, posts, run_app
from .webapi_style import Result, Session, Tropo


def transfer_app(request):
    t = Tropo()
    if request.path == "/after":
        r = Result(request.body)
        t.say(f"Transfer {r.actions[0]['disposition'].lower()}.")
        return t.RenderJson()
    t.say("Connecting you.")
    t.transfer(AGENT, name="agent", timeout=20, _from="+15550100",
               on={"event": "ring", "say": {"value": "http://example.com/ring.wav"}})  # fmt: skip
    t.say("Back with the app.")
    t.on("continue", next="/after")
    t.on("incomplete", next="/after")
    return t.RenderJson()


def test_transfer_to_another_number_on_the_simulator():
    def agent(carrier):
        carrier.phone(AGENT, script="say: sales here; wait: 2s; hangup")

    result = run_app(transfer_app, "wait: 10s", setup=agent)
    assert result.said() == ["Connecting you.", "Back with the app.", "Transfer success."]
    callee = result.legs[1]
    assert (callee.to, callee.from_, callee.status) == (AGENT, APP, "completed")
    assert ("callee", "sales here") in [(e["by"], e["text"]) for e in result.trace.filter("speech")]
    assert result.trace.filter("play")[0]["url"] == "http://example.com/ring.wav"  # on ring
    action = posts(result.trace)[1][1]["result"]["actions"]
    assert action["name"] == "agent" and action["disposition"] == "SUCCESS"
    assert action["duration"] == int(callee.duration)


@pytest.mark.parametrize(("behaviour", "disposition"), [("busy", "busy"), ("no-answer", "timeout")])
def test_a_failed_transfer_is_incomplete(behaviour, disposition):
    def agent(carrier):
        carrier.phone(AGENT, behaviour=behaviour)

    result = run_app(transfer_app, "wait: 40s", setup=agent)
    # required: the say after the transfer does not run; incomplete goes to /after
    assert result.said() == ["Connecting you.", f"Transfer {disposition}."]


def test_message_sends_an_sms_during_a_call():
    def app(request):
        t = Tropo()
        t.message("Your code is 4711", to=["+15550177", "tel:+15550188"], network="SMS")
        t.say("I texted you the code.")
        return t.RenderJson()

    result = run_app(app)
    assert result.said() == ["I texted you the code."]
    assert [(m.to, m.from_, m.body) for m in result.messages] == [
        ("+15550177", APP, "Your code is 4711"),
        ("+15550188", APP, "Your code is 4711"),
    ]


def test_a_text_starts_a_text_session_whose_initial_text_answers_the_first_ask():
    def app(request):
        t = Tropo()
        if request.path == "/answer":
            r = Result(request.body)
            t.say(f"Booked for {r.getValue()}." if r.actions[0]["disposition"] == "SUCCESS"
                  else "Reply with a weekday.")  # fmt: skip
            return t.RenderJson()
        s = Session(request.body)
        seen.append((s.to["channel"], s.to["network"], s.fromaddress["id"], s.initialText))
        t.ask("monday, tuesday", name="day", say="Which day?")
        t.on("continue", next="/answer")
        t.on("incomplete", next="/answer")
        return t.RenderJson()

    seen = []
    carrier = telenb.Carrier(seed=4)
    carrier.app(APP, tropo_webapi=app)
    thread = carrier.text(APP, "monday", from_="+15550166")
    assert [m.body for m in thread.messages] == ["monday", "Booked for monday."]
    posted = posts(carrier.trace)[1][1]["result"]
    assert posted["actions"]["value"] == "monday" and posted["actions"]["name"] == "day"
    thread = carrier.text(APP, "someday", from_="+15550166")
    assert thread.messages[-1].body == "Reply with a weekday."
    assert seen == [("TEXT", "SMS", "5550166", "monday"), ("TEXT", "SMS", "5550166", "someday")]


def outbound_app(request):
    s = Session(request.body)
    t = Tropo()
    p = s.parameters
    t.call(p["numberToDial"], _from="+15550100", timeout=20)
    t.say(f"Hello {p['customerName']}, your table is ready.")
    t.on("incomplete", next="/missed")
    return t.RenderJson()


def test_start_session_with_a_token_and_parameters_calls_out():
    carrier = telenb.Carrier(seed=5)
    carrier.phone(AGENT, script="wait: 6s; hangup")
    app = carrier.app(APP, tropo_webapi=outbound_app, token="a1b2c3").target
    assert app.token == "a1b2c3"
    result = start_session(carrier, "a1b2c3", numberToDial=AGENT, customerName="Ada")
    [(url, posted)] = posts(carrier.trace)
    s = posted["session"]
    assert url == ORIGIN + "/" and (s["userType"], s["callId"]) == ("NONE", None)
    assert s["parameters"] == {"token": "a1b2c3", "action": "create", "numberToDial": AGENT,
                               "customerName": "Ada"}  # fmt: skip
    assert "to" not in s and "from" not in s
    [leg] = result.legs
    assert (leg.to, leg.from_, leg.direction, leg.status) == (
        AGENT, APP, "outbound-api", "completed",
    )  # fmt: skip
    assert result.said() == ["Hello Ada, your table is ready."]


def test_an_outbound_call_nobody_answers_is_incomplete():
    carrier = telenb.Carrier(seed=5)
    carrier.phone(AGENT, behaviour="no-answer")
    token = carrier.app(APP, tropo_webapi=outbound_app).target.token
    assert len(token) == 88  # Tropo's tokens were 88 hex digits; made from the seed here
    start_session(carrier, token, numberToDial=AGENT, customerName="Ada")
    url, posted = posts(carrier.trace)[1]
    assert url == ORIGIN + "/missed"
    assert posted["result"]["actions"]["disposition"] == "TIMEOUT"
    with pytest.raises(ConfigurationError, match="no Tropo WebAPI app has the token"):
        start_session(carrier, "wrong-token-123")


def test_call_on_the_sms_network_opens_a_text_conversation():
    def app(request):
        t = Tropo()
        t.call("+15550177", network="SMS")
        t.say("Your order has shipped.")
        return t.RenderJson()

    carrier = telenb.Carrier(seed=6)
    token = carrier.app(APP, tropo_webapi=app).target.token
    start_session(carrier, token)
    assert [(m.to, m.from_, m.body) for m in carrier.messages] == [
        ("+15550177", APP, "Your order has shipped.")
    ]


def test_record_posts_the_recording_and_conference_hangs_up():
    def app(request):
        t = Tropo()
        if request.path == "/recorded":
            r = Result(request.body)
            t.say("Thanks." if r.actions[0]["disposition"] == "SUCCESS" else "Nothing recorded.")
            t.conference("room-1", name="room", terminator="*")
            return t.RenderJson()
        t.record(name="voicemail", say="Leave a message after the beep.", maxTime=20,
                 choices={"terminator": "#"})  # fmt: skip
        t.on("continue", next="/recorded")
        return t.RenderJson()

    result = run_app(app, "wait: 3s; say: call me back; wait: 1s; press: #; wait: 5s; hangup")
    assert result.trace.filter("record")[0]["prompt"] == "Leave a message after the beep."
    assert result.said() == ["Thanks."]
    [rec] = result.recordings
    action = posts(result.trace)[1][1]["result"]["actions"]
    assert action["name"] == "voicemail" and action["disposition"] == "SUCCESS"
    assert action["value"] == rec.url and rec.text == "call me back"
    assert result.trace.filter("conference")
    assert not errors(result.trace)


def test_reject_and_redirect_before_answer():
    def rejecting(request):
        return {"tropo": [{"reject": None}]}

    assert run_app(rejecting).status in ("busy", "no-answer")

    def redirecting(request):
        return {"tropo": [{"redirect": {"to": AGENT, "name": "desk"}}]}

    def desk(carrier):
        carrier.phone(AGENT, script="say: front desk; hangup")

    result = run_app(redirecting, "wait: 5s", setup=desk)
    assert result.trace.filter("redirect")[0]["to"] == AGENT

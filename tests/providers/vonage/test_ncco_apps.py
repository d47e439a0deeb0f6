"""Vonage Voice API apps in the style of Vonage's quick-starts, run unmodified on the
simulated carrier: answer_url, event_url lifecycle, input, record, connect, conversation."""

import pytest
from flask import Flask, jsonify, request

import telenb
from telenb.providers.vonage import vonage_application
from telenb.sim.media import speech_duration

from .helpers import AGENT, APP, ORIGIN, body, events, requests, statuses, warnings


def voice_app(**routes) -> Flask:
    """A Flask app with /webhooks/answer (GET), /webhooks/events and the given POST routes."""
    app = Flask("vonage-test")
    app.received = []  # (path, JSON body or query)

    @app.route("/webhooks/events", methods=["POST", "GET"])
    def events_hook():
        app.received.append(("/webhooks/events", body(request)))
        return "", 204

    for path, handler in routes.items():
        app.add_url_rule(path, path, handler, methods=["GET", "POST"])
    return app


def call(app, caller="", *, seed=1, setup=None, **options):
    carrier = telenb.Carrier(seed=seed)
    if setup is not None:
        setup(carrier)
    options.setdefault("url", "/webhooks/answer")
    options.setdefault("event_url", "/webhooks/events")
    carrier.app(APP, ncco=app, **options)
    return carrier.call(APP, caller=caller)


# -- answer a call with talk ----------------------------------------------------------------------
def test_answer_a_call_with_talk_gets_the_documented_get_parameters():
    seen = []

    def answer():
        seen.append(dict(request.args))
        caller = "-".join(request.args["from"])
        return jsonify([{"action": "talk", "text": f"Thank you for calling from {caller}"}])

    r = call(voice_app(**{"/webhooks/answer": answer}))
    [args] = seen
    assert set(args) == {"from", "to", "uuid", "conversation_uuid"}
    assert args["from"] == "15550199" and args["to"] == "15550100"  # E.164 digits, no plus
    assert args["conversation_uuid"].startswith("CON-")
    assert r.said() == ["Thank you for calling from 1-5-5-5-0-1-9-9"]
    assert r.status == "completed"


def test_event_url_gets_the_lifecycle_in_order_with_the_documented_fields():
    answer = lambda: jsonify([{"action": "talk", "text": "Goodbye."}])  # noqa: E731
    r = call(voice_app(**{"/webhooks/answer": answer}))
    evs = events(r)
    assert [e["status"] for e in evs] == ["started", "ringing", "answered", "completed"]
    uuids = {e["uuid"] for e in evs}
    assert len(uuids) == 1 and all(e["direction"] == "inbound" for e in evs)
    order = requests(r)
    assert order.index(("GET", f"{ORIGIN}/webhooks/answer")) == 2  # after ringing, before answered
    completed = evs[-1]
    assert completed["duration"] == str(round(speech_duration("Goodbye.")))
    assert completed["start_time"] == "2025-01-01T00:00:00.000Z"
    assert completed["end_time"] == completed["timestamp"]
    assert {"rate", "price", "network"} <= set(completed)


def test_answer_method_post_sends_json():
    seen = []

    def answer():
        seen.append((request.method, request.content_type, request.get_json()))
        return jsonify([{"action": "talk", "text": "Posted."}])

    r = call(voice_app(**{"/webhooks/answer": answer}), method="POST")
    [(method, ctype, data)] = seen
    assert method == "POST" and ctype == "application/json"
    assert data["to"] == "15550100" and data["uuid"]
    assert r.said() == ["Posted."]


# -- IVR: input dtmf, then the eventUrl answers with a new NCCO ----------------------------------
def ivr_app() -> Flask:
    def answer():
        return jsonify(
            [
                {"action": "talk", "text": "Hello, please press any key to continue."},
                {
                    "action": "input",
                    "type": ["dtmf"],
                    "dtmf": {"timeOut": 5, "maxDigits": 1},
                    "eventUrl": [request.url_root + "webhooks/dtmf"],
                },
                {"action": "talk", "text": "Never heard: the input answer replaces me."},
            ]
        )

    def dtmf():
        data = request.get_json()
        app.received.append(("/webhooks/dtmf", data))
        return jsonify([{"action": "talk", "text": f"You pressed {data['dtmf']['digits']}"}])

    app = voice_app(**{"/webhooks/answer": answer, "/webhooks/dtmf": dtmf})
    return app


def test_ivr_input_dtmf_then_the_event_answer_replaces_the_ncco():
    app = ivr_app()
    r = call(app, "press: 2")
    assert r.said() == ["Hello, please press any key to continue.", "You pressed 2"]
    [data] = [d for p, d in app.received if p == "/webhooks/dtmf"]
    assert data["dtmf"] == {"digits": "2", "timed_out": False}
    assert data["speech"] == {"results": []}
    assert data["uuid"] == events(r)[0]["uuid"] and data["timestamp"].endswith("Z")
    assert statuses(r) == ["started", "ringing", "answered", "completed"]


def test_input_without_keys_times_out_and_still_asks_the_event_url():
    app = ivr_app()
    r = call(app, "silence")
    [data] = [d for p, d in app.received if p == "/webhooks/dtmf"]
    assert data["dtmf"] == {"digits": "", "timed_out": True}
    assert r.said()[-1] == "You pressed "
    talk_end = speech_duration("Hello, please press any key to continue.")
    [timeout] = r.trace.filter("timeout")
    assert timeout.t == pytest.approx(talk_end + 5)  # dtmf.timeOut 5


def test_submit_on_hash_and_max_digits_default_of_four():
    seen = []
    ncco = [
        {
            "action": "input",
            "type": ["dtmf"],
            "dtmf": {"submitOnHash": True, "timeOut": 10},
            "eventUrl": [f"{ORIGIN}/pin"],
        }
    ]

    def pin(req):
        seen.append(req["dtmf"])
        return [{"action": "talk", "text": "ok"}]

    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/pin": pin})
    carrier.call(APP, caller="press: 12#")
    carrier.call(APP, caller="press: 123456")
    assert seen == [{"digits": "12", "timed_out": False}, {"digits": "1234", "timed_out": False}]


def test_barge_in_talk_is_cut_short_by_the_key():
    ncco = [
        {"action": "talk", "text": "For sales press 1, for support press 2.", "bargeIn": True},
        {
            "action": "input",
            "type": ["dtmf"],
            "dtmf": {"maxDigits": 1},
            "eventUrl": [f"{ORIGIN}/m"],
        },
    ]
    got = []
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/m": lambda req: got.append(req["dtmf"]["digits"])})
    r = carrier.call(APP, caller="press: 2 [at 0.5s]")
    assert got == ["2"]
    assert list(r.trace.filter("bargein"))


# -- speech input ---------------------------------------------------------------------------------
def test_speech_input_sends_results_with_confidence():
    def answer():
        return jsonify(
            [
                {"action": "talk", "text": "Please say something"},
                {
                    "action": "input",
                    "type": ["speech"],
                    "speech": {"endOnSilence": 1, "language": "en-US", "context": ["sales"]},
                    "eventUrl": [request.url_root + "webhooks/asr"],
                },
            ]
        )

    def asr():
        data = request.get_json()
        app.received.append(("/webhooks/asr", data))
        if data and data["speech"]["results"]:
            return jsonify(
                [
                    {
                        "action": "talk",
                        "text": f"Hello, you said {data['speech']['results'][0]['text']}",
                    }
                ]
            )
        return jsonify([{"action": "talk", "text": "Sorry, I didn't understand your input."}])

    app = voice_app(**{"/webhooks/answer": answer, "/webhooks/asr": asr})
    r = call(app, "say: sales @0.94")
    [data] = [d for p, d in app.received if p == "/webhooks/asr"]
    assert data["speech"]["results"] == [{"confidence": "0.94", "text": "sales"}]
    assert data["speech"]["timeout_reason"] == "end_on_silence_timeout"
    assert data["dtmf"] == {"digits": None, "timed_out": False}
    assert r.said()[-1] == "Hello, you said sales"
    app.received.clear()
    r = call(app, "silence")
    [data] = [d for p, d in app.received if p == "/webhooks/asr"]
    assert data["speech"] == {"timeout_reason": "start_timeout", "results": []}
    assert r.said()[-1] == "Sorry, I didn't understand your input."


# -- record a message -----------------------------------------------------------------------------
def record_app() -> Flask:
    def answer():
        return jsonify(
            [
                {"action": "talk", "text": "Please leave a message after the tone, then press #."},
                {
                    "action": "record",
                    "endOnSilence": 3,
                    "endOnKey": "#",
                    "beepStart": True,
                    "eventUrl": [request.url_root + "webhooks/recordings"],
                },
                {"action": "talk", "text": "Thank you for your message. Goodbye."},
            ]
        )

    def recordings():
        app.received.append(("/webhooks/recordings", request.get_json()))
        return jsonify({"message": "webhook received"})

    app = voice_app(**{"/webhooks/answer": answer, "/webhooks/recordings": recordings})
    return app


def test_record_a_message_sends_the_record_event_and_goes_on():
    app = record_app()
    r = call(app, "say: please call me back; press: #")
    [data] = [d for p, d in app.received if p == "/webhooks/recordings"]
    assert set(data) == {
        "start_time", "recording_url", "size", "recording_uuid", "end_time",
        "conversation_uuid", "timestamp",
    }  # fmt: skip
    assert data["recording_url"].startswith("https://api.nexmo.com/v1/files/")
    assert data["conversation_uuid"] == events(r)[0]["conversation_uuid"]
    [rec] = r.recordings
    assert rec.text == "please call me back"
    assert data["size"] == round(rec.duration * 4000)  # mp3 by default
    assert r.said()[-1] == "Thank you for your message. Goodbye."


def test_record_ends_on_silence():
    app = record_app()
    r = call(app, "say: call me")
    [rec] = r.recordings
    # the caller starts 0.5 s after the beep; 3 s of silence (endOnSilence) end it
    assert rec.duration == pytest.approx(0.5 + speech_duration("call me") + 3)
    assert r.said()[-1] == "Thank you for your message. Goodbye."


def test_record_without_a_condition_records_the_rest_of_the_call():
    ncco = [
        {"action": "record", "eventUrl": [f"{ORIGIN}/rec"]},
        {"action": "talk", "text": "This call is recorded."},
    ]
    got = []
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/rec": lambda req: got.append(dict(req))})
    r = carrier.call(APP, caller="")
    [data] = got
    [rec] = r.recordings
    assert rec.source == "call" and data["recording_url"]
    assert r.said() == ["This call is recorded."]


# -- connect to another number --------------------------------------------------------------------
def connect_app(**action) -> Flask:
    def answer():
        return jsonify(
            [
                {"action": "talk", "text": "Please wait while we connect you."},
                {
                    "action": "connect",
                    "from": "15550100",
                    "endpoint": [{"type": "phone", "number": "15550123"}],
                    **action,
                },
                {"action": "talk", "text": "The call has ended."},
            ]
        )

    return voice_app(**{"/webhooks/answer": answer})


def test_connect_places_a_leg_whose_events_reach_the_event_url():
    r = call(connect_app(), "wait: 8s; hangup",
             setup=lambda c: c.phone(AGENT, script="say: hello, agent speaking"))  # fmt: skip
    evs = events(r)
    caller_uuid = evs[0]["uuid"]
    callee = [e for e in evs if e["uuid"] != caller_uuid]
    assert [e["status"] for e in callee] == ["started", "ringing", "answered", "completed"]
    assert callee[0]["to"] == "15550123" and callee[0]["from"] == "15550100"
    assert callee[0]["direction"] == "outbound"
    assert {e["conversation_uuid"] for e in evs} == {evs[0]["conversation_uuid"]}
    assert r.carrier.legs[-1].to == AGENT and r.carrier.legs[-1].parent is r.leg


def test_connect_to_a_busy_number_goes_on_with_the_next_action():
    r = call(connect_app(), setup=lambda c: c.phone(AGENT, behaviour="busy"))
    evs = events(r)
    callee = [e["status"] for e in evs if e["uuid"] != evs[0]["uuid"]]
    assert callee == ["started", "busy"]
    assert r.said()[-1] == "The call has ended."


def test_synchronous_connect_failure_event_can_answer_with_an_ncco():
    def fallback():
        data = request.get_json()
        app.received.append(("/fallback", data))
        return jsonify([{"action": "talk", "text": "Nobody answered; leave a message."}])

    base = connect_app(eventType="synchronous", timeout=5, eventUrl=[f"{ORIGIN}/fallback"])
    app = base
    app.add_url_rule("/fallback", "fallback", fallback, methods=["POST"])
    r = call(app, setup=lambda c: c.phone(AGENT, behaviour="no-answer"))
    timeouts = [d for p, d in app.received if p == "/fallback" and d["status"] == "timeout"]
    assert len(timeouts) == 1 and timeouts[0]["to"] == "15550123"
    assert r.said()[-1] == "Nobody answered; leave a message."


def test_connect_to_a_websocket_fails_with_an_error_event():
    ncco = [
        {"action": "connect", "endpoint": [{"type": "websocket", "uri": "wss://bot.test/ws",
                                           "content-type": "audio/l16;rate=16000"}]},
        {"action": "talk", "text": "Could not reach the bot."},
    ]  # fmt: skip
    got = []
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/events": lambda req: got.append(dict(req))},
                event_url="/events")  # fmt: skip
    r = carrier.call(APP, caller="")
    [err] = [e for e in got if "reason" in e]
    assert "WebSocket endpoint" in err["reason"] and err["conversation_uuid"].startswith("CON-")
    assert r.said() == ["Could not reach the bot."]


# -- conversation (conference) --------------------------------------------------------------------
def test_conversation_joins_callers_in_one_room():
    def answer():
        return jsonify(
            [
                {"action": "talk", "text": "Welcome to the conference."},
                {"action": "conversation", "name": "standup", "endOnExit": False},
            ]
        )

    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=voice_app(**{"/webhooks/answer": answer}), url="/webhooks/answer",
                event_url="/webhooks/events")  # fmt: skip
    a = carrier.call(APP, caller="wait: 6s; hangup", run=False)
    b = carrier.call(APP, caller="wait: 4s; hangup", from_="+15550142", run=False)
    carrier.run()
    joins = [e for e in carrier.trace.filter("conference") if e.get("action") == "join"]
    assert {e.sid for e in joins} == {a.sid, b.sid}


# -- notify ---------------------------------------------------------------------------------------
def test_notify_posts_the_payload_and_its_answer_replaces_the_ncco():
    got = []

    def notification(req):
        got.append(dict(req))
        return [{"action": "talk", "text": "Your notification has been received."}]

    ncco = [
        {"action": "talk", "text": "Thanks for calling the notification line."},
        {"action": "notify", "payload": {"foo": "bar"}, "eventUrl": [f"{ORIGIN}/notify"]},
        {"action": "talk", "text": "You will never hear me."},
    ]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/notify": notification})
    r = carrier.call(APP, caller="")
    assert got == [{"foo": "bar"}]
    assert r.said() == [
        "Thanks for calling the notification line.",
        "Your notification has been received.",
    ]


def test_notify_with_an_empty_answer_goes_on():
    ncco = [
        {"action": "notify", "payload": {"step": 1}, "eventUrl": [f"{ORIGIN}/notify"]},
        {"action": "talk", "text": "Still here."},
    ]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/notify": lambda req: None})
    assert carrier.call(APP, caller="").said() == ["Still here."]


def test_the_application_credentials_are_masked():
    carrier = telenb.Carrier(seed=1)
    vapp = vonage_application(carrier, signature_secret="topsecretvalue")
    assert "topsecretvalue" not in repr(vapp)


# -- stream, loop and wait ------------------------------------------------------------------------
def test_stream_loop_zero_plays_until_the_caller_hangs_up():
    ncco = [{"action": "stream", "streamUrl": ["https://cdn.test/hold.mp3"], "loop": 0}]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=ncco)
    r = carrier.call(APP, caller="wait: 20s; hangup")
    [play] = r.trace.filter("play")
    assert play["url"] == "https://cdn.test/hold.mp3" and play["loop"] == 1000
    assert r.leg.duration == pytest.approx(20.0)


def test_wait_pauses_between_talks():
    ncco = [
        {"action": "talk", "text": "One."},
        {"action": "wait", "timeout": 2},
        {"action": "talk", "text": "Two."},
    ]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=ncco)
    r = carrier.call(APP, caller="")
    one, two = r.trace.filter("say")
    assert two.t - one.t == pytest.approx(speech_duration("One.") + 2)


def test_hanging_up_during_input_sends_no_input_event():
    app = ivr_app()
    r = call(app, "hangup")
    assert [p for p, _d in app.received if p == "/webhooks/dtmf"] == []
    assert statuses(r)[-1] == "completed"


def test_when_the_callee_hangs_up_the_caller_goes_on_with_the_ncco():
    agent = lambda c: c.phone(AGENT, script="say: hello; hangup")  # noqa: E731
    r = call(connect_app(), setup=agent)
    assert r.said()[-1] == "The call has ended."
    assert r.status == "completed"


def test_connect_to_a_sip_endpoint_the_carrier_knows():
    ncco = [
        {"action": "connect", "endpoint": [{"type": "sip", "uri": "sip:alice@pbx.example.com"}]},
        {"action": "talk", "text": "After the SIP call."},
    ]
    carrier = telenb.Carrier(seed=1)
    carrier.phone("sip:alice@pbx.example.com", script="say: alice here; hangup")
    carrier.app(APP, ncco=ncco)
    r = carrier.call(APP, caller="")
    callee = carrier.legs[-1]
    assert callee.to == "sip:alice@pbx.example.com" and callee.answered
    assert r.said()[-1] == "After the SIP call."


def test_connect_options_telenb_does_not_simulate_are_named():
    ncco = [{"action": "connect", "machineDetection": "hangup",
             "endpoint": [{"type": "phone", "number": "15550123"}]}]  # fmt: skip
    carrier = telenb.Carrier(seed=1)
    carrier.phone(AGENT, script="hangup")
    carrier.app(APP, ncco=ncco)
    r = carrier.call(APP, caller="")
    assert "[0].machineDetection: telenb does not simulate it; ignored" in warnings(r)


def test_conversation_mute_and_end_on_exit():
    def answer(req):
        moderator = req["from"] == "15550142"
        return [
            {
                "action": "conversation",
                "name": "townhall",
                "mute": not moderator,
                "endOnExit": moderator,
            }
        ]

    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=answer)
    listener = carrier.call(APP, caller="say: can you hear me", run=False)
    carrier.call(APP, caller="wait: 3s; hangup", from_="+15550142", run=False)
    carrier.run()
    joins = {e.sid: e["muted"] for e in carrier.trace.filter("conference") if e["action"] == "join"}
    assert joins[listener.sid] is True
    assert [e["text"] for e in carrier.trace.filter("muted")] == ["can you hear me"]
    leave = [e for e in carrier.trace.filter("conference", listener.sid) if e["action"] == "leave"]
    assert leave[0]["why"] == "the conference ended"  # the moderator left: endOnExit

"""Tropo WebAPI apps answer calls on the simulator over every transport: a Flask app, a plain
callable, an ASGI app and a real server on 127.0.0.1; ask with choices, the bad-choice and
timeout paths, and Tropo's rules for `on` events."""

from __future__ import annotations

import json

import pytest

import telenb
from telenb.sim.parties import Caller

from .helpers import APP, ORIGIN, errors, posts, run_app
from .webapi_style import Result, Session, Tropo

flask = pytest.importorskip("flask")  # a test dependency of the project


def color_app():
    """A WebAPI app as the tropo-webapi-python samples were written (Flask this time)."""
    app = flask.Flask("colors")

    @app.route("/index.json", methods=["POST"])
    def index():
        s = Session(flask.request.data)
        t = Tropo()
        t.say(f"Welcome, caller {s.fromaddress['id']}.", voice="Kate")
        t.ask(
            "red(red, 1), blue(blue, 2)",
            name="color",
            attempts=2,
            timeout=5,
            voice="Kate",
            say=[
                {"value": "Sorry, I did not hear you.", "event": "timeout"},
                {"value": "That is not a color I know.", "event": "nomatch:1"},
                {"value": "Red or blue?"},
            ],
        )
        t.on("continue", next="/continue.json")
        t.on("incomplete", next="/incomplete.json")
        return t.RenderJson()

    @app.route("/continue.json", methods=["POST"])
    def chosen():
        r = Result(flask.request.data)
        t = Tropo()
        t.say(f"You said {r.getInterpretation()}, which is {r.getValue()}.")
        t.hangup()
        return t.RenderJson()

    @app.route("/incomplete.json", methods=["POST"])
    def incomplete():
        t = Tropo()
        t.say("Goodbye.")
        return t.RenderJson()

    return app


def test_flask_app_asks_with_choices_and_gets_the_result_json():
    result = run_app(color_app(), "say: green; press: 2", url="/index.json")
    assert result.said() == [
        "Welcome, caller 5550199.",
        "Red or blue?",
        "That is not a color I know.",
        "Red or blue?",
        "You said 2, which is blue.",
    ]
    assert [e["voice"] for e in result.trace.filter("say")][:2] == ["Kate", "Kate"]
    (url0, session), (url1, posted) = posts(result.trace)
    assert url0 == ORIGIN + "/index.json" and url1 == ORIGIN + "/continue.json"
    s = session["session"]
    assert s["userType"] == "HUMAN" and s["initialText"] is None
    assert s["to"] == {"id": "5550100", "name": "+15550100", "channel": "VOICE", "network": "PSTN"}
    assert s["from"]["id"] == "5550199" and len(s["id"]) == 32 and len(s["callId"]) == 32
    assert s["timestamp"] == "2025-01-01T00:00:00.000Z"
    r = posted["result"]
    assert r["sessionId"] == s["id"] and r["callId"] == s["callId"]
    assert (r["state"], r["sequence"], r["complete"], r["error"]) == ("ANSWERED", 1, True, None)
    assert r["sessionDuration"] == int(result.trace.filter("webhook")[1].t)
    assert r["actions"] == {
        "name": "color", "attempts": 2, "disposition": "SUCCESS", "confidence": 100,
        "interpretation": "2", "utterance": "2", "value": "blue", "concept": "blue",
    }  # fmt: skip
    assert result.status == "completed"


def test_bad_choices_use_up_the_attempts_and_fire_incomplete():
    result = run_app(color_app(), "say: green; say: purple", url="/index.json")
    # nomatch:1 has its own prompt; the second nomatch has none
    assert result.said() == [
        "Welcome, caller 5550199.",
        "Red or blue?",
        "That is not a color I know.",
        "Red or blue?",
        "Goodbye.",
    ]
    url, posted = posts(result.trace)[1]
    assert url == ORIGIN + "/incomplete.json"
    action = posted["result"]["actions"]
    assert action["disposition"] == "NOMATCH" and action["attempts"] == 2
    assert action["utterance"] == "purple" and "value" not in action


def test_silence_plays_the_timeout_prompt():
    result = run_app(color_app(), "silence; press: 1", url="/index.json")
    assert result.said()[2:4] == ["Sorry, I did not hear you.", "Red or blue?"]
    assert result.said()[-1] == "You said 1, which is red."


def test_a_plain_callable_and_a_fixed_document():
    def app(request):
        assert request.path == "/" and request.session["to"]["id"] == "5550100"
        return {"tropo": [{"say": [{"value": "One."}, {"value": "Two."}]}]}

    assert run_app(app).said() == ["One.", "Two."]
    doc = {"tropo": [{"say": {"value": "Fixed."}}, {"hangup": None}]}
    assert run_app(doc).said() == ["Fixed."]
    assert run_app(json.dumps(doc)).said() == ["Fixed."]


def test_an_asgi_app():
    async def app(scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        session = json.loads(body)["session"]
        out = json.dumps({"tropo": [{"say": {"value": "ASGI hears " + session["from"]["id"]}}]})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": out.encode()})

    assert run_app(app).said() == ["ASGI hears 5550199"]


def test_a_server_on_loopback():
    from telenb.providers.webhooks.serving import RunningServer

    server = RunningServer(color_app(), "127.0.0.1", 0, name="tropo-test")
    try:
        host, port = server.address
        result = run_app(f"http://{host}:{port}/index.json", "press: 1")
    finally:
        server.stop()
    assert result.said()[-1] == "You said 1, which is red."
    assert posts(result.trace)[1][0] == f"http://{host}:{port}/continue.json"


def test_continue_is_the_catch_all_and_required_false_goes_on():
    def app(request):
        if request.path == "/next":
            actions = request.result["actions"]
            return {"tropo": [{"say": {"value": f"{len(actions)} results"}}]}
        return {"tropo": [
            {"ask": {"name": "a", "required": False, "choices": {"value": "yes, no"},
                     "say": {"value": "Yes or no?"}}},
            {"ask": {"name": "b", "choices": {"value": "[4 DIGITS]"}, "say": {"value": "PIN?"}}},
            {"on": {"event": "continue", "next": "/next"}},
        ]}  # fmt: skip

    result = run_app(app, "say: maybe; press: 1234")
    assert result.said() == ["Yes or no?", "PIN?", "2 results"]
    actions = posts(result.trace)[1][1]["result"]["actions"]
    assert [(a["name"], a["disposition"]) for a in actions] == [("a", "NOMATCH"), ("b", "SUCCESS")]
    assert actions[1]["value"] == "1234"
    # required (the default): a failed ask ends the document; no incomplete handler -> continue
    result = run_app(app, "say: maybe; say: maybe")
    assert result.said() == ["Yes or no?", "PIN?", "2 results"]
    result = run_app(app, "silence; silence")
    assert [a["disposition"] for a in posts(result.trace)[1][1]["result"]["actions"]] == [
        "TIMEOUT",
        "TIMEOUT",
    ]


def test_an_on_say_plays_then_continue_and_no_continue_hangs_up_firing_hangup():
    def app(request):
        if request.path == "/gone":
            return ""  # Tropo ignores what a hangup handler answers
        return {"tropo": [
            {"ask": {"name": "x", "choices": {"value": "yes"}, "say": {"value": "Say yes."}}},
            {"on": {"event": "incomplete", "say": {"value": "No luck."}}},
            {"on": {"event": "hangup", "next": "/gone"}},
        ]}  # fmt: skip

    result = run_app(app, "say: no")
    assert result.said() == ["Say yes.", "No luck."]
    (_, _), (url, posted) = posts(result.trace)
    assert url == ORIGIN + "/gone" and posted["result"]["state"] == "DISCONNECTED"
    assert posted["result"]["actions"]["disposition"] == "NOMATCH"
    assert result.trace.filter("hangup")[0]["by"] == "flow"


def test_the_caller_hanging_up_posts_to_hangup_and_nothing_more_runs():
    def app(request):
        if request.path == "/hangup":
            return {"tropo": [{"say": {"value": "never heard"}}]}
        return {"tropo": [
            {"ask": {"name": "x", "choices": {"value": "yes"}, "say": {"value": "Say yes."}}},
            {"say": {"value": "not reached"}},
            {"on": {"event": "hangup", "next": "/hangup"}},
        ]}  # fmt: skip

    result = run_app(app, "hangup")
    assert result.said() == ["Say yes."]
    url, posted = posts(result.trace)[1]
    assert url == ORIGIN + "/hangup" and posted["result"]["state"] == "DISCONNECTED"
    assert posted["result"]["actions"]["disposition"] == "HANGUP"
    assert result.trace.filter("ignored")[0]["url"] == ORIGIN + "/hangup"
    assert not errors(result.trace) and result.trace.filter("hangup")[0]["by"] == "caller"


def test_same_seed_same_trace():
    def once():
        carrier = telenb.Carrier(seed=9)
        carrier.app(APP, tropo_webapi=color_app(), url="/index.json")
        return str(carrier.call(APP, caller=Caller("say: blue")).trace)

    assert once() == once()

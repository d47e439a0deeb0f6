"""Where NCCOs come from (callables, loopback servers), signed webhooks (JWT), and what
happens when an answer is not an NCCO or the webhook fails, as on Vonage."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from flask import Flask, jsonify, request

import telenb
from telenb.providers.vonage import is_valid, verify, vonage_application
from telenb.providers.vonage.signing import SignatureError, payload_hash, sign
from telenb.sim.media import speech_duration

from .helpers import APP, ORIGIN, errors, events, requests, warnings

TALK = [{"action": "talk", "text": "Hi from the NCCO."}]


def test_a_callable_gets_the_fields_and_returns_the_ncco():
    seen = []

    def answer(req):
        seen.append(req)
        return [{"action": "talk", "text": f"Call {req['uuid'][:8]} from {req['from']}"}]

    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, ncco=answer, url="/answer")
    r = carrier.call(APP, caller="")
    [req] = seen
    assert req.method == "GET" and req.path == "/answer"
    assert r.said() == [f"Call {req['uuid'][:8]} from 15550199"]


def test_an_inline_ncco_runs_without_any_webhook():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=json.dumps(TALK))
    r = carrier.call(APP, caller="")
    assert r.said() == ["Hi from the NCCO."] and requests(r) == []


def test_an_invalid_inline_ncco_is_refused_at_once():
    carrier = telenb.Carrier(seed=1)
    with pytest.raises(ValueError, match=r"\[0\]\.text: is required"):
        carrier.app(APP, ncco=[{"action": "talk"}])


@pytest.fixture
def loopback():
    """A real HTTP server on 127.0.0.1 serving an NCCO app (and keeping the requests)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status, data=b""):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            parts = urlsplit(self.path)
            seen.append(("GET", parts.path, dict(parse_qsl(parts.query)), dict(self.headers)))
            if parts.path == "/busy":
                return self._reply(503)
            self._reply(200, json.dumps(TALK).encode())

        def do_POST(self):
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(("POST", self.path, json.loads(data or b"{}"), dict(self.headers)))
            self._reply(204)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_a_url_on_this_machine_is_fetched_over_http_with_events_posted_there(loopback):
    base, seen = loopback
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=f"{base}/webhooks/answer", event_url="/webhooks/events")
    r = carrier.call(APP, caller="")
    assert r.said() == ["Hi from the NCCO."]
    answer = [s for s in seen if s[1] == "/webhooks/answer"]
    [(_m, _p, query, headers)] = answer
    assert query["to"] == "15550100" and headers["Authorization"].startswith("Bearer ")
    posted = [body["status"] for m, p, body, _h in seen if p == "/webhooks/events"]
    assert posted == ["started", "ringing", "answered", "completed"]


def test_503_is_tried_twice_then_the_fallback_answer_url(loopback):
    base, seen = loopback
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=f"{base}/busy", fallback_answer_url=f"{base}/fallback")
    r = carrier.call(APP, caller="")
    assert [p for _m, p, _q, _h in seen] == ["/busy", "/busy", "/fallback"]
    fallback = seen[-1][2]
    assert fallback["reason"] == "the app answered HTTP 503" and fallback["to"] == "15550100"
    assert json.loads(fallback["original_request"]) == {"url": f"{base}/busy", "type": "answer"}
    assert r.said() == ["Hi from the NCCO."]


# -- signatures -----------------------------------------------------------------------------------
def test_every_webhook_carries_a_jwt_the_app_verifies_with_pyjwt():
    app = Flask("signed")
    checks = []
    carrier = telenb.Carrier(seed=3)
    secret = vonage_application(
        carrier, signature_secret="s3cret-signature-secret-value-of-32+bytes"
    ).signature_secret

    def check():
        token = request.headers["Authorization"].split()[1]
        claims = jwt.decode(token, secret, algorithms=["HS256"])
        checks.append((request.path, claims, payload_hash(request.get_data())))

    @app.get("/webhooks/answer")
    def answer():
        check()
        return jsonify(TALK)

    @app.post("/webhooks/events")
    def event():
        check()
        assert verify(request.headers, secret, request.get_data())
        return "", 204

    carrier.app(APP, ncco=app, url="/webhooks/answer", event_url="/webhooks/events")
    carrier.call(APP, caller="")
    assert [p for p, _c, _h in checks] == ["/webhooks/events"] * 2 + ["/webhooks/answer"] + [
        "/webhooks/events"
    ] * 2
    vapp = vonage_application(carrier)
    for _path, claims, body_hash in checks:
        assert claims["iss"] == "Vonage" and claims["payload_hash"] == body_hash
        assert claims["api_key"] == vapp.api_key
        assert claims["application_id"] == vapp.application_id
    assert len({c["jti"] for _p, c, _h in checks}) == len(checks)


def test_verify_refuses_a_wrong_secret_a_tampered_body_and_no_header():
    body = b'{"status":"answered"}'
    right, wrong = "r" * 32, "w" * 32
    token = sign(right, body, api_key="k", iat=1735689600, jti="j1")
    assert verify(f"Bearer {token}", right, body)["payload_hash"] == payload_hash(body)
    assert is_valid({"authorization": f"Bearer {token}"}, right, body)
    with pytest.raises(SignatureError, match="not signed with this signature secret"):
        verify(token, wrong)
    with pytest.raises(SignatureError, match="payload_hash"):
        verify(token, right, b'{"status":"completed"}')
    with pytest.raises(SignatureError, match="unsigned"):
        verify({}, right)
    assert not is_valid(f"Bearer {token}x", right)


def test_unsigned_when_signing_is_off():
    seen = []
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": lambda req: seen.append(req.headers) or TALK}, signed=False)
    carrier.call(APP, caller="")
    assert "Authorization" not in seen[0]


# -- failures -------------------------------------------------------------------------------------
def failing_app(answer_body, status=200):
    got = []
    routes = {
        "/": lambda req: (answer_body, status),
        "/events": lambda req: got.append(dict(req)),
    }
    return routes, got


@pytest.mark.parametrize(
    ("answer", "status", "reason"),
    [
        ('[{"action": "talk"}]', 200, "[0].text: is required"),
        ('{"action": "talk", "text": "Hi"}', 200, "wrap the object in [ ]"),
        ("<Response><Say>Hi</Say></Response>", 200, "not JSON"),
        ("", 200, "empty body"),
        ('[{"action": "talk", "text": "Hi"}]', 500, "HTTP 500"),
    ],
)
def test_an_answer_that_is_not_a_valid_ncco_fails_the_call_with_an_error_event(
    answer, status, reason
):
    routes, got = failing_app(answer, status)
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=routes, event_url="/events")
    r = carrier.call(APP, caller="")
    [err] = [e for e in got if "reason" in e]
    assert reason in err["reason"] and set(err) == {"reason", "conversation_uuid", "timestamp"}
    assert [e["status"] for e in got if "status" in e] == ["started", "ringing", "failed"]
    assert r.status == "failed" and r.said() == []
    assert reason in errors(r)[0]


def test_an_invalid_ncco_in_an_input_answer_is_an_error_and_the_ncco_goes_on():
    ncco = [
        {
            "action": "input",
            "type": ["dtmf"],
            "dtmf": {"maxDigits": 1},
            "eventUrl": [f"{ORIGIN}/i"],
        },
        {"action": "talk", "text": "Going on."},
    ]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco, "/i": lambda req: [{"action": "dance"}]})
    r = carrier.call(APP, caller="press: 1")
    assert "unknown action 'dance'" in errors(r)[0]
    assert r.said() == ["Going on."]


def test_a_relative_event_url_is_not_called_and_says_why():
    ncco = [{"action": "notify", "payload": {}, "eventUrl": ["/notify"]}, TALK[0]]
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco={"/": ncco})
    r = carrier.call(APP, caller="")
    assert any("not an absolute http(s) URL" in w for w in warnings(r))
    assert r.said() == ["Hi from the NCCO."]


def test_event_method_get_puts_the_fields_in_the_query():
    got = []
    carrier = telenb.Carrier(seed=1)
    routes = {"/": TALK, "/events": lambda req: got.append((req.method, dict(req)))}
    carrier.app(APP, ncco=routes, event_url="/events", event_method="GET")
    carrier.call(APP, caller="")
    assert [m for m, _ in got] == ["GET"] * 4
    duration = str(round(speech_duration("Hi from the NCCO.")))
    assert got[-1][1]["status"] == "completed" and got[-1][1]["duration"] == duration


def test_same_seed_same_trace():
    def run():
        carrier = telenb.Carrier(seed=7)
        routes = {"/": TALK, "/webhooks/events": lambda req: None}
        carrier.app(APP, ncco=routes, event_url="/webhooks/events")
        return carrier.call(APP, caller="")

    a, b = run(), run()
    assert [(e.t, e.kind, e.data) for e in a.trace] == [(e.t, e.kind, e.data) for e in b.trace]
    assert events(a) == events(b) and events(a)[0]["uuid"]


def test_an_asgi_app_is_called_in_process():
    calls = []

    async def asgi(scope, receive, send):
        query = dict(parse_qsl(scope["query_string"].decode()))
        calls.append((scope["method"], scope["path"], query["uuid"]))
        ncco = json.dumps([{"action": "talk", "text": f"ASGI to {query['to']}"}]).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": ncco})

    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, ncco=asgi, url="/webhooks/answer")
    r = carrier.call(APP, caller="")
    assert [(m, p) for m, p, _u in calls] == [("GET", "/webhooks/answer")]
    assert r.said() == ["ASGI to 15550100"]


def test_ncco_is_a_built_in_front_door_imported_only_when_used():
    import subprocess
    import sys

    code = (
        "import sys, telenb\n"
        "from telenb.sim import frontdoors\n"
        "assert 'ncco' in frontdoors.kinds()\n"
        "assert not any(m.startswith('telenb.providers.vonage') for m in sys.modules)\n"
        "c = telenb.Carrier(seed=1)\n"
        "c.app('+15550100', ncco=[{'action': 'talk', 'text': 'hi'}])\n"
        "assert 'telenb.providers.vonage.sim.app' in sys.modules\n"
        "print(c.call('+15550100', caller='').said())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=".")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['hi']"

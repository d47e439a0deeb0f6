"""Where TwiML comes from (strings, SDK objects, callables, WSGI/ASGI apps, loopback URLs)
and what happens when a webhook fails, as on Twilio."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from flask import Flask, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

import telenb
from telenb.providers.twilio import twilio_account
from telenb.sim.media import speech_duration

from ...helpers import APP, events, run_twiml, warnings, webhooks

SAY_HI = "<Response><Say>Hi.</Say></Response>"
APP_ERROR = "We're sorry, an application error has occurred. Goodbye."


def errors(result):
    return [(e["error"], e["message"]) for e in result.trace.filter("error")]


# -- sources --------------------------------------------------------------------------------------
def test_voice_response_object():
    vr = VoiceResponse()
    vr.say("From the SDK.", voice="woman")
    r = run_twiml(vr)
    assert r.said() == ["From the SDK."]


def test_callable_gets_the_parameters_and_signature():
    seen = []

    def app(req):
        seen.append(req)
        response = VoiceResponse()
        response.say(f"You called from {req['From']}.")
        return response

    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, twiml=app, url="/answer")
    r = carrier.call(APP, caller="")
    [req] = seen
    assert req.path == "/answer" and req.method == "POST"
    assert req["CallSid"] == r.sid and req["AccountSid"] == carrier.account_sid
    assert req["Direction"] == "inbound" and req["ApiVersion"] == "2010-04-01"
    assert req["FromCountry"] == "US" and req["To"] == APP
    validator = RequestValidator(twilio_account(carrier).auth_token)
    assert validator.validate(req.url, req.params, req.headers["X-Twilio-Signature"])
    assert r.said() == ["You called from +15550199."]


def test_flask_app_sees_a_real_request_and_its_signature_validates():
    flask_app = Flask("t")
    carrier = telenb.Carrier(seed=3)
    token = twilio_account(carrier, auth_token="s3cret-token").auth_token
    checks = []

    @flask_app.post("/voice")
    def voice():
        ok = RequestValidator(token).validate(
            request.url, request.form, request.headers["X-Twilio-Signature"]
        )
        checks.append((request.url, ok, request.headers["User-Agent"]))
        response = VoiceResponse()
        response.say("Flask says hi")
        return str(response), 200, {"Content-Type": "text/xml"}

    carrier.app(APP, twiml=flask_app, url="/voice", base_url="https://ivr.example.com")
    r = carrier.call(APP, caller="")
    assert checks == [("https://ivr.example.com/voice", True, "TwilioProxy/1.1")]
    assert r.said() == ["Flask says hi"]


def test_asgi_app_is_called_in_process():
    calls = []

    async def asgi(scope, receive, send):
        body = (await receive())["body"]
        form = dict(parse_qsl(body.decode()))
        calls.append((scope["method"], scope["path"], form["CallSid"]))
        twiml = f"<Response><Say>ASGI {form['Direction']}</Say></Response>".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/xml")],
            }
        )
        await send({"type": "http.response.body", "body": twiml})

    r = run_twiml(asgi, url="/hook")
    assert calls == [("POST", "/hook", r.sid)]
    assert r.said() == ["ASGI inbound"]


@pytest.fixture
def loopback():
    """A real HTTP server on 127.0.0.1 answering with TwiML (and recording the requests)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.path, dict(parse_qsl(body.decode())), dict(self.headers)))
            if self.path == "/slow":
                time.sleep(1.5)
            if self.path.startswith("/loop"):
                self.send_response(302)
                self.send_header("Location", "/loop")
                self.end_headers()
                return
            data = b"<Response><Say>Over loopback.</Say></Response>"
            try:
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except BrokenPipeError:  # the client gave up (the timeout test)
                pass

        do_GET = do_POST

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_a_url_on_this_machine_is_fetched_over_http(loopback):
    base, seen = loopback
    r = run_twiml(f"{base}/voice")
    assert r.said() == ["Over loopback."]
    [(path, form, headers)] = seen
    assert path == "/voice" and form["CallSid"] == r.sid
    assert headers["X-Twilio-Signature"]


def test_timeouts_and_redirect_loops_over_http(loopback):
    base, _seen = loopback
    r = run_twiml(f"{base}/slow#rt=500")  # connection override: 0.5 s read timeout
    assert errors(r)[0][0] == "Twilio 11205" and r.said() == [APP_ERROR]
    r = run_twiml(f"{base}/loop")
    assert errors(r)[0][0] == "Twilio 11215"
    assert len(webhooks(r)) == 11  # the first request and ten redirects


# -- failures -------------------------------------------------------------------------------------
def test_http_500_plays_the_application_error_and_names_11200():
    r = run_twiml(lambda req: ("<Response/>", 500))
    assert errors(r)[0][0] == "Twilio 11200" and "HTTP 500" in errors(r)[0][1]
    assert r.said() == [APP_ERROR] and r.status == "completed"


def test_an_app_that_raises_is_a_500_with_its_traceback_in_the_trace():
    def broken(req):
        raise KeyError("Digits")

    r = run_twiml(broken)
    [hook] = events(r, "webhook")
    assert hook["status"] == 500 and "KeyError: 'Digits'" in hook["response"]


def test_invalid_twiml_is_12100_with_line_and_column():
    r = run_twiml(lambda req: "<Response>\n<Say>oops</Sya></Response>")
    code, message = errors(r)[0]
    assert code == "Twilio 12100" and "line 2, column 12" in message


def test_xml_bomb_from_an_app_is_refused():
    bomb = (
        "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a 'aaaaaaaaaa'>"
        "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>]><Response><Say>&b;</Say></Response>"
    )
    r = run_twiml(lambda req: bomb)
    assert errors(r)[0][0] == "Twilio 12100" and "entity" in errors(r)[0][1]
    assert r.said() == [APP_ERROR]


def test_unknown_host_is_11210():
    r = run_twiml("https://nowhere.example.org/voice")
    assert errors(r)[0][0] == "Twilio 11210"


def test_slow_in_process_app_times_out():
    def slow(req):
        time.sleep(0.3)
        return SAY_HI

    r = run_twiml(slow, timeout=0.1)
    assert errors(r)[0][0] == "Twilio 11205" and r.said() == [APP_ERROR]


def test_fallback_url_gets_the_error_code_and_url():
    def app(req):
        if req.path == "/fallback":
            assert req["ErrorCode"] == "11200" and req["ErrorUrl"].endswith("/voice")
            return "<Response><Say>Fallback here.</Say></Response>"
        return ("down", 503)

    r = run_twiml(app, url="/voice", fallback_url="/fallback")
    assert r.said() == ["Fallback here."]
    assert [p for _m, _u, p in webhooks(r)][1]["ErrorCode"] == "11200"


def test_plain_text_is_read_aloud_and_bad_content_types_are_12300():
    def app(req):
        if req.path == "/text":
            return telenb_response(b"Hello in plain text", "text/plain")
        return telenb_response(json.dumps({"say": "hi"}).encode(), "application/json")

    from telenb.providers.webhooks.web import HttpResponse

    def telenb_response(body, ctype):
        return HttpResponse(200, {"content-type": ctype}, body)

    assert run_twiml(app, url="/text").said() == ["Hello in plain text"]
    r = run_twiml(app, url="/json")
    assert errors(r)[0][0] == "Twilio 12300"


def test_redirect_loops_are_bounded():
    r = run_twiml("<Response><Redirect/><Redirect>/</Redirect></Response>")
    assert len(webhooks(r)) == 50  # the 51st fetch at the same instant is refused
    assert "TwiML documents fetched without the call moving on" in errors(r)[0][1]
    assert (13710, "<Redirect> at line 1, column 11 has no URL; skipped") in warnings(r)
    assert r.said() == [APP_ERROR]


def test_a_redirect_loop_with_a_pause_is_a_hold_loop_not_an_error():
    hold = "<Response><Say>Please hold.</Say><Pause length='8'/><Redirect>/</Redirect></Response>"
    r = run_twiml(hold, "wait: 120s; hangup")
    cycle = speech_duration("Please hold.") + 8  # each document takes this long
    assert errors(r) == [] and len(webhooks(r)) == 1 + int(120 // cycle)


# -- status callbacks -----------------------------------------------------------------------------
def test_status_callback_on_completion_with_duration():
    seen = []

    def app(req):
        if req.path == "/status":
            seen.append(dict(req))
            return "", 204
        return "<Response><Say>One moment.</Say><Pause length='4'/></Response>"

    r = run_twiml(app, url="/voice", status_callback="/status")
    [cb] = seen
    assert cb["CallStatus"] == "completed" and cb["CallSid"] == r.sid
    assert cb["CallDuration"] == str(round(r.duration)) and cb["CallbackSource"]
    assert cb["Timestamp"].endswith("+0000") and cb["SequenceNumber"] == "0"


def test_unknown_app_options_are_named_with_the_closest_one():
    from telenb.errors import UnknownOptionError

    carrier = telenb.Carrier(seed=9)
    with pytest.raises(UnknownOptionError, match="Did you mean 'fallback_url'"):
        carrier.app(APP, twiml=SAY_HI, fallbackurl="/x")


def test_asgi_apps_work_while_an_event_loop_runs_as_in_jupyter():
    import asyncio

    async def asgi(scope, receive, send):
        await receive()
        body = b"<Response><Say>From ASGI inside a loop.</Say></Response>"
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    async def kernel_cell():  # the kernel's loop is running while the cell calls the carrier
        return run_twiml(asgi)

    assert asyncio.run(kernel_cell()).said() == ["From ASGI inside a loop."]


def test_plain_callables_read_parameters_as_flask_does():
    import telenb

    carrier = telenb.Carrier(seed=1)
    seen = []

    def menu(request):
        seen.append((request.form["Digits"], request.values["CallStatus"], request["Digits"]))
        return "<Response><Say>ok</Say></Response>"

    gather = '<Response><Gather numDigits="1" action="/menu"><Say>Hi</Say></Gather></Response>'
    carrier.app("+15550100", twiml={"/voice": gather, "/menu": menu}, url="/voice")
    carrier.call("+15550100", caller="press: 7")
    assert seen == [("7", "in-progress", "7")]

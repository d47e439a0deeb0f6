"""The real-SignalWire backend, offline: signed cXML webhooks request by request, the exact
REST requests (method, URL, form body, Basic auth) and the safety rails.

SignalWire's documents, as the tests read them: the Compatibility API's base URL is the
Space's own host, ``https://example.signalwire.com/api/laml/2010-04-01`` ("the AccountSid
... is known as the Project ID"), calls are created with a Twilio-style form on
``Accounts/{project}/Calls.json`` with Basic auth (project ID, API token); every webhook is
signed with the project's Signing Key in ``X-SignalWire-Signature`` ("Webhook Security"),
the Compatibility SDK's ``validateRequest`` computation (HMAC-SHA1 over the URL and the sorted
POST parameters, base64), which the tests compute with hmac directly, not with telenb's code.
"""

import base64
import hashlib
import hmac
import logging
import pickle
from urllib.parse import parse_qsl, urlencode

import pytest

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.providers.live.http import RecordingTransport
from telenb.providers.live.server import InlineExecutor
from telenb.providers.signalwire.backend.credentials import SignalWireCredentials
from telenb.providers.webhooks.web import call_wsgi

PROJECT = "a1b2c3d4-0000-4000-8000-00000000abcd"
TOKEN = "PT" + "9" * 46
SIGNING_KEY = "PSK_" + "s" * 28
SPACE = "example.signalwire.com"
PUBLIC = "https://abc123.ngrok.app"
NUMBER, PERSON = "+15557654321", "+15551234567"
SID = "b3877c40-da60-4998-90ad-b792e98472ca"


def support_line(call):
    call.say("Welcome to support.")
    r = call.ask("Press 1 for billing or 2 to leave a message.",
                 choices="billing(1), message(2)", timeout=7, mode="dtmf")  # fmt: skip
    if r.value == "billing":
        call.transfer("+15550123", timeout=20)
        return
    rec = call.record("Speak after the tone.", max_time=60, silence_timeout=4)
    call.say(f"We got {rec.recording.duration:g} seconds. Goodbye.")
    call.message("Thanks for your message", to=call.caller_id)
    call.hangup()


def credentials():
    return SignalWireCredentials(PROJECT, TOKEN, f"https://{SPACE}/", SIGNING_KEY)


def backend(**options):
    defaults = dict(public_url=PUBLIC, credentials=credentials(), executor=InlineExecutor(),
                    allow=[PERSON], from_=NUMBER, transport=RecordingTransport())  # fmt: skip
    return telenb.connect("signalwire", **{**defaults, **options})


def signature(url, params, key=SIGNING_KEY):
    payload = url + "".join(k + params[k] for k in sorted(params))
    mac = hmac.new(key.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def post(b, path, params, *, key=SIGNING_KEY, header="X-SignalWire-Signature"):
    url = PUBLIC + path
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               header: signature(url, params, key)}  # fmt: skip
    response = call_wsgi(b.app, "POST", url, urlencode(params).encode(), headers)
    return response.status, response.text


def webhook(**extra):
    base = {"AccountSid": PROJECT, "CallSid": SID, "From": PERSON, "To": NUMBER,
            "CallStatus": "in-progress", "Direction": "inbound",
            "ApiVersion": "2010-04-01"}  # fmt: skip
    return {**base, **extra}


BASE = f"{PUBLIC}/signalwire/continue"
ACCOUNT = f"https://{SPACE}/api/laml/2010-04-01/Accounts/{PROJECT}"


def test_a_flow_runs_webhook_by_webhook_and_texts_through_messages_json():
    rest = RecordingTransport([(201, {"sid": "SM-0001", "status": "queued"})])
    b = backend(transport=rest)
    b.answer(NUMBER, support_line)
    status, cxml = post(b, "/signalwire/voice", webhook(CallStatus="ringing"))
    assert status == 200
    assert cxml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Welcome to support.</Say>'
        f'<Gather action="{BASE}/1" actionOnEmptyResult="true" finishOnKey="" input="dtmf" '
        'method="POST" numDigits="1" timeout="7">'
        "<Say>Press 1 for billing or 2 to leave a message.</Say></Gather></Response>"
    )
    _, cxml = post(b, "/signalwire/continue/1", webhook(Digits="2"), header="X-Twilio-Signature")
    assert f'<Record action="{BASE}/2"' in cxml  # the alias header is accepted too
    recording = {"RecordingUrl": f"{ACCOUNT}/Recordings/r1", "RecordingSid": "r1",
                 "RecordingDuration": "6"}  # fmt: skip
    _, cxml = post(b, "/signalwire/continue/2", webhook(**recording))
    assert cxml.endswith("<Say>We got 6 seconds. Goodbye.</Say><Hangup /></Response>")
    [sms] = rest.requests
    assert (sms.method, sms.url) == ("POST", f"{ACCOUNT}/Messages.json")
    assert sms.body == b"To=%2B15551234567&From=%2B15557654321&Body=Thanks+for+your+message"
    assert b.server.calls == {}


def test_the_status_callback_stops_a_waiting_flow():
    reached = []
    b = backend()
    b.answer(NUMBER, lambda call: reached.append(call.ask("PIN?", choices="[4 DIGITS]")))
    post(b, "/signalwire/voice", webhook())
    assert SID in b.server.calls
    post(b, "/signalwire/status", webhook(CallStatus="completed", CallDuration="9"))
    assert reached == [] and b.server.calls == {}


def test_unsigned_missigned_and_tampered_webhooks_are_refused_before_any_flow():
    ran = []
    b = backend()
    b.answer(NUMBER, lambda call: ran.append(call))
    status, text = post(b, "/signalwire/voice", webhook(), key=TOKEN)  # the API token is not it
    assert status == 403 and "X-SignalWire-Signature" in text
    sig = signature(PUBLIC + "/signalwire/voice", webhook())
    tampered = urlencode(webhook(From="+15550000000")).encode()
    response = call_wsgi(b.app, "POST", PUBLIC + "/signalwire/voice", tampered,
                         {"X-SignalWire-Signature": sig})  # fmt: skip
    assert response.status == 403
    body = urlencode(webhook()).encode()
    unsigned = call_wsgi(b.app, "POST", PUBLIC + "/signalwire/voice", body, {})
    assert unsigned.status == 403
    assert ran == [] and len(b.server.refused) == 3


def test_placing_a_call_sends_exactly_the_documented_request_after_one_confirmation():
    asked = []
    queued = {"sid": SID, "status": "queued"}
    rest = RecordingTransport([(201, queued), (201, queued)])
    b = backend(transport=rest, confirm=lambda q: asked.append(q) or True)
    assert b.call(PERSON, support_line) == SID
    b.call(PERSON, support_line)
    assert len(asked) == 1 and "through SignalWire" in asked[0]
    first = rest.requests[0]
    token = next(iter(b.server.sessions))
    assert (first.method, first.url) == ("POST", f"{ACCOUNT}/Calls.json")
    assert first.body == (
        b"To=%2B15551234567&From=%2B15557654321"
        b"&Url=https%3A%2F%2Fabc123.ngrok.app%2Fsignalwire%2Fvoice%3Fsession%3D"
        + token.encode()
        + b"&Method=POST&StatusCallback=https%3A%2F%2Fabc123.ngrok.app%2Fsignalwire%2Fstatus"
        b"&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing"
        b"&StatusCallbackEvent=answered&StatusCallbackEvent=completed"
        b"&StatusCallbackMethod=POST"
    )
    basic = base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()
    assert first.authorization == f"Basic {basic}"
    assert first.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert TOKEN not in repr(first)


def test_the_placed_call_runs_its_flow_when_signalwire_requests_its_url():
    b = backend(transport=RecordingTransport([(201, {"sid": SID})]), confirm=lambda q: True)
    b.call(PERSON, support_line)
    url = dict(parse_qsl(b.rest.transport.requests[0].body.decode()))["Url"]
    outbound = webhook(From=NUMBER, To=PERSON, Direction="outbound-api")
    _, cxml = post(b, url[len(PUBLIC) :], outbound)
    assert "<Gather" in cxml and "Welcome to support." in cxml


def test_declined_confirmation_and_numbers_off_the_allow_list_send_nothing():
    rest = RecordingTransport()
    b = backend(transport=rest, confirm=lambda q: False)
    with pytest.raises(FlowError, match="not confirmed; nothing was sent to SignalWire"):
        b.call(PERSON, support_line)
    with pytest.raises(ConfigurationError, match=r"\+15559999999 is not on the allow-list"):
        b.call("+15559999999", support_line)
    assert rest.requests == []


def test_dry_run_prints_the_request_the_cxml_and_the_cost_and_sends_nothing(capsys):
    rest = RecordingTransport()
    dry = backend(dry_run=True, transport=rest).call(
        PERSON, support_line, caller="press: 2; say: hello there; press: #"
    )
    out = capsys.readouterr().out
    assert rest.requests == [] and "DRY RUN - nothing was sent to SignalWire." in out
    assert f"POST {ACCOUNT}/Calls.json" in out and "To=%2B15551234567" in out
    assert "Authorization: Basic ****" in out and TOKEN not in out
    assert "cXML for" in out and "<Gather" in dry.steps.documents[0]
    assert dry.estimate.segments == 1 and dry.estimate.cost == pytest.approx(0.0100 + 0.0042)
    assert "cXML step(s)" in repr(dry)


def test_credentials_come_from_the_environment_and_never_show(caplog, capsys):
    with pytest.raises(ConfigurationError, match="SIGNALWIRE_PROJECT_ID"):
        telenb.connect("signalwire", public_url=PUBLIC, env={})
    env = {"SIGNALWIRE_PROJECT_ID": PROJECT}
    with pytest.raises(ConfigurationError, match="SIGNALWIRE_TOKEN"):
        telenb.connect("signalwire", public_url=PUBLIC, env=env)
    env["SIGNALWIRE_API_TOKEN"] = TOKEN  # the other name SignalWire's samples use
    with pytest.raises(ConfigurationError, match="SIGNALWIRE_SPACE_URL"):
        telenb.connect("signalwire", public_url=PUBLIC, env=env)
    env["SIGNALWIRE_SPACE_URL"] = SPACE
    with pytest.raises(ConfigurationError, match="SIGNALWIRE_SIGNING_KEY") as missing:
        telenb.connect("signalwire", public_url=PUBLIC, env=env)
    assert TOKEN not in str(missing.value)
    env["SIGNALWIRE_SIGNING_KEY"] = SIGNING_KEY
    caplog.set_level(logging.DEBUG)
    rest = RecordingTransport([(201, {"sid": SID})])
    b = telenb.connect(
        "signalwire", public_url=PUBLIC, env=env, allow=[PERSON], from_=NUMBER,
        executor=InlineExecutor(), transport=rest, confirm=lambda q: True,
    )  # fmt: skip
    b.answer(NUMBER, support_line)
    b.call(PERSON, support_line)
    post(b, "/signalwire/voice", webhook())
    post(b, "/signalwire/voice", webhook(), key="wrong")
    print(b, b.credentials, b.server, rest.requests)
    shown = capsys.readouterr().out + caplog.text + repr(b) + str(b.credentials)
    for secret in (TOKEN, SIGNING_KEY, base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()):
        assert secret not in shown and secret[:10] not in shown
    with pytest.raises(TypeError):
        pickle.dumps(b.credentials)

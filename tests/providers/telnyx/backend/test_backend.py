"""The real-Telnyx backend, offline: Ed25519-signed TeXML webhooks request by request, the
exact REST requests (method, URL, JSON body, Bearer API key) and the safety rails.

Telnyx's documents, as the tests read them: a TeXML call is initiated with ``POST
https://api.telnyx.com/v2/texml/calls/{application_id}`` (the SDK's ``texml.calls.initiate``:
``From``/``To`` with ``+`` and country code, ``Url``, ``UrlMethod``, ``StatusCallback``,
space-separated ``StatusCallbackEvent``, ``StatusCallbackMethod``) and ``Authorization:
Bearer <API key>``; every webhook carries ``telnyx-signature-ed25519``, base64 Ed25519 over
``timestamp|payload``, and ``telnyx-timestamp`` (TeXML callback references).  The tests sign
with the cryptography package directly, as Telnyx does, not with telenb's signing module.
"""

import base64
import json
import logging
import pickle
from urllib.parse import urlencode

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.providers.live.http import RecordingTransport
from telenb.providers.live.server import InlineExecutor
from telenb.providers.telnyx.backend.credentials import TelnyxCredentials
from telenb.providers.webhooks.web import call_wsgi

API_KEY = "KEY0123456789ABCDEF_" + "k" * 20
APP_ID = "1293384261075731499"
_SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC_KEY = base64.b64encode(
    _SIGNER.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
).decode()
PUBLIC = "https://abc123.ngrok.app"
NUMBER, PERSON = "+15557654321", "+15551234567"
NOW = 1_767_225_600
SID = "v3:9X2vxPDFY2RHSJ1EdMS0RHRksMTg7ldNxdjWbVr9zBjbGjGsSe-aiQ"


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


def backend(**options):
    defaults = dict(public_url=PUBLIC, credentials=TelnyxCredentials(API_KEY, PUBLIC_KEY, APP_ID),
                    executor=InlineExecutor(), allow=[PERSON], from_=NUMBER,
                    transport=RecordingTransport(), clock=lambda: NOW + 2)  # fmt: skip
    return telenb.connect("telnyx", **{**defaults, **options})


def signed(body: bytes, *, key=_SIGNER, stamp=NOW):
    signature = key.sign(str(stamp).encode() + b"|" + body)
    return {"telnyx-signature-ed25519": base64.b64encode(signature).decode(),
            "telnyx-timestamp": str(stamp)}  # fmt: skip


def post(b, path, params, **signing):
    body = urlencode(params).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body, **signing)}
    response = call_wsgi(b.app, "POST", PUBLIC + path, body, headers)
    return response.status, response.text


def webhook(**extra):
    base = {"AccountSid": "f5586561-8ff0-4291-a51b-c7dfe4139ff9", "CallSid": SID,
            "From": PERSON, "To": NUMBER, "CallStatus": "in-progress"}  # fmt: skip
    return {**base, **extra}


BASE = f"{PUBLIC}/telnyx/continue"


def test_a_flow_runs_webhook_by_webhook_and_texts_through_the_messaging_api():
    rest = RecordingTransport([(200, {"data": {"id": "40317159-0001"}})])
    b = backend(transport=rest)
    b.answer(NUMBER, support_line)
    status, texml = post(b, "/telnyx/voice", webhook(CallStatus="ringing"))
    assert status == 200
    assert texml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Welcome to support.</Say>'
        f'<Gather action="{BASE}/1" actionOnEmptyResult="true" finishOnKey="" input="dtmf" '
        'method="POST" numDigits="1" timeout="7">'
        "<Say>Press 1 for billing or 2 to leave a message.</Say></Gather>"
        f'<Redirect method="POST">{BASE}/1?empty=1</Redirect></Response>'
    )  # Telnyx's <Gather> lists no actionOnEmptyResult: the <Redirect> brings silence back
    _, texml = post(b, "/telnyx/continue/1", webhook(Digits="2"))
    assert f'<Record action="{BASE}/2"' in texml
    recording = {"RecordingUrl": "https://api.telnyx.com/v2/recordings/r1.mp3",
                 "RecordingSid": "r1", "RecordingDuration": "6"}  # fmt: skip
    _, texml = post(b, "/telnyx/continue/2", webhook(**recording))
    assert texml.endswith("<Say>We got 6 seconds. Goodbye.</Say><Hangup /></Response>")
    [sms] = rest.requests
    assert (sms.method, sms.url) == ("POST", "https://api.telnyx.com/v2/messages")
    assert (
        sms.body == b'{"from":"+15557654321","to":"+15551234567","text":"Thanks for your message"}'
    )
    assert sms.authorization == f"Bearer {API_KEY}"
    assert b.server.calls == {}


def test_a_silent_caller_comes_back_through_the_redirect_and_the_status_callback_stops_it():
    reached = []
    b = backend()
    b.answer(
        NUMBER, lambda call: reached.append(call.ask("PIN?", choices="[4 DIGITS]", attempts=2))
    )
    post(b, "/telnyx/voice", webhook())
    _, texml = post(b, "/telnyx/continue/1?empty=1", webhook())
    assert f"{BASE}/2" in texml and 'numDigits="4"' in texml
    post(b, "/telnyx/status", webhook(CallStatus="completed", CallDuration="9"))
    assert reached == [] and b.server.calls == {}


def test_unsigned_missigned_stale_and_tampered_webhooks_are_refused_before_any_flow():
    ran = []
    b = backend()
    b.answer(NUMBER, lambda call: ran.append(call))
    other = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    assert post(b, "/telnyx/voice", webhook(), key=other)[0] == 403
    assert post(b, "/telnyx/voice", webhook(), stamp=NOW - 3600)[0] == 403  # a replay
    body = urlencode(webhook()).encode()
    tampered = urlencode(webhook(From="+15550000000")).encode()
    assert call_wsgi(b.app, "POST", PUBLIC + "/telnyx/voice", tampered, signed(body)).status == 403
    unsigned = call_wsgi(b.app, "POST", PUBLIC + "/telnyx/voice", body, {})
    assert unsigned.status == 403 and "telnyx-signature-ed25519" in unsigned.text
    assert ran == [] and len(b.server.refused) == 4


def test_placing_a_call_sends_exactly_the_documented_request_after_one_confirmation():
    asked = []
    queued = {"data": {"call_sid": SID, "from": NUMBER, "to": PERSON, "status": "queued"}}
    rest = RecordingTransport([(200, queued), (200, queued)])
    b = backend(transport=rest, confirm=lambda q: asked.append(q) or True)
    assert b.call(PERSON, support_line) == SID
    b.call(PERSON, support_line)
    assert len(asked) == 1 and "through Telnyx" in asked[0]
    first = rest.requests[0]
    token = next(iter(b.server.sessions))
    assert (first.method, first.url) == (
        "POST", f"https://api.telnyx.com/v2/texml/calls/{APP_ID}")  # fmt: skip
    assert first.body == (
        b'{"From":"+15557654321","To":"+15551234567",'
        b'"Url":"https://abc123.ngrok.app/telnyx/voice?session=' + token.encode() + b'",'
        b'"UrlMethod":"POST","StatusCallback":"https://abc123.ngrok.app/telnyx/status",'
        b'"StatusCallbackEvent":"initiated ringing answered completed",'
        b'"StatusCallbackMethod":"POST"}'
    )
    assert first.authorization == f"Bearer {API_KEY}"
    assert first.headers["Content-Type"] == "application/json"
    assert API_KEY not in repr(first)


def test_the_placed_call_runs_its_flow_when_telnyx_requests_its_url():
    b = backend(transport=RecordingTransport([(200, {"data": {"call_sid": SID}})]),
                confirm=lambda q: True)  # fmt: skip
    b.call(PERSON, support_line)
    url = json.loads(b.rest.transport.requests[0].body)["Url"]
    _, texml = post(b, url[len(PUBLIC) :], webhook(From=NUMBER, To=PERSON))
    assert "<Gather" in texml and "Welcome to support." in texml


def test_declined_confirmation_and_numbers_off_the_allow_list_send_nothing():
    rest = RecordingTransport()
    b = backend(transport=rest, confirm=lambda q: False)
    with pytest.raises(FlowError, match="not confirmed; nothing was sent to Telnyx"):
        b.call(PERSON, support_line)
    with pytest.raises(ConfigurationError, match=r"\+15559999999 is not on the allow-list"):
        b.call("+15559999999", support_line)
    assert rest.requests == []


def test_dry_run_prints_the_request_the_texml_and_the_cost_and_sends_nothing(capsys):
    rest = RecordingTransport()
    dry = backend(dry_run=True, transport=rest).call(
        PERSON, support_line, caller="press: 2; say: hello there; press: #"
    )
    out = capsys.readouterr().out
    assert rest.requests == [] and "DRY RUN - nothing was sent to Telnyx." in out
    assert f"POST https://api.telnyx.com/v2/texml/calls/{APP_ID}" in out
    assert "Authorization: Bearer ****" in out and API_KEY not in out
    assert "TeXML for" in out and "<Gather" in dry.steps.documents[0]
    assert dry.estimate.segments == 1 and dry.estimate.cost == pytest.approx(0.0070 + 0.0040)
    assert "TeXML step(s)" in repr(dry)


def test_credentials_come_from_the_environment_and_never_show(caplog, capsys):
    with pytest.raises(ConfigurationError, match="TELNYX_API_KEY"):
        telenb.connect("telnyx", public_url=PUBLIC, env={})
    with pytest.raises(ConfigurationError, match="TELNYX_PUBLIC_KEY") as missing:
        telenb.connect("telnyx", public_url=PUBLIC, env={"TELNYX_API_KEY": API_KEY})
    assert API_KEY not in str(missing.value)
    env = {"TELNYX_API_KEY": API_KEY, "TELNYX_PUBLIC_KEY": PUBLIC_KEY}
    with pytest.raises(ConfigurationError, match="TELNYX_APPLICATION_ID"):
        telenb.connect("telnyx", public_url=PUBLIC, env=env)
    env["TELNYX_APPLICATION_ID"] = APP_ID
    caplog.set_level(logging.DEBUG)
    rest = RecordingTransport([(200, {"data": {"call_sid": SID}})])
    b = telenb.connect(
        "telnyx", public_url=PUBLIC, env=env, allow=[PERSON], from_=NUMBER, clock=lambda: NOW,
        executor=InlineExecutor(), transport=rest, confirm=lambda q: True,
    )  # fmt: skip
    b.answer(NUMBER, support_line)
    b.call(PERSON, support_line)
    post(b, "/telnyx/voice", webhook())
    print(b, b.credentials, b.server, rest.requests)
    shown = capsys.readouterr().out + caplog.text + repr(b) + str(b.credentials)
    assert API_KEY not in shown and API_KEY[:12] not in shown
    with pytest.raises(TypeError):
        pickle.dumps(b.credentials)


def test_the_signature_check_and_the_server_over_a_real_socket():
    """serve() puts the Ed25519 check in front of the TwiML server: both sides of it on a
    real socket (waitress)."""
    import urllib.error
    import urllib.request

    b = backend(executor=None)
    b.answer(NUMBER, support_line)
    host, port = b.serve(port=0)
    try:
        body = urlencode(webhook()).encode()
        for headers, expected in ((signed(body), 200), ({}, 403)):
            req = urllib.request.Request(f"http://{host}:{port}/telnyx/voice", data=body,
                                         headers=headers)  # fmt: skip
            try:
                with urllib.request.urlopen(req, timeout=10) as resp:
                    status, text = resp.status, resp.read().decode()
            except urllib.error.HTTPError as err:
                status, text = err.code, err.read().decode()
            assert status == expected
            assert ("<Gather" in text) == (expected == 200)
    finally:
        b.stop()

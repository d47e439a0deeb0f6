"""The real-Twilio backend, offline: signed webhooks request by request, the exact REST
requests (method, URL, form body, Authorization), and the safety rails."""

import base64
import json
import pickle
import subprocess
import sys
import urllib.request
from urllib.parse import urlencode

import pytest
from twilio.request_validator import RequestValidator

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.providers.twilio import Credentials, RecordingHttpClient
from telenb.providers.twilio.backend.server import InlineExecutor
from telenb.providers.webhooks.web import call_wsgi

SID = "AC" + "a1" * 16
TOKEN = "f" * 32
PUBLIC = "https://abc123.ngrok.app"
NUMBER, PERSON = "+15557654321", "+15551234567"


def support_line(call):
    call.say("Welcome to support.")
    r = call.ask(
        "Press 1 for billing or 2 to leave a message.",
        choices="billing(1), message(2)",
        timeout=7,
        interdigit_timeout=7,
        mode="dtmf",
    )
    if r.value == "billing":
        call.transfer("+15550123", timeout=20)
        call.say("The call with billing has ended.")
        return
    rec = call.record("Speak after the tone.", max_time=60, silence_timeout=4, timeout=4)
    call.say(f"We got {rec.recording.duration:g} seconds. Goodbye.")
    call.message("Thanks for your message", to=call.caller_id)
    call.hangup()


def backend(**options):
    creds = Credentials(SID, TOKEN)
    defaults = dict(
        public_url=PUBLIC,
        credentials=creds,
        executor=InlineExecutor(),
        allow=[PERSON, "+1555*"],
        from_=NUMBER,
    )
    return telenb.connect("twilio", **{**defaults, **options})


def post(app, path, params, *, token=TOKEN, sign_url=None):
    """A webhook as Twilio sends it: form-encoded, signed with the SDK's RequestValidator."""
    url = PUBLIC + path
    signature = RequestValidator(token).compute_signature(sign_url or url, params)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    response = call_wsgi(app, "POST", url, urlencode(params).encode(), headers)
    return response.status, response.text


def call_params(**extra):
    base = {
        "CallSid": "CA" + "b2" * 16,
        "AccountSid": SID,
        "From": PERSON,
        "To": NUMBER,
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    return {**base, **extra}


def test_a_flow_runs_webhook_by_webhook():
    rest = RecordingHttpClient([(201, {"sid": "SM" + "c3" * 16, "status": "queued"})])
    b = backend(http_client=rest)
    b.answer(NUMBER, support_line, configure=False)
    app = b.server

    status, twiml = post(app, "/twilio/voice", call_params())
    assert status == 200
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Welcome to support.</Say>'
        f'<Gather action="{PUBLIC}/twilio/continue/1" actionOnEmptyResult="true" '
        'finishOnKey="" input="dtmf" method="POST" numDigits="1" timeout="7">'
        "<Say>Press 1 for billing or 2 to leave a message.</Say></Gather></Response>"
    )
    status, twiml = post(
        app,
        "/twilio/continue/1",
        call_params(CallStatus="in-progress", Digits="2", FinishedOnKey=""),
    )
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Speak after the tone.</Say>'
        f'<Record action="{PUBLIC}/twilio/continue/2" finishOnKey="#" maxLength="60" '
        'method="POST" playBeep="true" timeout="4" />'
        f'<Redirect method="POST">{PUBLIC}/twilio/continue/2?empty=1</Redirect></Response>'
    )
    recording = {
        "RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/x/Recordings/RE1",
        "RecordingSid": "RE1",
        "RecordingDuration": "6",
        "Digits": "#",
    }
    status, twiml = post(
        app, "/twilio/continue/2", call_params(CallStatus="in-progress", **recording)
    )
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        "<Say>We got 6 seconds. Goodbye.</Say><Hangup /></Response>"
    )
    [sms] = rest.requests  # the flow's message() went through the Messages API
    assert sms.url == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
    assert sms.body == b"To=%2B15551234567&From=%2B15557654321&Body=Thanks+for+your+message"
    assert app.calls == {}  # the flow finished: nothing is kept


def test_a_timed_out_gather_and_the_callers_hangup_reach_the_flow():
    outcomes = []

    def flow(call):
        outcomes.append(call.ask("Your PIN?", choices="[4 DIGITS]", attempts=2, timeout=5).name)
        outcomes.append(call.state)

    b = backend()
    b.answer(NUMBER, flow, configure=False)
    post(b.server, "/twilio/voice", call_params())
    _, twiml = post(b.server, "/twilio/continue/1", call_params(CallStatus="in-progress"))
    assert "/twilio/continue/2" in twiml and 'numDigits="4"' in twiml  # timeout: second attempt
    post(b.server, "/twilio/status", call_params(CallStatus="completed", CallDuration="12"))
    assert outcomes == []  # the flow was stopped where it waited, as on the simulator
    assert b.server.calls == {}
    assert (
        "CA" + "b2" * 16,
        "status",
        {"status": "completed", "duration": "12"},
    ) in b.server.events


def test_transfer_outcomes_come_from_dial_call_status():
    said = []

    def flow(call):
        e = call.transfer("+15550123", timeout=20)
        said.append((e.name, e.value, e.duration))

    b = backend()
    b.answer(NUMBER, flow, configure=False)
    _, twiml = post(b.server, "/twilio/voice", call_params())
    assert (
        '<Dial action="https://abc123.ngrok.app/twilio/continue/1" method="POST" timeout="20">'
        "<Number>+15550123</Number></Dial>" in twiml
    )
    post(
        b.server,
        "/twilio/continue/1",
        call_params(
            CallStatus="in-progress",
            DialCallStatus="completed",
            DialCallSid="CA" + "d4" * 16,
            DialCallDuration="42",
        ),
    )
    assert said == [("success", "CA" + "d4" * 16, 42.0)]


def test_unsigned_and_missigned_webhooks_are_refused():
    b = backend()
    b.answer(NUMBER, support_line, configure=False)
    assert post(b.server, "/twilio/voice", call_params(), token="wrong")[0] == 403
    wrong_url = post(b.server, "/twilio/voice", call_params(), sign_url=PUBLIC + "/other")
    assert wrong_url[0] == 403
    tampered = call_params()
    sig = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/voice", tampered)
    tampered["From"] = "+15550000"
    response = call_wsgi(
        b.server,
        "POST",
        PUBLIC + "/twilio/voice",
        urlencode(tampered).encode(),
        {"X-Twilio-Signature": sig},
    )
    assert response.status == 403 and b.server.calls == {}


def test_placing_a_call_sends_exactly_this_request_after_one_confirmation():
    asked = []
    rest = RecordingHttpClient([(201, {"sid": "CA" + "e5" * 16, "status": "queued"})] * 2)
    b = backend(http_client=rest, confirm=lambda q: asked.append(q) or True)
    assert b.call(PERSON, support_line) == "CA" + "e5" * 16
    b.call(PERSON, support_line)
    assert len(asked) == 1 and "REAL call" in asked[0] and "$" in asked[0]
    first = rest.requests[0]
    assert first.method == "POST"
    assert first.url == f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Calls.json"
    token = next(iter(b.server.sessions))  # the session the Url points at
    assert first.body == (
        b"To=%2B15551234567&From=%2B15557654321&Method=POST"
        b"&StatusCallback=https%3A%2F%2Fabc123.ngrok.app%2Ftwilio%2Fstatus"
        b"&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing"
        b"&StatusCallbackEvent=answered&StatusCallbackEvent=completed"
        b"&StatusCallbackMethod=POST"
        b"&Url=https%3A%2F%2Fabc123.ngrok.app%2Ftwilio%2Fvoice%3Fsession%3D" + token.encode()
    )
    expected_auth = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert first.authorization == expected_auth
    assert first.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert TOKEN not in repr(first)


def test_declined_confirmation_sends_nothing():
    rest = RecordingHttpClient()
    b = backend(http_client=rest, confirm=lambda q: False)
    with pytest.raises(FlowError, match="not confirmed"):
        b.call(PERSON, support_line)
    assert rest.requests == []


def test_allow_list_and_missing_from_number():
    b = backend(allow=[PERSON], http_client=RecordingHttpClient(), confirm=lambda q: True)
    with pytest.raises(ConfigurationError, match=r"\+15559999999 is not on the allow-list"):
        b.call("+15559999999", support_line)
    b = backend(from_=None, http_client=RecordingHttpClient())
    with pytest.raises(ConfigurationError, match="from_="):
        b.call(PERSON, support_line)


def test_answer_points_the_number_at_the_backend():
    rest = RecordingHttpClient(
        [
            (
                200,
                {
                    "incoming_phone_numbers": [
                        {"sid": "PN" + "f6" * 16, "phone_number": NUMBER, "account_sid": SID}
                    ],
                    "next_page_uri": None,
                    "page": 0,
                    "page_size": 1,
                },
            ),
            (200, {"sid": "PN" + "f6" * 16, "account_sid": SID}),
        ]
    )
    backend(http_client=rest).answer(NUMBER, support_line)
    listing, update = rest.requests
    assert listing.method == "GET" and listing.url == (
        f"https://api.twilio.com/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json"
        "?PhoneNumber=%2B15557654321&PageSize=1"
    )
    assert update.url.endswith(f"/IncomingPhoneNumbers/PN{'f6' * 16}.json")
    assert update.body == (
        b"StatusCallback=https%3A%2F%2Fabc123.ngrok.app%2Ftwilio%2Fstatus&StatusCallbackMethod=POST"
        b"&VoiceMethod=POST&VoiceUrl=https%3A%2F%2Fabc123.ngrok.app%2Ftwilio%2Fvoice"
    )


def test_dry_run_shows_request_twiml_and_cost_and_sends_nothing(capsys):
    rest = RecordingHttpClient()
    b = backend(dry_run=True, http_client=rest)
    dry = b.call(PERSON, support_line, caller="press: 2; say: hello there; press: #")
    out = capsys.readouterr().out
    assert rest.requests == [] and "DRY RUN - nothing was sent to Twilio" in out
    assert dry.request.url.endswith("/Calls.json") and b"To=%2B15551234567" in dry.request.body
    assert "Basic ****" in out and TOKEN not in out
    assert [s.path for s in dry.steps][:3] == [
        "/twilio/voice?session=" + dry.steps[0].path.split("=")[1],
        "/twilio/continue/1",
        "/twilio/continue/2",
    ]
    assert dry.estimate.minutes == 1 and dry.estimate.segments == 1
    assert dry.estimate.cost == pytest.approx(0.014 + 0.0083)


def test_a_dry_run_keeps_only_a_masked_authorization_header(capsys):
    dry = backend(dry_run=True, http_client=RecordingHttpClient()).call(PERSON, support_line)
    capsys.readouterr()
    secret = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert dry.request.headers["Authorization"] == "Basic ****"
    assert dry.request.authorization == "Basic ****"
    assert secret not in repr(vars(dry.request)) and TOKEN not in repr(vars(dry.request))


def test_credentials_come_from_the_environment_and_stay_masked():
    with pytest.raises(ConfigurationError, match="TWILIO_ACCOUNT_SID"):
        Credentials.from_env({})
    with pytest.raises(ConfigurationError, match="TWILIO_AUTH_TOKEN"):
        Credentials.from_env({"TWILIO_ACCOUNT_SID": SID})
    with pytest.raises(ConfigurationError, match="TWILIO_API_SECRET"):
        Credentials.from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_API_KEY": "SK1"})
    creds = Credentials.from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN})
    b = backend(credentials=creds)
    for text in (repr(creds), str(creds), repr(b)):
        assert TOKEN not in text and TOKEN[:8] not in text
    with pytest.raises(TypeError):
        pickle.dumps(creds)
    keyed = Credentials.from_env(
        {
            "TWILIO_ACCOUNT_SID": SID,
            "TWILIO_API_KEY": "SK" + "9" * 32,
            "TWILIO_API_SECRET": "s" * 32,
        }
    )
    with pytest.raises(ConfigurationError, match="set TWILIO_AUTH_TOKEN: Twilio signs"):
        backend(credentials=keyed)


def test_the_webhook_server_over_a_real_socket():
    b = backend(executor=None)  # flows on the backend's own flow thread
    b.answer(NUMBER, support_line, configure=False)
    host, port = b.serve(port=0)
    try:
        params = call_params()
        sig = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/voice", params)
        req = urllib.request.Request(
            f"http://{host}:{port}/twilio/voice",
            data=urlencode(params).encode(),
            headers={"X-Twilio-Signature": sig},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and b"<Gather" in resp.read()
    finally:
        b.stop()


def test_unknown_provider_and_lazy_imports():
    with pytest.raises(ConfigurationError, match="telenb connects to twilio"):
        telenb.connect("sinch")
    code = "import sys, telenb; telenb.Carrier; assert 'twilio' not in sys.modules, sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(_repo()))


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[4]


def test_recording_client_matches_the_sdk_http_client_encoding():
    from requests import Request

    rest = RecordingHttpClient([(200, json.dumps({"ok": 1}))])
    rest.request(
        "POST", "https://api.twilio.com/x", data={"A": "1 2", "B": ["x", "y"]}, auth=("u", "p")
    )
    prepared = Request(
        "POST", "https://api.twilio.com/x", data={"A": "1 2", "B": ["x", "y"]}, auth=("u", "p")
    ).prepare()
    assert rest.requests[0].body == prepared.body.encode() == b"A=1+2&B=x&B=y"

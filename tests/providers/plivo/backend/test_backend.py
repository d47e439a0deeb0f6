"""The real-Plivo backend, offline: signed webhooks request by request, the exact REST
requests (method, URL, JSON body, Basic auth) and the safety rails.

Plivo's documents, as the tests read them: the Call API is ``POST
https://api.plivo.com/v1/Account/{auth_id}/Call/`` with Basic auth and ``from``/``to`` as
country code and digits ("Example: 14157654321"), ``answer_url``/``answer_method`` and
``hangup_url``/``hangup_method`` (plivo.com/docs/voice/api/call/make-a-call); webhooks carry
``X-Plivo-Signature-V3`` and ``X-Plivo-Signature-V3-Nonce`` (signature-validation), which the
tests compute with the plivo SDK's own code, not telenb's.
"""

import base64
import json
import logging
import pickle
import urllib.request
from urllib.parse import urlencode

import pytest
from plivo.utils.signature_v3 import construct_post_url, get_signature_v3

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.providers.live.http import RecordingTransport
from telenb.providers.live.server import InlineExecutor
from telenb.providers.plivo.backend.credentials import PlivoCredentials
from telenb.providers.webhooks.web import call_wsgi

AUTH_ID = "MA" + "A1B2C3D4E5" * 2
TOKEN = "Zk9" + "t" * 37
PUBLIC = "https://abc123.ngrok.app"
NUMBER, PERSON = "+15557654321", "+15551234567"
CALL = "c0ffee00-1111-4222-8333-444455556666"


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
    defaults = dict(
        public_url=PUBLIC,
        credentials=PlivoCredentials(AUTH_ID, TOKEN),
        executor=InlineExecutor(),
        allow=[PERSON],
        from_=NUMBER,
        transport=RecordingTransport(),
    )
    return telenb.connect("plivo", **{**defaults, **options})


def sign(url, params, *, token=TOKEN, nonce="12345678901234567890"):
    """The two headers as Plivo sends them, computed with the plivo SDK's V3 code."""
    base = construct_post_url(url, params).decode()
    signature = get_signature_v3(token.encode(), base, nonce.encode()).decode()
    return {"X-Plivo-Signature-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce}


def post(app, path, params, **signing):
    url = PUBLIC + path
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(url, params, **signing)}
    response = call_wsgi(app, "POST", url, urlencode(params).encode(), headers)
    return response.status, response.text


def webhook(**extra):
    base = {"CallUUID": CALL, "From": PERSON[1:], "To": NUMBER[1:], "Direction": "inbound",
            "CallStatus": "in-progress", "Event": "StartApp"}  # fmt: skip
    return {**base, **extra}


STEP = f"{PUBLIC}/plivo/step"


def test_a_flow_runs_webhook_by_webhook_and_texts_through_the_message_api():
    """Answer, GetInput action, Record action, hangup_url: one flow, suspended between them."""
    rest = RecordingTransport([(202, {"message_uuid": ["db3ce55a-0001"], "api_id": "x"})])
    b = backend(transport=rest)
    b.answer(NUMBER, support_line)
    status, xml = post(b.server, "/plivo/answer", webhook())
    assert status == 200
    assert xml == (
        "<Response><Speak>Welcome to support.</Speak>"
        f'<GetInput action="{STEP}/1" method="POST" inputType="dtmf" digitEndTimeout="7" '
        'numDigits="1" finishOnKey="" redirect="true">'
        "<Speak>Press 1 for billing or 2 to leave a message.</Speak></GetInput>"
        f"<Redirect>{STEP}/1</Redirect></Response>"
    )
    _, xml = post(b.server, "/plivo/step/1", webhook(Digits="2"))
    assert xml == (
        "<Response><Speak>Speak after the tone.</Speak>"
        f'<Record action="{STEP}/2" method="POST" maxLength="60" timeout="4" playBeep="true" '
        f'finishOnKey="#" fileFormat="wav"/><Redirect>{STEP}/2</Redirect></Response>'
    )
    recording = {"RecordUrl": "https://media.plivo.com/v1/Account/x/Recording/r1.mp3",
                 "RecordingDuration": "6", "RecordingID": "r1"}  # fmt: skip
    _, xml = post(b.server, "/plivo/step/2", webhook(**recording))
    assert xml == "<Response><Speak>We got 6 seconds. Goodbye.</Speak><Hangup/></Response>"
    [sms] = rest.requests
    assert (
        sms.method == "POST" and sms.url == f"https://api.plivo.com/v1/Account/{AUTH_ID}/Message/"
    )
    assert sms.body == b'{"src":"15557654321","dst":"15551234567","text":"Thanks for your message"}'
    status, _ = post(b.server, "/plivo/hangup", webhook(CallStatus="completed", Event="Hangup"))
    assert status == 204 and b.server.calls == {}


def test_a_silent_caller_comes_back_through_the_redirect_and_a_hangup_stops_the_flow():
    reached = []

    def pin(call):
        reached.append(call.ask("Your PIN?", choices="[4 DIGITS]", attempts=2, timeout=5).name)

    b = backend()
    b.answer(NUMBER, pin)
    post(b.server, "/plivo/answer", webhook())
    _, xml = post(b.server, "/plivo/step/1", webhook())  # Plivo's <Redirect>: nothing heard
    assert f'action="{STEP}/2"' in xml and 'numDigits="4"' in xml
    post(b.server, "/plivo/hangup", webhook(CallStatus="completed"))
    assert reached == [] and b.server.calls == {}


def test_unsigned_missigned_and_tampered_webhooks_are_refused_before_any_flow():
    ran = []
    b = backend()
    b.answer(NUMBER, lambda call: ran.append(call))
    assert post(b.server, "/plivo/answer", webhook(), token="t" * 40)[0] == 403
    headers = sign(PUBLIC + "/plivo/answer", webhook())
    tampered = webhook(From="15550000000")
    response = call_wsgi(b.server, "POST", PUBLIC + "/plivo/answer",
                         urlencode(tampered).encode(), headers)  # fmt: skip
    assert response.status == 403
    unsigned = call_wsgi(b.server, "POST", PUBLIC + "/plivo/answer", urlencode(webhook()).encode(),
                         {"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert unsigned.status == 403 and "X-Plivo-Signature-V3" in unsigned.text
    assert ran == [] and len(b.server.refused) == 3


def test_placing_a_call_sends_exactly_the_documented_request_after_one_confirmation():
    asked = []
    fired = {"api_id": "97ceeb52", "message": "call fired", "request_uuid": "75a6ba4e-0001"}
    rest = RecordingTransport([(201, fired), (201, fired)])
    b = backend(transport=rest, confirm=lambda q: asked.append(q) or True)
    assert b.call(PERSON, support_line) == "75a6ba4e-0001"
    b.call(PERSON, support_line)
    assert len(asked) == 1 and "REAL call" in asked[0] and "through Plivo" in asked[0]
    first = rest.requests[0]
    token = next(iter(b.server.sessions))
    assert first.method == "POST"
    assert first.url == f"https://api.plivo.com/v1/Account/{AUTH_ID}/Call/"
    assert first.body == (
        b'{"from":"15557654321","to":"15551234567",'
        b'"answer_url":"https://abc123.ngrok.app/plivo/answer?session=' + token.encode() + b'",'
        b'"answer_method":"POST","hangup_url":"https://abc123.ngrok.app/plivo/hangup",'
        b'"hangup_method":"POST"}'
    )
    assert (
        first.authorization == "Basic " + base64.b64encode(f"{AUTH_ID}:{TOKEN}".encode()).decode()
    )
    assert first.headers["Content-Type"] == "application/json"
    assert TOKEN not in repr(first)


def test_the_placed_call_runs_its_flow_when_plivo_requests_the_answer_url():
    fired = {"request_uuid": "75a6ba4e-0001"}
    b = backend(transport=RecordingTransport([(201, fired)]), confirm=lambda q: True)
    b.call(PERSON, support_line)
    answer_url = json.loads(b.rest.transport.requests[0].body)["answer_url"]
    path = answer_url[len(PUBLIC) :]
    outbound = webhook(From=NUMBER[1:], To=PERSON[1:], Direction="outbound")
    status, xml = post(b.server, path, outbound)
    assert status == 200 and "<GetInput" in xml and "Welcome to support." in xml
    _, xml = post(b.server, "/plivo/step/1", webhook(Digits="1"))
    assert xml == (
        f'<Response><Dial action="{STEP}/2" method="POST" timeout="20">'
        f"<Number>15550123</Number></Dial><Redirect>{STEP}/2</Redirect></Response>"
    )


def test_answer_returns_the_urls_to_set_and_does_not_touch_the_account():
    rest = RecordingTransport()
    b = backend(transport=rest)
    assert b.answer(NUMBER, support_line) == {
        "answer_url": f"{PUBLIC}/plivo/answer", "answer_method": "POST",
        "hangup_url": f"{PUBLIC}/plivo/hangup", "hangup_method": "POST",
    }  # fmt: skip
    with pytest.raises(ConfigurationError, match="does not configure Plivo numbers"):
        b.answer(NUMBER, support_line, configure=True)
    assert rest.requests == []


def test_declined_confirmation_and_numbers_off_the_allow_list_send_nothing():
    rest = RecordingTransport()
    b = backend(transport=rest, confirm=lambda q: False)
    with pytest.raises(FlowError, match="not confirmed; nothing was sent to Plivo"):
        b.call(PERSON, support_line)
    with pytest.raises(ConfigurationError, match=r"\+15559999999 is not on the allow-list"):
        b.call("+15559999999", support_line)
    assert rest.requests == []


def test_dry_run_prints_the_request_the_documents_and_the_cost_and_sends_nothing(capsys):
    rest = RecordingTransport()
    dry = backend(dry_run=True, transport=rest).call(
        PERSON, support_line, caller="press: 2; say: hello there; press: #"
    )
    out = capsys.readouterr().out
    assert rest.requests == [] and "DRY RUN - nothing was sent to Plivo." in out
    assert f"POST https://api.plivo.com/v1/Account/{AUTH_ID}/Call/" in out
    assert '{"from":"15557654321","to":"15551234567"' in out
    assert "Authorization: Basic ****" in out and TOKEN not in out
    assert dry.request.authorization == "Basic ****"
    assert "<GetInput" in dry.steps.documents[0] and "<Record" in dry.steps.documents[1]
    assert dry.estimate.minutes == 1 and dry.estimate.cost == pytest.approx(0.0100 + 0.0055)
    assert "Plivo XML step(s)" in repr(dry)


def test_credentials_come_from_the_environment_and_never_show(caplog, capsys):
    with pytest.raises(ConfigurationError, match="PLIVO_AUTH_ID"):
        telenb.connect("plivo", public_url=PUBLIC, env={})
    with pytest.raises(ConfigurationError, match="PLIVO_AUTH_TOKEN") as missing:
        telenb.connect("plivo", public_url=PUBLIC, env={"PLIVO_AUTH_ID": AUTH_ID})
    assert AUTH_ID not in str(missing.value)
    env = {"PLIVO_AUTH_ID": AUTH_ID, "PLIVO_AUTH_TOKEN": TOKEN}
    caplog.set_level(logging.DEBUG)
    rest = RecordingTransport([(201, {"request_uuid": "u1"})])
    b = telenb.connect(
        "plivo", public_url=PUBLIC, env=env, allow=[PERSON], from_=NUMBER,
        executor=InlineExecutor(), transport=rest, confirm=lambda q: True,
    )  # fmt: skip
    b.answer(NUMBER, support_line)
    b.call(PERSON, support_line)
    post(b.server, "/plivo/answer", webhook())
    post(b.server, "/plivo/answer", webhook(), token="wrong" * 8)
    print(b, b.credentials, b.server, b.rest.transport.requests)
    shown = capsys.readouterr().out + caplog.text + repr(b) + str(b.credentials)
    assert TOKEN not in shown and TOKEN[:8] not in shown
    assert base64.b64encode(f"{AUTH_ID}:{TOKEN}".encode()).decode() not in shown
    with pytest.raises(TypeError):
        pickle.dumps(b.credentials)


def test_the_webhook_server_over_a_real_socket():
    b = backend(executor=None)
    b.answer(NUMBER, support_line)
    host, port = b.serve(port=0)
    try:
        params = webhook()
        req = urllib.request.Request(
            f"http://{host}:{port}/plivo/answer", data=urlencode(params).encode(),
            headers=sign(PUBLIC + "/plivo/answer", params),
        )  # fmt: skip
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status == 200 and b"<GetInput" in resp.read()
            assert resp.headers["Content-Type"] == "application/xml"
    finally:
        b.stop()

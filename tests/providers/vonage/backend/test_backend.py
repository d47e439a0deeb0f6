"""The real-Vonage backend, offline: signed webhooks request by request, the exact REST
requests (method, URL, JSON body, the RS256 JWT) and the safety rails.

Vonage's documents, as the tests read them: ``POST https://api.nexmo.com/v1/calls`` with
``to`` a list of ``{"type": "phone", "number": ...}`` endpoints, ``from`` one, and
``answer_url``/``event_url`` lists (Voice API reference, "Create an outbound call"),
authorised by ``Bearer <JWT>`` signed RS256 with the application's private key, claims
``application_id``, ``iat``, ``jti``, ``exp`` ("JWT authentication"); webhooks carry an HS256
JWT made with the signature secret whose ``payload_hash`` is the body's SHA-256 hex ("Decoding
signed webhooks"), which the tests make with PyJWT directly, not with telenb's signing module.
"""

import hashlib
import json
import logging
import pickle

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import telenb
from telenb.errors import ConfigurationError, FlowError
from telenb.providers.live.http import RecordingTransport
from telenb.providers.live.server import InlineExecutor
from telenb.providers.vonage.backend.credentials import VonageCredentials
from telenb.providers.webhooks.web import call_wsgi

APP_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
SECRET = "sig" + "S" * 29
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                         serialization.NoEncryption()).decode()  # fmt: skip
PUBLIC_KEY = _KEY.public_key()
PUBLIC = "https://abc123.ngrok.app"
NUMBER, PERSON = "+15557654321", "+15551234567"
CONV = "CON-7e1a2b3c-0000-4000-8000-000000000001"
NOW = 1_767_225_600


def support_line(call):
    call.say("Welcome to support.")
    r = call.ask("Press 1 for billing or 2 to leave a message.",
                 choices="billing(1), message(2)", timeout=7, mode="dtmf")  # fmt: skip
    if r.value == "billing":
        call.transfer("+15550123", timeout=20)
        return
    rec = call.record("Speak after the tone.", max_time=60, silence_timeout=4)
    call.say(f"Thanks, recorded at {rec.recording.url}.")
    call.message("Thanks for your message", to=call.caller_id)


def credentials():
    ids = iter(f"jti-{n}" for n in range(100))
    return VonageCredentials(APP_ID, PEM, SECRET, clock=lambda: NOW, new_id=lambda: next(ids))


def backend(**options):
    defaults = dict(public_url=PUBLIC, credentials=credentials(), executor=InlineExecutor(),
                    allow=[PERSON], from_=NUMBER, transport=RecordingTransport())  # fmt: skip
    return telenb.connect("vonage", **{**defaults, **options})


def signed(body: bytes, *, secret=SECRET):
    """Authorization as Vonage sends it: HS256 over iat, jti, iss, payload_hash, api_key,
    application_id."""
    digest = hashlib.sha256(body).hexdigest()
    claims = {"iat": NOW, "jti": "w1", "iss": "Vonage", "api_key": "abcd1234",
              "application_id": APP_ID, "payload_hash": digest}  # fmt: skip
    return {"Authorization": "Bearer " + jwt.encode(claims, secret, algorithm="HS256")}


def post(app, path, data, **signing):
    body = json.dumps(data).encode()
    headers = {"Content-Type": "application/json", **signed(body, **signing)}
    response = call_wsgi(app, "POST", PUBLIC + path, body, headers)
    return response.status, response.text


def answer(**extra):
    return {"to": NUMBER[1:], "from": PERSON[1:], "uuid": "leg-1", "conversation_uuid": CONV,
            **extra}  # fmt: skip


URL = f"{PUBLIC}/vonage"


def test_a_flow_runs_webhook_by_webhook_and_texts_through_the_messages_api():
    """answer_url, the input's eventUrl, the record event and notify, the completed event."""
    rest = RecordingTransport([(202, {"message_uuid": "aaaaaaaa-0001"})])
    b = backend(transport=rest)
    b.answer(NUMBER, support_line)
    status, ncco = post(b.server, "/vonage/answer", answer())
    assert status == 200
    assert json.loads(ncco) == [
        {"action": "talk", "text": "Welcome to support."},
        {"action": "talk", "text": "Press 1 for billing or 2 to leave a message.",
         "bargeIn": True},
        {"action": "input", "type": ["dtmf"], "eventUrl": [f"{URL}/step/1"],
         "dtmf": {"timeOut": 7, "maxDigits": 1}},
    ]  # fmt: skip
    input_event = answer(dtmf={"digits": "2", "timed_out": False}, speech={})
    _, ncco = post(b.server, "/vonage/step/1", input_event)
    doc = json.loads(ncco)
    assert [a["action"] for a in doc] == ["talk", "record", "notify"]
    assert doc[1]["eventUrl"] == [f"{URL}/record/2"] and doc[2]["eventUrl"] == [f"{URL}/step/2"]
    rec = {"recording_url": "https://api.nexmo.com/v1/files/r1", "conversation_uuid": CONV,
           "recording_uuid": "r1"}  # fmt: skip
    assert post(b.server, "/vonage/record/2", rec)[0] == 204
    _, ncco = post(b.server, "/vonage/step/2", answer(payload={"step": 2}))
    assert json.loads(ncco) == [
        {"action": "talk", "text": "Thanks, recorded at https://api.nexmo.com/v1/files/r1."}
    ]
    [sms] = rest.requests
    assert sms.method == "POST" and sms.url == "https://api.nexmo.com/v1/messages"
    assert sms.body == (b'{"message_type":"text","channel":"sms","to":"15551234567",'
                        b'"from":"15557654321","text":"Thanks for your message"}')  # fmt: skip
    assert post(b.server, "/vonage/event", answer(status="completed"))[0] == 204
    assert b.server.calls == {}


def test_a_completed_event_stops_a_flow_waiting_for_input():
    reached = []
    b = backend()
    b.answer(NUMBER, lambda call: reached.append(call.ask("PIN?", choices="[4 DIGITS]")))
    post(b.server, "/vonage/answer", answer())
    assert CONV in b.server.calls
    post(b.server, "/vonage/event", answer(status="completed"))
    assert reached == [] and b.server.calls == {}


def test_unsigned_missigned_and_tampered_webhooks_get_401_before_any_flow():
    ran = []
    b = backend()
    b.answer(NUMBER, lambda call: ran.append(call))
    assert post(b.server, "/vonage/answer", answer(), secret="x" * 32)[0] == 401
    body = json.dumps(answer()).encode()
    tampered = json.dumps(answer(to="15550000000")).encode()
    response = call_wsgi(b.server, "POST", PUBLIC + "/vonage/answer", tampered, signed(body))
    assert response.status == 401 and "payload_hash" in response.text
    unsigned = call_wsgi(b.server, "POST", PUBLIC + "/vonage/answer", body, {})
    assert unsigned.status == 401
    assert ran == [] and len(b.server.refused) == 3


def test_placing_a_call_sends_exactly_the_documented_request_after_one_confirmation():
    asked = []
    started = {"uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356", "status": "started",
               "direction": "outbound", "conversation_uuid": CONV}  # fmt: skip
    rest = RecordingTransport([(201, started), (201, started)])
    b = backend(transport=rest, confirm=lambda q: asked.append(q) or True)
    assert b.call(PERSON, support_line) == started["uuid"]
    b.call(PERSON, support_line)
    assert len(asked) == 1 and "through Vonage" in asked[0]
    first = rest.requests[0]
    token = next(iter(b.server.sessions))
    assert (first.method, first.url) == ("POST", "https://api.nexmo.com/v1/calls")
    assert first.body == (
        b'{"to":[{"type":"phone","number":"15551234567"}],'
        b'"from":{"type":"phone","number":"15557654321"},'
        b'"answer_url":["https://abc123.ngrok.app/vonage/answer?session=' + token.encode() + b'"],'
        b'"answer_method":"POST","event_url":["https://abc123.ngrok.app/vonage/event"],'
        b'"event_method":"POST"}'
    )
    scheme, _, token_ = first.authorization.partition(" ")
    assert scheme == "Bearer" and jwt.get_unverified_header(token_)["alg"] == "RS256"
    claims = jwt.decode(token_, PUBLIC_KEY, algorithms=["RS256"], options={"verify_exp": False})
    assert claims == {"application_id": APP_ID, "iat": NOW, "jti": "jti-0", "exp": NOW + 900}
    expected = jwt.encode(dict(claims), PEM, algorithm="RS256")  # RS256 is deterministic
    assert token_ == expected
    assert first.headers["Content-Type"] == "application/json"


def test_the_placed_call_runs_its_flow_when_vonage_requests_the_answer_url():
    b = backend(transport=RecordingTransport([(201, {"uuid": "u1"})]), confirm=lambda q: True)
    b.call(PERSON, support_line)
    [answer_url] = json.loads(b.rest.transport.requests[0].body)["answer_url"]
    _, ncco = post(
        b.server, answer_url[len(PUBLIC) :], answer(to=PERSON[1:], **{"from": NUMBER[1:]})
    )
    assert json.loads(ncco)[-1]["action"] == "input"
    _, ncco = post(b.server, "/vonage/step/1", answer(dtmf={"digits": "1"}))
    doc = json.loads(ncco)
    assert doc[0] == {"action": "connect", "endpoint": [{"type": "phone", "number": "15550123"}],
                      "timeout": 20, "eventUrl": [f"{URL}/connect/2"]}  # fmt: skip


def test_declined_confirmation_and_numbers_off_the_allow_list_send_nothing():
    rest = RecordingTransport()
    b = backend(transport=rest, confirm=lambda q: False)
    with pytest.raises(FlowError, match="not confirmed; nothing was sent to Vonage"):
        b.call(PERSON, support_line)
    with pytest.raises(ConfigurationError, match=r"\+15559999999 is not on the allow-list"):
        b.call("+15559999999", support_line)
    assert rest.requests == []


def test_dry_run_prints_the_request_the_nccos_and_the_cost_and_sends_nothing(capsys):
    rest = RecordingTransport()
    dry = backend(dry_run=True, transport=rest).call(PERSON, support_line, caller="press: 2")
    out = capsys.readouterr().out
    assert rest.requests == [] and "DRY RUN - nothing was sent to Vonage." in out
    assert "POST https://api.nexmo.com/v1/calls" in out
    assert '"to":[{"type":"phone","number":"15551234567"}]' in out
    assert "Authorization: Bearer ****" in out and dry.request.authorization == "Bearer ****"
    assert "eyJ" not in out  # no JWT, not even a signed one
    assert dry.steps.documents[0][-1]["action"] == "input"
    assert "NCCO step(s)" in repr(dry) and dry.estimate.minutes == 1


def test_credentials_come_from_the_environment_and_never_show(caplog, capsys, tmp_path):
    with pytest.raises(ConfigurationError, match="VONAGE_APPLICATION_ID"):
        telenb.connect("vonage", public_url=PUBLIC, env={})
    with pytest.raises(ConfigurationError, match="VONAGE_PRIVATE_KEY"):
        telenb.connect("vonage", public_url=PUBLIC, env={"VONAGE_APPLICATION_ID": APP_ID})
    key_file = tmp_path / "private.key"
    key_file.write_text(PEM)
    env = {"VONAGE_APPLICATION_ID": APP_ID, "VONAGE_PRIVATE_KEY": str(key_file)}
    with pytest.raises(ConfigurationError, match="VONAGE_SIGNATURE_SECRET") as missing:
        telenb.connect("vonage", public_url=PUBLIC, env=env)
    assert str(key_file) not in str(missing.value) and "BEGIN" not in str(missing.value)
    env["VONAGE_SIGNATURE_SECRET"] = SECRET
    caplog.set_level(logging.DEBUG)
    rest = RecordingTransport([(201, {"uuid": "u1"})])
    b = telenb.connect(
        "vonage",
        public_url=PUBLIC,
        env=env,
        allow=[PERSON],
        from_=NUMBER,
        executor=InlineExecutor(),
        transport=rest,
        confirm=lambda q: True,
    )
    b.answer(NUMBER, support_line)
    b.call(PERSON, support_line)
    post(b.server, "/vonage/answer", answer())
    post(b.server, "/vonage/answer", answer(), secret="y" * 32)
    print(b, b.credentials, b.server)
    shown = capsys.readouterr().out + caplog.text + repr(b) + str(b.credentials)
    assert SECRET not in shown and "PRIVATE KEY" not in shown and "eyJ" not in shown
    with pytest.raises(TypeError):
        pickle.dumps(b.credentials)


def test_the_default_get_answer_webhook_is_signed_over_an_empty_body():
    """An application's answer webhook is a GET unless set to POST: its parameters are in the
    query, and the JWT's payload_hash is the SHA-256 of the empty body."""
    from urllib.parse import urlencode

    b = backend()
    b.answer(NUMBER, support_line)
    url = f"{PUBLIC}/vonage/answer?{urlencode(answer())}"
    response = call_wsgi(b.server, "GET", url, b"", signed(b""))
    assert response.status == 200 and json.loads(response.text)[-1]["action"] == "input"
    assert call_wsgi(b.server, "GET", url, b"", {}).status == 401


def test_a_call_over_a_real_socket_resumes_its_flow_on_its_own_thread():
    """Each call's flow has a thread of its own (a greenlet stays on the thread that made it):
    the input event, served by another of waitress's threads, resumes it there."""
    import threading
    import urllib.request

    threads = []

    def flow(call):
        threads.append(threading.current_thread().name)
        r = call.ask("Your PIN?", choices="[4 DIGITS]", timeout=5)
        threads.append(threading.current_thread().name)
        call.say(f"You said {r.value}.")

    b = backend(executor=None)
    b.answer(NUMBER, flow)
    host, port = b.serve(port=0)

    def send(path, data):
        body = json.dumps(data).encode()
        headers = {"Content-Type": "application/json", **signed(body)}
        req = urllib.request.Request(f"http://{host}:{port}{path}", data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    try:
        assert send("/vonage/answer", answer())[-1]["action"] == "input"
        said = send("/vonage/step/1", answer(dtmf={"digits": "4321"}))
        assert said == [{"action": "talk", "text": "You said 4321."}]
    finally:
        b.stop()
    assert len(threads) == 2 and threads[0] == threads[1] and threads[0].startswith("telenb-call")

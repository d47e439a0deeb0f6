"""The real `plivo` SDK against the simulated carrier (offline_client / offline), each
behaviour as Plivo's API reference documents it:

- Make a call (https://www.plivo.com/docs/voice/api/call/make-a-call): from, to (several
  with '<'), answer_url fetched once the call is answered; the answer is "call fired" with
  its request_uuid; hangup_url hears the Hangup event.
- Retrieve a call / list (https://www.plivo.com/docs/voice/api/call/retrieve-a-call): the
  Call object (call detail record) with call_uuid, call_direction, bill_duration,
  hangup_cause_name/code and hangup_source; lists carry meta (limit, offset, total_count).
- Hang up (https://www.plivo.com/docs/voice/api/call/hangup-a-call): DELETE, 204; before
  answer it is canceled (hangup cause 1000 Canceled, source API Request, from
  https://www.plivo.com/docs/voice/troubleshooting/hangup-causes).
- Send digits (https://www.plivo.com/docs/voice/api/call/dtmf/send-digits-on-a-call): 202
  "digits sent".
- Send a message (https://www.plivo.com/docs/messaging/api/message/send-a-message): 202
  "message(s) queued" with a message_uuid list; the Message object
  (https://www.plivo.com/docs/messaging/api/message/the-message-object) moves queued ->
  sent -> delivered; status callbacks to url
  (https://www.plivo.com/docs/messaging/api/message/message-status-callbacks).
- Authentication (https://www.plivo.com/docs/voice/api/overview): HTTP Basic with the auth
  ID and auth token; anything else is 401.
"""

import os

import pytest

plivo = pytest.importorskip("plivo", reason="plivo SDK not installed")
from plivo import exceptions  # noqa: E402
from plivo.utils.signature_v3 import validate_v3_signature  # noqa: E402

import telenb  # noqa: E402
from telenb.providers.plivo import offline, offline_client, plivo_application  # noqa: E402

APP, CUSTOMER = "+15550100", "+15550123"
ANSWER = "https://15550100.plivo.test/answer"


@pytest.fixture
def net():
    carrier = telenb.Carrier(seed=11)
    seen: list = []
    token = plivo_application(carrier).auth_token

    def record(request):
        ok = validate_v3_signature(
            request.method, request.url, request.headers["X-Plivo-Signature-V3-Nonce"],
            token, request.headers["X-Plivo-Signature-V3"], dict(request.form),
        )  # fmt: skip
        seen.append((request.path, dict(request.form), ok))
        return "<Response><Speak>Your table is ready</Speak></Response>"

    carrier.app(APP, plivo={"/answer": record, "/hangup": record, "/status": record})
    carrier.phone(CUSTOMER, script="wait: 10s")
    return carrier, offline_client(carrier), seen


def test_make_a_call_fetches_the_answer_url_and_leaves_a_cdr(net):
    carrier, client, seen = net
    r = client.calls.create(from_=APP, to_=CUSTOMER, answer_url=ANSWER, answer_method="POST",
                            hangup_url="https://15550100.plivo.test/hangup")  # fmt: skip
    assert r.message == "call fired" and r.request_uuid
    assert seen == [], "nothing happens until virtual time runs"
    carrier.run()
    (path, answer, signed), (hpath, hangup, _) = seen
    assert (path, hpath) == ("/answer", "/hangup") and signed
    assert answer["Direction"] == "outbound" and answer["ALegRequestUUID"] == r.request_uuid
    assert answer["From"] == "15550100" and answer["To"] == "15550123"
    assert hangup["Event"] == "Hangup" and hangup["CallStatus"] == "completed"
    cdr = client.calls.get(answer["CallUUID"])
    assert cdr.call_uuid == answer["CallUUID"] and cdr.call_direction == "outbound"
    assert (cdr.from_number, cdr.to_number) == ("15550100", "15550123")
    assert cdr.bill_duration == round(carrier.legs[0].duration) > 0
    assert (cdr.hangup_cause_code, cdr.hangup_cause_name) == (4010, "End Of XML Instructions")
    assert cdr.resource_uri.endswith(f"/Call/{cdr.call_uuid}/")


def test_bulk_calls_answer_one_request_uuid_each(net):
    carrier, client, _ = net
    carrier.phone("+15550124", script="wait: 10s")
    r = client.calls.create(from_=APP, to_=f"{CUSTOMER}<+15550124", answer_url=ANSWER)
    assert isinstance(r.request_uuid, list) and len(set(r.request_uuid)) == 2
    assert sorted(leg.to for leg in carrier.legs) == [CUSTOMER, "+15550124"]


def test_live_calls_then_list_with_meta(net):
    carrier, client, _ = net
    client.calls.create(from_=APP, to_=CUSTOMER, answer_url=ANSWER)
    carrier.run(until=carrier.clock.now + 5)  # answered, still talking
    [live_uuid] = client.live_calls.list_ids().calls
    live = client.live_calls.get(live_uuid)
    assert live.call_status == "in-progress" and live.to == "15550123"
    carrier.run()
    assert client.live_calls.list_ids().calls == []
    calls = client.calls.list(call_direction="outbound")
    assert [c.call_uuid for c in calls] == [live_uuid]
    assert calls.meta.total_count == 1 and calls.meta.limit == 20 and calls.meta.next is None
    assert len(client.calls.list(call_direction="inbound")) == 0


def test_hangup_cancels_a_ringing_call_and_ends_an_answered_one(net):
    carrier, client, seen = net
    client.calls.create(from_=APP, to_=CUSTOMER, answer_url=ANSWER,
                        hangup_url="https://15550100.plivo.test/hangup")  # fmt: skip
    carrier.run(until=carrier.clock.now + 1)  # still ringing
    [ringing] = client.live_calls.list_ids().calls
    assert client.calls.delete(ringing) is None  # 204, no body
    carrier.run()
    cdr = client.calls.get(ringing)
    assert (cdr.hangup_cause_code, cdr.hangup_source) == (1000, "API Request")
    assert cdr.answer_time is None and cdr.bill_duration == 0
    assert [p for p, _, _ in seen] == ["/hangup"], "never answered: no answer_url"
    with pytest.raises(exceptions.ResourceNotFoundError):
        client.calls.delete(ringing)  # not in progress any more


def test_send_digits_reaches_the_callee(net):
    carrier, client, _ = net
    heard = []
    carrier.phone("+15550125", script=lambda h: heard.append(h.text) and None)
    client.calls.create(from_=APP, to_="+15550125", answer_url=ANSWER)
    carrier.run(until=carrier.clock.now + 5)
    [call_uuid] = client.live_calls.list_ids().calls
    r = client.calls.send_digits(call_uuid=call_uuid, digits="123")
    assert r.message == "digits sent"
    assert "<dtmf 123>" in heard


def test_wrong_credentials_get_401_and_place_nothing(net):
    carrier, _, _ = net
    from telenb.providers.plivo.rest.offline import mount

    impostor = plivo.RestClient("MA" + "X" * 18, "not-the-token")
    mount(impostor, carrier)
    with pytest.raises(exceptions.AuthenticationError):
        impostor.calls.create(from_=APP, to_=CUSTOMER, answer_url=ANSWER)
    with pytest.raises(exceptions.AuthenticationError):
        impostor.messages.list()
    assert carrier.legs == [] and list(carrier.messages) == []


def test_send_a_message_and_follow_its_state(net):
    carrier, client, seen = net
    r = client.messages.create(src=APP, dst=CUSTOMER, text="Your table is ready",
                               url="https://15550100.plivo.test/status")  # fmt: skip
    assert r.message == "message(s) queued" and len(r.message_uuid) == 1
    [msg] = carrier.messages
    assert (msg.from_, msg.to, msg.body) == (APP, CUSTOMER, "Your table is ready")
    assert client.messages.get(r.message_uuid[0]).message_state == "queued"
    carrier.run()
    mdr = client.messages.get(r.message_uuid[0])
    assert mdr.message_state == "delivered" and mdr.message_direction == "outbound"
    assert (mdr.from_number, mdr.to_number, mdr.units) == ("15550100", "15550123", 1)
    statuses = [(f["Status"], ok) for p, f, ok in seen if p == "/status"]
    assert statuses == [("queued", True), ("sent", True), ("delivered", True)]
    assert {f["MessageUUID"] for p, f, _ in seen} == set(r.message_uuid)


def test_an_undeliverable_message_reports_plivos_error_code(net):
    """Error codes (https://www.plivo.com/docs/messaging/troubleshooting/error-codes): the
    MDR's error_code is 000 once delivered and names the failure otherwise (50, Invalid
    Destination Number, for a landline); the status callback carries it as ErrorCode."""
    carrier, client, seen = net
    carrier.phone("+15550126", sms="landline")
    bad = client.messages.create(src=APP, dst="+15550126", text="Hi",
                                 url="https://15550100.plivo.test/status")  # fmt: skip
    good = client.messages.create(src=APP, dst=CUSTOMER, text="Hi")
    carrier.run()
    mdr = client.messages.get(bad.message_uuid[0])
    assert (mdr.message_state, mdr.error_code) == ("undelivered", "50")
    assert client.messages.get(good.message_uuid[0]).error_code == "000"
    last = [f for p, f, _ in seen if p == "/status"][-1]
    assert (last["Status"], last["ErrorCode"]) == ("undelivered", "50")


def test_bulk_messages_and_listing_filters(net):
    carrier, client, _ = net
    r = client.messages.create(src=APP, dst=f"{CUSTOMER}<+15550124", text="Closing at 9")
    assert len(r.message_uuid) == 2
    carrier.run()
    listed = client.messages.list(message_direction="outbound", message_state="delivered")
    assert sorted(m.message_uuid for m in listed) == sorted(r.message_uuid)
    assert listed.meta.total_count == 2
    assert len(client.messages.list(message_direction="inbound")) == 0


def test_message_errors_are_plivos_400s(net):
    _, client, _ = net
    with pytest.raises(exceptions.ValidationError, match="not a Plivo number"):
        client.messages.create(src="+15550999", dst=CUSTOMER, text="hi")
    with pytest.raises(exceptions.ValidationError, match="text"):
        client.messages.create(src=APP, dst=CUSTOMER, text="")
    with pytest.raises(exceptions.ResourceNotFoundError):
        client.messages.get("00000000-0000-0000-0000-000000000000")


def test_an_apps_own_client_inside_offline_reaches_the_carrier():
    carrier = telenb.Carrier(seed=11)
    carrier.app(APP, plivo="<Response><Speak>Hi</Speak></Response>")
    before = os.environ.get("PLIVO_AUTH_ID")
    with offline(carrier):
        client = plivo.RestClient()  # credentials from the environment, as Plivo's docs do
        client.messages.create(src=APP, dst=CUSTOMER, text="from the app")
    assert os.environ.get("PLIVO_AUTH_ID") == before
    [msg] = carrier.messages
    assert msg.body == "from the app" and msg.from_ == APP
